#pragma once
// State shared by the ProjectStore source files (schema, runs/scores, decisions/notes).
#include "core/common/Time.h"
#include "core/store/ProjectStore.h"
#include "core/store/internal/Sqlite.h"

#include <memory>
#include <mutex>
#include <string>

namespace ost {

struct ProjectStore::Impl {
    std::string path;
    // One connection for the whole store; every public call holds this lock for its duration, so the
    // UI thread and the scoring thread can share one store.
    std::mutex mutex;
    std::unique_ptr<sql::Db> db;
};

// Human work (decisions, notes, tags) is written with synchronous=FULL (an fsync per commit), machine
// work (scores) with NORMAL: see ProjectSchema.cpp. Switches the connection for one edit.
class DurableScope {
public:
    explicit DurableScope(sql::Db &db);
    ~DurableScope();
    DurableScope(const DurableScope &) = delete;
    DurableScope &operator=(const DurableScope &) = delete;
    const Status &status() const { return m_status; }

private:
    sql::Db &m_db;
    Status m_status;
};

// "PRAGMA application_id" of every project file: "OSTC" in ASCII. Lets open() tell our files from
// any other SQLite database without trusting the file name.
constexpr int32_t kProjectApplicationId = 0x4F535443;

// Identifies the file, creates the schema in a new one, migrates an older one.
Status prepareProjectSchema(sql::Db &db);


// Read accessors return plain values (the header's contract); their rare failures (disk gone, file
// deleted under us) are logged rather than lost.
void logQueryError(const sql::Query &q);
template <class T>
T logged(const sql::Query &q, T value)
{
    logQueryError(q);
    return value;
}

} // namespace ost
