#pragma once
// A thin RAII layer over the SQLite C API for the project store: cached prepared statements, typed
// binding, transactions that roll back unless committed, and errors that name the file. Internal to
// core/store (public headers must not see sqlite3.h).
#include "core/common/Result.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>

struct sqlite3;
struct sqlite3_stmt;

namespace ost::sql {

class Db;

// One use of a cached statement. Resets the statement and clears its bindings when destroyed, so the
// cache can hand it out again. Errors (prepare, bind, step) are remembered and reported by status().
class Query {
public:
    Query(Db &db, sqlite3_stmt *stmt, Status prepareStatus);
    ~Query();
    Query(const Query &) = delete;
    Query &operator=(const Query &) = delete;
    Query(Query &&other) noexcept;

    Query &bind(int index, int64_t value);
    Query &bind(int index, int value) { return bind(index, static_cast<int64_t>(value)); }
    Query &bind(int index, double value);   // NaN is stored as NULL (SQLite has no NaN)
    Query &bind(int index, const std::string &text); // copied
    // The bytes are not copied: they must outlive the step (used for multi-MB checkpoints).
    Query &bindBlobNoCopy(int index, const std::string &bytes);

    // Steps once: true while a row is available. False at the end or on error (see status()).
    bool next();
    // Steps to completion, for statements that return no rows.
    Status run();

    bool isNull(int column) const;
    int64_t integer(int column) const;
    double real(int column) const;             // NULL reads back as NaN
    std::string text(int column) const;
    std::string blob(int column) const;

    const Status &status() const { return m_status; }

private:
    void noteError(int rc, const char *what);

    Db *m_db;
    sqlite3_stmt *m_stmt;
    Status m_status;
};

class Db {
public:
    // Opens (creating when absent) read-write. Nothing is read or written until the first query, so a
    // file that is not a database is only noticed then.
    static Result<std::unique_ptr<Db>> open(const std::string &path);
    // Read-only, creating nothing. In a folder we cannot write (where SQLite could not make the WAL
    // index, -shm) the file is opened as immutable: nobody can be writing it there either.
    static Result<std::unique_ptr<Db>> openReadOnly(const std::string &path);
    bool readOnly() const { return m_readOnly; }
    ~Db();
    Db(const Db &) = delete;
    Db &operator=(const Db &) = delete;

    const std::string &path() const { return m_path; }
    sqlite3 *handle() { return m_db; }

    // Prepared once per SQL text and reused (the store runs the same few dozen statements). One SQL
    // text has one statement: do not hold two Query objects of the same text at once.
    Query query(const std::string &sqlText);
    // For pragmas and DDL: runs every statement in the text, no rows expected.
    Status exec(const std::string &sqlText);

    int64_t lastInsertId() const;
    int64_t changes() const; // rows changed by the last statement

    // "<path>: <what>: <sqlite message>"
    Error error(const std::string &what) const;

    // The first error any statement on this connection met (prepare, bind, step, exec). Sticky: a
    // read accessor that hit one returned partial data, so its caller must not report success.
    const Status &firstFailure() const { return m_firstFailure; }
    void noteFailure(const Status &s) const
    {
        if (!s.ok() && m_firstFailure.ok())
            m_firstFailure = s;
    }

private:
    Db() = default;
    std::string m_path;
    sqlite3 *m_db = nullptr;
    std::map<std::string, sqlite3_stmt *> m_cache;
    mutable Status m_firstFailure;
    bool m_readOnly = false;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back when destroyed uncommitted (early return on an error).
// IMMEDIATE takes the write lock up front, so two processes never deadlock upgrading a read lock.
class Transaction {
public:
    explicit Transaction(Db &db);
    ~Transaction();
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

    const Status &begun() const { return m_begun; }
    Status commit();

private:
    Db &m_db;
    Status m_begun;
    bool m_open = false;
};

} // namespace ost::sql
