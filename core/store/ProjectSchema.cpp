// Project file layout, identification and migrations.
//
// Durability choice: WAL journal with synchronous=NORMAL for score batches. In WAL mode a commit is a
// write() to the -wal file; a process killed at any moment (kill -9, crash, OOM) leaves that data in the
// OS page cache, so committed batches survive and a half-written batch is ignored by the WAL checksum
// on the next open: never corruption, never a partial batch. Only a power cut / OS crash can lose the
// last few committed batches (still no corruption), and scores are recomputable. Decisions, notes and
// tags are a curator's work and cannot be recomputed, so those transactions switch to synchronous=FULL
// (an fsync per commit; they are rare, one per user action).
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "core/common/Time.h"
#include "core/store/internal/ProjectStoreImpl.h"

#include <spdlog/spdlog.h>

#include <ctime>
#include <filesystem>
#include <vector>

namespace ost {

namespace {

// Version 1. A later version adds a step to `migrations` below and bumps ProjectStore::schemaVersion.
const char *kSchemaV1 = R"SQL(
CREATE TABLE schema_version (
    version     INTEGER NOT NULL,
    applied_at  TEXT NOT NULL
);
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE runs (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    name           TEXT NOT NULL DEFAULT '',
    settings_json  TEXT NOT NULL DEFAULT '',
    model          TEXT NOT NULL DEFAULT '',
    reference_hash TEXT NOT NULL DEFAULT '',
    dataset_hash   TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL DEFAULT '',
    finished_at    TEXT NOT NULL DEFAULT '',
    wall_seconds   REAL NOT NULL DEFAULT 0,
    scored_count   INTEGER NOT NULL DEFAULT 0
);
-- Key order run, method, sample: every read is "one run, one method", which this makes a range scan.
-- value is NULL for a NaN score (SQLite has no NaN).
CREATE TABLE scores (
    run_id        INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    method        TEXT NOT NULL,
    sample_id     TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    value         REAL,
    PRIMARY KEY (run_id, method, sample_id)
) WITHOUT ROWID;
-- Append-only: rows are never deleted; undo/redo only flips `undone`.
CREATE TABLE decision_log (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    sample_id  TEXT NOT NULL,
    previous   INTEGER NOT NULL,
    decision   INTEGER NOT NULL,
    who        TEXT NOT NULL DEFAULT '',
    at         TEXT NOT NULL,
    why        TEXT NOT NULL DEFAULT '',
    batch      INTEGER NOT NULL,
    undone     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX decision_log_by_sample ON decision_log (sample_id, seq);
CREATE INDEX decision_log_by_batch ON decision_log (batch);
-- Audit of undo/redo themselves (the flag in decision_log only tells the current state).
CREATE TABLE batch_history (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    batch   INTEGER NOT NULL,
    action  TEXT NOT NULL,
    at      TEXT NOT NULL
);
CREATE TABLE notes (
    sample_id   TEXT PRIMARY KEY,
    note        TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE tags (
    sample_id  TEXT NOT NULL,
    tag        TEXT NOT NULL,
    PRIMARY KEY (sample_id, tag)
) WITHOUT ROWID;
CREATE TABLE blobs (
    key         TEXT PRIMARY KEY,
    bytes       BLOB NOT NULL,
    updated_at  TEXT NOT NULL
);
)SQL";

Result<int64_t> singleInteger(sql::Db &db, const std::string &sqlText)
{
    auto q = db.query(sqlText);
    const int64_t v = q.next() ? q.integer(0) : 0;
    if (!q.status().ok())
        return q.status().error();
    return v;
}

Error notAProject(const sql::Db &db, const std::string &why)
{
    return Error{db.path() + ": not an OST Curator project (" + why +
                 "); give a project file (*.ostproj) or a new path"};
}

// Holds an exclusive advisory lock while a new project is laid out. Switching a fresh file to WAL takes
// SQLite's exclusive lock without waiting ("database is locked", even "disk I/O error" when two
// processes race), so creators take turns here first.
// The lock is on the project's FOLDER, never on the database file: closing any descriptor of a file
// drops every fcntl() lock this process holds on it, SQLite's included, and then another process that
// closes its connection believes it is the last one and deletes the WAL under a running scorer (seen:
// a reader counted 24 of 160 written scores). A folder descriptor shares no locks with the file.
class CreationLock {
public:
    explicit CreationLock(const std::string &databasePath)
        : m_fd(::open(folderOf(databasePath).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC))
    {
        if (m_fd >= 0 && ::flock(m_fd, LOCK_EX) != 0)
            spdlog::warn("{}: cannot lock the folder while creating the project; going on unlocked", databasePath);
    }
    ~CreationLock()
    {
        if (m_fd >= 0) {
            ::flock(m_fd, LOCK_UN);
            ::close(m_fd);
        }
    }
    CreationLock(const CreationLock &) = delete;
    CreationLock &operator=(const CreationLock &) = delete;

private:
    static std::string folderOf(const std::string &path)
    {
        const std::string folder = std::filesystem::path(path).parent_path().string();
        return folder.empty() ? "." : folder;
    }
    int m_fd;
};

Status createSchema(sql::Db &db)
{
    const CreationLock lock(db.path());
    // journal_mode cannot change inside a transaction; a kill between this and the COMMIT below leaves
    // an empty WAL database, which the next open treats as new again.
    if (Status s = db.exec("PRAGMA journal_mode=WAL"); !s.ok())
        return s;
    sql::Transaction tx(db);
    if (!tx.begun().ok())
        return tx.begun();
    // Another process (the app and `ostc` started together) may have created it while we waited for
    // the write lock: then there is nothing to do.
    auto tables = singleInteger(db, "SELECT count(*) FROM sqlite_master");
    if (!tables.ok())
        return tables.error();
    if (*tables > 0)
        return Status::success();
    if (Status s = db.exec(kSchemaV1); !s.ok())
        return s;
    if (Status s = db.exec("PRAGMA application_id=" + std::to_string(kProjectApplicationId)); !s.ok())
        return s;
    auto q = db.query("INSERT INTO schema_version(version, applied_at) VALUES (?, ?)");
    if (Status s = q.bind(1, ProjectStore::schemaVersion).bind(2, isoTimeUtcNow()).run(); !s.ok())
        return s;
    return tx.commit();
}

// kMigrations[i] brings a file from version i+1 to i+2; empty until the layout first changes.
const std::vector<const char *> kMigrations = {};

Status migrate(sql::Db &db, int64_t from)
{
    sql::Transaction tx(db);
    if (!tx.begun().ok())
        return tx.begun();
    for (int64_t v = from; v < ProjectStore::schemaVersion; ++v) {
        if (v < 1 || static_cast<size_t>(v - 1) >= kMigrations.size())
            return Error{db.path() + ": no migration from project schema " + std::to_string(v)};
        if (Status s = db.exec(kMigrations[static_cast<size_t>(v - 1)]); !s.ok())
            return s;
        auto q = db.query("INSERT INTO schema_version(version, applied_at) VALUES (?, ?)");
        if (Status s = q.bind(1, v + 1).bind(2, isoTimeUtcNow()).run(); !s.ok())
            return s;
    }
    return tx.commit();
}

} // namespace

void logQueryError(const sql::Query &q)
{
    if (!q.status().ok())
        spdlog::error("project store: {}", q.status().error().message);
}

Status prepareProjectSchema(sql::Db &db)
{
    // Waits instead of failing when the app and `ostc` briefly write the same project.
    db.exec("PRAGMA busy_timeout=5000");
    // The first read of the header: a file that is not SQLite at all fails here ("file is not a database").
    auto appId = singleInteger(db, "PRAGMA application_id");
    if (!appId.ok()) {
        if (appId.error().message.find("not a database") != std::string::npos)
            return notAProject(db, "not an SQLite file");
        return appId.error();
    }
    auto tables = singleInteger(db, "SELECT count(*) FROM sqlite_master");
    if (!tables.ok())
        return tables.error();
    // Another process may have committed a new project between the two reads above (id read before its
    // commit, tables after): read the id again before calling the file foreign.
    if (*appId == 0 && *tables > 0) {
        appId = singleInteger(db, "PRAGMA application_id");
        if (!appId.ok())
            return appId.error();
    }

    if (db.readOnly()) { // nothing may be created or migrated: check, then read as it is
        if (*appId != kProjectApplicationId)
            return notAProject(db, *tables == 0 ? "an empty file" : "not written by OST Curator");
        auto version = singleInteger(db, "SELECT max(version) FROM schema_version");
        if (!version.ok())
            return version.error();
        if (*version != ProjectStore::schemaVersion)
            return Error{db.path() + ": project schema " + std::to_string(*version) + " cannot be read without "
                         "migrating it, which needs write access (this build reads " +
                         std::to_string(ProjectStore::schemaVersion) + ")"};
        return db.exec("PRAGMA foreign_keys=ON");
    }
    if (*appId == 0 && *tables == 0) {
        if (Status s = createSchema(db); !s.ok())
            return s;
    } else if (*appId != kProjectApplicationId) {
        return notAProject(db, "an SQLite database of another program");
    } else {
        auto version = singleInteger(db, "SELECT max(version) FROM schema_version");
        if (!version.ok())
            return version.error();
        if (*version > ProjectStore::schemaVersion)
            return Error{db.path() + ": written by a newer OST Curator (project schema " + std::to_string(*version) +
                         ", this build reads up to " + std::to_string(ProjectStore::schemaVersion) + ")"};
        if (*version < ProjectStore::schemaVersion)
            if (Status s = migrate(db, *version); !s.ok())
                return s;
    }
    return db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON");
}

DurableScope::DurableScope(sql::Db &db) : m_db(db) { m_status = m_db.exec("PRAGMA synchronous=FULL"); }

DurableScope::~DurableScope() { m_db.exec("PRAGMA synchronous=NORMAL"); }

} // namespace ost
