// Project store: opening, dataset binding, runs, scores, blobs. Decisions, notes and tags are in
// ProjectDecisions.cpp; the file layout and durability choice in ProjectSchema.cpp.
#include "core/store/internal/ProjectStoreImpl.h"

#include <filesystem>
#include <sys/stat.h>

namespace ost {

using Lock = std::lock_guard<std::mutex>;

namespace {

const char *kRunColumns = "id, name, settings_json, model, reference_hash, dataset_hash, status, created_at, "
                          "finished_at, wall_seconds, scored_count";

RunInfo readRun(const sql::Query &q)
{
    RunInfo r;
    r.id = q.integer(0);
    r.name = q.text(1);
    r.settingsJson = q.text(2);
    r.model = q.text(3);
    r.referenceHash = q.text(4);
    r.datasetHash = q.text(5);
    r.status = q.text(6);
    r.createdAt = q.text(7);
    r.finishedAt = q.text(8);
    r.wallSeconds = q.real(9);
    r.scoredCount = q.integer(10);
    return r;
}

std::vector<RunInfo> selectRuns(sql::Db &db, const std::string &tail, int64_t param = 0)
{
    auto q = db.query(std::string("SELECT ") + kRunColumns + " FROM runs " + tail);
    if (tail.find('?') != std::string::npos)
        q.bind(1, param);
    std::vector<RunInfo> out;
    while (q.next())
        out.push_back(readRun(q));
    return logged(q, std::move(out));
}

Status quickCheck(sql::Db &db)
{
    auto q = db.query("PRAGMA quick_check(5)");
    std::string findings;
    while (q.next()) {
        std::string line = q.text(0);
        // One finding can span lines ("*** in database main ***\nOn tree page 7 ..."): errors are one line.
        for (char &c : line)
            if (c == '\n' || c == '\r')
                c = ' ';
        if (line != "ok")
            findings += (findings.empty() ? "" : "; ") + line;
    }
    if (!q.status().ok())
        return Error{db.path() + ": the project store is damaged: " + q.status().error().message};
    if (!findings.empty())
        return Error{db.path() + ": the project store is damaged (PRAGMA quick_check: " + findings +
                     "); restore it from a copy, or move it away to start a new project"};
    return Status::success();
}

} // namespace

std::string decisionName(Decision d)
{
    switch (d) {
    case Decision::Keep: return "keep";
    case Decision::Drop: return "drop";
    case Decision::Auto: break;
    }
    return "auto";
}

std::optional<Decision> decisionFromName(const std::string &name)
{
    if (name == "auto")
        return Decision::Auto;
    if (name == "keep")
        return Decision::Keep;
    if (name == "drop")
        return Decision::Drop;
    return std::nullopt;
}

ProjectStore::ProjectStore() : d(std::make_unique<Impl>()) {}

ProjectStore::~ProjectStore() = default;

Result<std::unique_ptr<ProjectStore>> ProjectStore::open(const std::string &path, Access access)
{
    if (path.empty())
        return Error{"project store: no file name given"};
    struct stat st{};
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
        return Error{path + ": is a folder, not an OST Curator project file"};
    // SQLite's unix VFS refuses paths of 512 bytes and more with a bare "unable to open database file".
    std::error_code ec;
    const size_t absoluteLength = std::filesystem::absolute(path, ec).string().size();
    if (absoluteLength >= 512)
        return Error{path.substr(0, 60) + "...: the project path is " + std::to_string(absoluteLength) +
                     " characters long as an absolute path; SQLite opens at most 511 (give a shorter --project)"};
    if (access == Access::ReadOnly && ::stat(path.c_str(), &st) != 0)
        return Error{path + ": no project store there"};
    auto db = access == Access::ReadOnly ? sql::Db::openReadOnly(path) : sql::Db::open(path);
    if (!db.ok())
        return db.error();
    if (Status s = prepareProjectSchema(**db); !s.ok())
        return s.error();
    // A few flipped pages read as fewer rows, not as an error, when they hit an index: checked here,
    // once, so a damaged store is never ranked or exported from as if it were whole.
    if (Status s = quickCheck(**db); !s.ok())
        return s.error();
    std::unique_ptr<ProjectStore> store(new ProjectStore);
    store->d->path = path;
    store->d->db = db.takeValue();
    return store;
}

std::string ProjectStore::defaultPathFor(const std::string &datasetPath) { return datasetPath + ".ostproj"; }

const std::string &ProjectStore::path() const { return d->path; }

Status ProjectStore::health() const
{
    Lock lock(d->mutex);
    const Status &s = d->db->firstFailure();
    if (s.ok())
        return s;
    return Error{"the project store could not be read completely (" + s.error().message +
                 "); nothing read from it is reported"};
}

Status ProjectStore::checkIntegrity()
{
    Lock lock(d->mutex);
    auto q = d->db->query("PRAGMA integrity_check");
    std::string findings;
    int lines = 0;
    while (q.next()) {
        std::string line = q.text(0);
        for (char &c : line)
            if (c == '\n' || c == '\r')
                c = ' ';
        if (line == "ok")
            continue;
        if (++lines <= 5)
            findings += (findings.empty() ? "" : "; ") + line;
    }
    if (!q.status().ok())
        return q.status();
    if (lines > 0)
        return Error{d->path + ": integrity check failed (" + std::to_string(lines) + " problems): " + findings};
    return Status::success();
}

// ---- dataset binding ---------------------------------------------------------------------------

Status ProjectStore::setDatasetInfo(const std::string &datasetPath, const std::string &datasetHash)
{
    Lock lock(d->mutex);
    sql::Transaction tx(*d->db);
    if (!tx.begun().ok())
        return tx.begun();
    for (const auto &[key, value] : {std::pair{"dataset_path", datasetPath}, std::pair{"dataset_hash", datasetHash}}) {
        auto q = d->db->query("INSERT INTO meta(key, value) VALUES (?, ?) "
                              "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
        if (Status s = q.bind(1, std::string(key)).bind(2, value).run(); !s.ok())
            return s;
    }
    return tx.commit();
}

std::optional<std::string> ProjectStore::datasetHash() const
{
    Lock lock(d->mutex);
    auto q = d->db->query("SELECT value FROM meta WHERE key = 'dataset_hash'");
    std::optional<std::string> out;
    if (q.next())
        out = q.text(0);
    return logged(q, out);
}

// ---- runs --------------------------------------------------------------------------------------

Result<int64_t> ProjectStore::createRun(const RunInfo &info)
{
    Lock lock(d->mutex);
    auto q = d->db->query("INSERT INTO runs(name, settings_json, model, reference_hash, dataset_hash, status, "
                          "created_at, finished_at, wall_seconds, scored_count) VALUES (?,?,?,?,?,?,?,?,?,?)");
    q.bind(1, info.name).bind(2, info.settingsJson).bind(3, info.model).bind(4, info.referenceHash);
    q.bind(5, info.datasetHash).bind(6, info.status.empty() ? std::string("running") : info.status);
    q.bind(7, info.createdAt.empty() ? isoTimeUtcNow() : info.createdAt).bind(8, info.finishedAt);
    q.bind(9, info.wallSeconds).bind(10, info.scoredCount);
    if (Status s = q.run(); !s.ok())
        return s.error();
    return d->db->lastInsertId();
}

Status ProjectStore::updateRun(const RunInfo &info)
{
    Lock lock(d->mutex);
    auto q = d->db->query("UPDATE runs SET name=?, settings_json=?, model=?, reference_hash=?, dataset_hash=?, "
                          "status=?, created_at=?, finished_at=?, wall_seconds=?, scored_count=? WHERE id=?");
    q.bind(1, info.name).bind(2, info.settingsJson).bind(3, info.model).bind(4, info.referenceHash);
    q.bind(5, info.datasetHash).bind(6, info.status).bind(7, info.createdAt).bind(8, info.finishedAt);
    q.bind(9, info.wallSeconds).bind(10, info.scoredCount).bind(11, info.id);
    if (Status s = q.run(); !s.ok())
        return s;
    if (d->db->changes() == 0)
        return Error{d->path + ": no run with id " + std::to_string(info.id)};
    return Status::success();
}

std::vector<RunInfo> ProjectStore::runs() const
{
    Lock lock(d->mutex);
    return selectRuns(*d->db, "ORDER BY id");
}

std::optional<RunInfo> ProjectStore::run(int64_t runId) const
{
    Lock lock(d->mutex);
    auto rows = selectRuns(*d->db, "WHERE id = ?", runId);
    if (rows.empty())
        return std::nullopt;
    return rows.front();
}

std::optional<RunInfo> ProjectStore::latestRun() const
{
    Lock lock(d->mutex);
    auto rows = selectRuns(*d->db, "ORDER BY id DESC LIMIT 1");
    if (rows.empty())
        return std::nullopt;
    return rows.front();
}

// ---- scores ------------------------------------------------------------------------------------

Status ProjectStore::addScores(int64_t runId, const std::vector<ScoreRow> &rows)
{
    if (rows.empty())
        return Status::success();
    Lock lock(d->mutex);
    sql::Transaction tx(*d->db);
    if (!tx.begun().ok())
        return tx.begun();
    for (const ScoreRow &row : rows) {
        if (row.sampleId.empty() || row.method.empty())
            return Error{d->path + ": score row without " + (row.sampleId.empty() ? "sample id" : "method") +
                         (row.sampleId.empty() ? "" : " (sample " + row.sampleId + ")")};
        auto q = d->db->query("INSERT INTO scores(run_id, method, sample_id, content_hash, value) VALUES (?,?,?,?,?) "
                              "ON CONFLICT(run_id, method, sample_id) DO UPDATE SET "
                              "content_hash = excluded.content_hash, value = excluded.value");
        q.bind(1, runId).bind(2, row.method).bind(3, row.sampleId).bind(4, row.contentHash).bind(5, row.value);
        if (Status s = q.run(); !s.ok())
            return Error{s.error().message + " (run " + std::to_string(runId) + ", sample " + row.sampleId + ")"};
    }
    return tx.commit();
}

std::vector<ScoreRow> ProjectStore::scores(int64_t runId, const std::string &method) const
{
    Lock lock(d->mutex);
    auto q = method.empty()
                 ? d->db->query("SELECT sample_id, content_hash, method, value FROM scores WHERE run_id = ? "
                                "ORDER BY method, sample_id")
                 : d->db->query("SELECT sample_id, content_hash, method, value FROM scores WHERE run_id = ? "
                                "AND method = ? ORDER BY sample_id");
    q.bind(1, runId);
    if (!method.empty())
        q.bind(2, method);
    std::vector<ScoreRow> out;
    while (q.next())
        out.push_back(ScoreRow{q.text(0), q.text(1), q.text(2), q.real(3)});
    return logged(q, std::move(out));
}

std::map<std::string, double> ProjectStore::scoreMap(int64_t runId, const std::string &method) const
{
    Lock lock(d->mutex);
    auto q = d->db->query("SELECT sample_id, value FROM scores WHERE run_id = ? AND method = ?");
    q.bind(1, runId).bind(2, method);
    std::map<std::string, double> out;
    while (q.next())
        out.emplace(q.text(0), q.real(1));
    return logged(q, std::move(out));
}

std::map<std::string, std::string> ProjectStore::scoredHashes(int64_t runId, const std::string &method) const
{
    Lock lock(d->mutex);
    auto q = d->db->query("SELECT sample_id, content_hash FROM scores WHERE run_id = ? AND method = ?");
    q.bind(1, runId).bind(2, method);
    std::map<std::string, std::string> out;
    while (q.next())
        out.emplace(q.text(0), q.text(1));
    return logged(q, std::move(out));
}

std::vector<std::string> ProjectStore::scoredIds(int64_t runId, const std::string &method) const
{
    Lock lock(d->mutex);
    auto q = d->db->query("SELECT sample_id FROM scores WHERE run_id = ? AND method = ? ORDER BY sample_id");
    q.bind(1, runId).bind(2, method);
    std::vector<std::string> out;
    while (q.next())
        out.push_back(q.text(0));
    return logged(q, std::move(out));
}

int64_t ProjectStore::scoreCount(int64_t runId, const std::string &method) const
{
    Lock lock(d->mutex);
    auto q = method.empty() ? d->db->query("SELECT count(*) FROM scores WHERE run_id = ?")
                            : d->db->query("SELECT count(*) FROM scores WHERE run_id = ? AND method = ?");
    q.bind(1, runId);
    if (!method.empty())
        q.bind(2, method);
    const int64_t n = q.next() ? q.integer(0) : 0;
    return logged(q, n);
}

std::vector<std::string> ProjectStore::methods(int64_t runId) const
{
    Lock lock(d->mutex);
    auto q = d->db->query("SELECT DISTINCT method FROM scores WHERE run_id = ? ORDER BY method");
    q.bind(1, runId);
    std::vector<std::string> out;
    while (q.next())
        out.push_back(q.text(0));
    return logged(q, std::move(out));
}

// ---- blobs -------------------------------------------------------------------------------------

namespace {

Status insertBlob(sql::Db &db, const std::string &key, const std::string &bytes, const std::string &now)
{
    auto q = db.query("INSERT INTO blobs(key, bytes, updated_at) VALUES (?, ?, ?) "
                      "ON CONFLICT(key) DO UPDATE SET bytes = excluded.bytes, updated_at = excluded.updated_at");
    q.bind(1, key).bindBlobNoCopy(2, bytes).bind(3, now);
    if (Status s = q.run(); !s.ok())
        return Error{s.error().message + " (blob '" + key + "', " + std::to_string(bytes.size()) + " bytes)"};
    return Status::success();
}

} // namespace

Status ProjectStore::putBlob(const std::string &key, const std::string &bytes)
{
    Lock lock(d->mutex);
    return insertBlob(*d->db, key, bytes, isoTimeUtcNow());
}

Status ProjectStore::putBlobs(const std::vector<std::pair<std::string, std::string>> &blobs)
{
    if (blobs.empty())
        return Status::success();
    Lock lock(d->mutex);
    sql::Transaction tx(*d->db);
    if (!tx.begun().ok())
        return tx.begun();
    const std::string now = isoTimeUtcNow();
    for (const auto &[key, bytes] : blobs)
        if (Status s = insertBlob(*d->db, key, bytes, now); !s.ok())
            return s;
    return tx.commit();
}

std::map<std::string, std::string> ProjectStore::blobsWithPrefix(const std::string &prefix) const
{
    Lock lock(d->mutex);
    // A range on the primary key, not LIKE (whose '%' and '_' a sample id may hold): prefix <= key <
    // the prefix with its last byte increased (keys compare bytewise).
    std::string end = prefix;
    while (!end.empty() && static_cast<unsigned char>(end.back()) == 0xff)
        end.pop_back();
    if (!end.empty())
        end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
    auto q = end.empty() ? d->db->query("SELECT key, bytes FROM blobs WHERE key >= ? ORDER BY key")
                         : d->db->query("SELECT key, bytes FROM blobs WHERE key >= ? AND key < ? ORDER BY key");
    q.bind(1, prefix);
    if (!end.empty())
        q.bind(2, end);
    std::map<std::string, std::string> out;
    while (q.next())
        out.emplace(q.text(0), q.blob(1));
    return logged(q, std::move(out));
}

std::optional<std::string> ProjectStore::blob(const std::string &key) const
{
    Lock lock(d->mutex);
    auto q = d->db->query("SELECT bytes FROM blobs WHERE key = ?");
    q.bind(1, key);
    std::optional<std::string> out;
    if (q.next())
        out = q.blob(0);
    return logged(q, std::move(out));
}

} // namespace ost
