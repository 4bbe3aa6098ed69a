#include "core/store/internal/Sqlite.h"

#include "core/common/MessageText.h"

#include <sqlite3.h>

#include <cctype>
#include <cmath>
#include <unistd.h>
#include <limits>

namespace ost::sql {

namespace {

// SQLite quotes schema text in some messages ("malformed database schema (runs) - ..."), newlines and
// all (found by fuzz_store): errors are one line.
std::string oneLine(const std::string &s) { return escapeControls(s); }

} // namespace


// ---- Query -------------------------------------------------------------------------------------

Query::Query(Db &db, sqlite3_stmt *stmt, Status prepareStatus)
    : m_db(&db), m_stmt(stmt), m_status(std::move(prepareStatus))
{
}

Query::Query(Query &&other) noexcept
    : m_db(other.m_db), m_stmt(other.m_stmt), m_status(std::move(other.m_status))
{
    other.m_stmt = nullptr;
}

Query::~Query()
{
    if (m_stmt) {
        sqlite3_reset(m_stmt);
        sqlite3_clear_bindings(m_stmt);
    }
}

void Query::noteError(int rc, const char *what)
{
    if (rc == SQLITE_OK || !m_status.ok())
        return;
    m_status = m_db->error(what);
    m_db->noteFailure(m_status);
}

Query &Query::bind(int index, int64_t value)
{
    if (m_stmt)
        noteError(sqlite3_bind_int64(m_stmt, index, value), "bind");
    return *this;
}

Query &Query::bind(int index, double value)
{
    if (m_stmt)
        noteError(std::isnan(value) ? sqlite3_bind_null(m_stmt, index)
                                    : sqlite3_bind_double(m_stmt, index, value),
                  "bind");
    return *this;
}

Query &Query::bind(int index, const std::string &text)
{
    if (m_stmt)
        noteError(sqlite3_bind_text64(m_stmt, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
                  "bind");
    return *this;
}

Query &Query::bindBlobNoCopy(int index, const std::string &bytes)
{
    // A null pointer would bind SQL NULL; an empty blob must stay an empty blob.
    static const char empty = 0;
    if (m_stmt)
        noteError(sqlite3_bind_blob64(m_stmt, index, bytes.empty() ? &empty : bytes.data(), bytes.size(),
                                      SQLITE_STATIC),
                  "bind");
    return *this;
}

bool Query::next()
{
    if (!m_stmt || !m_status.ok())
        return false;
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc != SQLITE_DONE) {
        m_status = m_db->error("query");
        m_db->noteFailure(m_status);
    }
    return false;
}

Status Query::run()
{
    while (next()) {
    }
    return m_status;
}

bool Query::isNull(int column) const { return sqlite3_column_type(m_stmt, column) == SQLITE_NULL; }

int64_t Query::integer(int column) const { return sqlite3_column_int64(m_stmt, column); }

double Query::real(int column) const
{
    if (isNull(column))
        return std::numeric_limits<double>::quiet_NaN();
    return sqlite3_column_double(m_stmt, column);
}

std::string Query::text(int column) const
{
    const auto *p = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, column));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(m_stmt, column))) : std::string();
}

std::string Query::blob(int column) const
{
    const auto *p = static_cast<const char *>(sqlite3_column_blob(m_stmt, column));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(m_stmt, column))) : std::string();
}

// ---- Db ----------------------------------------------------------------------------------------

Result<std::unique_ptr<Db>> Db::open(const std::string &path)
{
    std::unique_ptr<Db> db(new Db);
    db->m_path = path;
    // NOMUTEX: the store serialises every call with its own mutex, SQLite's would be a second lock.
    const int rc = sqlite3_open_v2(path.c_str(), &db->m_db,
                                   SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        Error e = db->m_db ? db->error("cannot open") : Error{path + ": cannot open: out of memory"};
        return e;
    }
    sqlite3_extended_result_codes(db->m_db, 1);
    return db;
}

Result<std::unique_ptr<Db>> Db::openReadOnly(const std::string &path)
{
    std::unique_ptr<Db> db(new Db);
    db->m_path = path;
    db->m_readOnly = true;
    std::string folder = path.substr(0, path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/'));
    if (folder.empty())
        folder = path.rfind('/', 0) == 0 ? "/" : ".";
    const bool writableFolder = ::access(folder.c_str(), W_OK) == 0;
    std::string name = path;
    int flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX;
    if (!writableFolder) {
        // file: URI with every byte that URIs treat specially escaped.
        name = "file:";
        static const char *hex = "0123456789ABCDEF";
        for (unsigned char c : path) {
            if (std::isalnum(c) || c == '/' || c == '.' || c == '-' || c == '_' || c == '~')
                name += static_cast<char>(c);
            else
                name += {'%', hex[c >> 4], hex[c & 15]};
        }
        name += "?immutable=1";
        flags |= SQLITE_OPEN_URI;
    }
    const int rc = sqlite3_open_v2(name.c_str(), &db->m_db, flags, nullptr);
    if (rc != SQLITE_OK) {
        Error e = db->m_db ? db->error("cannot open read-only") : Error{path + ": cannot open: out of memory"};
        return e;
    }
    sqlite3_extended_result_codes(db->m_db, 1);
    return db;
}

Db::~Db()
{
    for (auto &[_, stmt] : m_cache)
        sqlite3_finalize(stmt);
    if (m_db)
        sqlite3_close_v2(m_db);
}

Query Db::query(const std::string &sqlText)
{
    auto it = m_cache.find(sqlText);
    if (it != m_cache.end())
        return Query(*this, it->second, Status::success());
    sqlite3_stmt *stmt = nullptr;
    if (sqlite3_prepare_v3(m_db, sqlText.c_str(), static_cast<int>(sqlText.size() + 1), SQLITE_PREPARE_PERSISTENT,
                           &stmt, nullptr) != SQLITE_OK) {
        sqlite3_finalize(stmt);
        Error e = error("prepare");
        noteFailure(e);
        return Query(*this, nullptr, e);
    }
    m_cache.emplace(sqlText, stmt);
    return Query(*this, stmt, Status::success());
}

Status Db::exec(const std::string &sqlText)
{
    char *message = nullptr;
    if (sqlite3_exec(m_db, sqlText.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        Error e{m_path + ": " + oneLine(message ? message : sqlite3_errmsg(m_db))};
        sqlite3_free(message);
        noteFailure(e);
        return e;
    }
    return Status::success();
}

int64_t Db::lastInsertId() const { return sqlite3_last_insert_rowid(m_db); }

int64_t Db::changes() const { return sqlite3_changes64(m_db); }

Error Db::error(const std::string &what) const
{
    return Error{m_path + ": " + what + ": " + oneLine(sqlite3_errmsg(m_db)) + " (code " +
                 std::to_string(sqlite3_extended_errcode(m_db)) + ")"};
}

// ---- Transaction -------------------------------------------------------------------------------

Transaction::Transaction(Db &db) : m_db(db)
{
    m_begun = m_db.exec("BEGIN IMMEDIATE");
    m_open = m_begun.ok();
}

Transaction::~Transaction()
{
    if (m_open)
        m_db.exec("ROLLBACK");
}

Status Transaction::commit()
{
    if (!m_open)
        return m_begun.ok() ? Status(Error{m_db.path() + ": commit without a transaction"}) : m_begun;
    Status s = m_db.exec("COMMIT");
    if (s.ok())
        m_open = false;
    return s;
}

} // namespace ost::sql
