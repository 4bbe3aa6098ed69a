#pragma once
// The project store: one SQLite file (WAL) per dataset holding everything the curator and the scorer
// add — runs, per-sample scores, keep/drop decisions (append-only log), notes and tags. The dataset
// file itself is never touched. Safe to use from several threads (one connection, serialised).
#include "core/common/Result.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ost {

struct RunInfo {
    int64_t id = 0;
    std::string name;          // "ost-exact 2026-11-25 18:40"
    std::string settingsJson;  // RunSettings serialised, so a rerun can continue with the same ones
    std::string model;         // "builtin-tiny" or a folder
    std::string referenceHash; // hash of the reference set V
    std::string datasetHash;
    std::string status;        // "running", "paused", "cancelled", "done", "failed"
    std::string createdAt;     // ISO 8601 UTC
    std::string finishedAt;
    double wallSeconds = 0;
    int64_t scoredCount = 0;
};

// One score of one sample in one run. `method` lets a run hold OST and baselines side by side:
// "ost", "ost-fast", "loss", "ifd", "length", "random".
struct ScoreRow {
    std::string sampleId;
    std::string contentHash;
    std::string method;
    double value = 0;
};

enum class Decision { Auto = 0, Keep = 1, Drop = 2 };
std::string decisionName(Decision d);                            // "auto", "keep", "drop"
std::optional<Decision> decisionFromName(const std::string &name); // inverse; nullopt when unknown

struct DecisionEvent {
    int64_t seq = 0;            // position in the append-only log
    std::string sampleId;
    Decision previous = Decision::Auto;
    Decision decision = Decision::Auto;
    std::string who;
    std::string when;           // ISO 8601 UTC
    std::string why;
    int64_t batch = 0;          // events of one bulk action share a batch id (undo them together)
    bool undone = false;
};

class ProjectStore {
public:
    ~ProjectStore();
    ProjectStore(const ProjectStore &) = delete;
    ProjectStore &operator=(const ProjectStore &) = delete;

    // Opens or creates. Default path for a dataset: "<dataset>.ostproj" beside it.
    enum class Access { ReadWrite, ReadOnly };
    // ReadOnly (rank, export): creates nothing, migrates nothing, and works in a read-only folder;
    // every write then fails with SQLite's "attempt to write a readonly database".
    static Result<std::unique_ptr<ProjectStore>> open(const std::string &path, Access access = Access::ReadWrite);
    static std::string defaultPathFor(const std::string &datasetPath);
    const std::string &path() const;

    // Dataset binding: remembered so an edited source is noticed (ids whose hash changed).
    Status setDatasetInfo(const std::string &datasetPath, const std::string &datasetHash);
    std::optional<std::string> datasetHash() const;

    // Runs
    Result<int64_t> createRun(const RunInfo &info);
    Status updateRun(const RunInfo &info);
    std::vector<RunInfo> runs() const;
    std::optional<RunInfo> run(int64_t runId) const;
    std::optional<RunInfo> latestRun() const;

    // Scores: written in one transaction per call, so a kill loses at most the batch in flight.
    Status addScores(int64_t runId, const std::vector<ScoreRow> &rows);
    std::vector<ScoreRow> scores(int64_t runId, const std::string &method = {}) const;
    std::map<std::string, double> scoreMap(int64_t runId, const std::string &method) const; // id -> value
    std::vector<std::string> scoredIds(int64_t runId, const std::string &method) const;
    int64_t scoreCount(int64_t runId, const std::string &method) const;
    std::vector<std::string> methods(int64_t runId) const; // methods with at least one score, sorted
    // id -> content hash the score was computed on; compare with the dataset to find edited samples.
    std::map<std::string, std::string> scoredHashes(int64_t runId, const std::string &method) const;

    // Blobs (warm-up checkpoints, cached reference gradients), keyed by name.
    Status putBlob(const std::string &key, const std::string &bytes);
    std::optional<std::string> blob(const std::string &key) const;
    // Several blobs in one transaction (a scoring batch's per-sample attributions): all or none.
    Status putBlobs(const std::vector<std::pair<std::string, std::string>> &blobs);
    // Every blob whose key starts with `prefix`, by key ("run/3/attribution/sample/" lists a run's).
    std::map<std::string, std::string> blobsWithPrefix(const std::string &prefix) const;

    // Decisions: every change appends to the log; the current decision is the latest non-undone event.
    Result<int64_t> setDecisions(const std::vector<std::string> &sampleIds, Decision d,
                                 const std::string &who, const std::string &why); // returns batch id
    Decision decision(const std::string &sampleId) const;
    std::map<std::string, Decision> decisions() const; // only non-Auto entries
    Status undoBatch(int64_t batch);  // marks a batch undone (restores the previous decisions)
    Status redoBatch(int64_t batch);
    std::optional<int64_t> lastUndoableBatch() const;
    std::optional<int64_t> lastRedoableBatch() const;
    std::vector<DecisionEvent> decisionLog() const;

    // Notes and tags
    Status setNote(const std::string &sampleId, const std::string &note);
    std::string note(const std::string &sampleId) const;
    Status addTag(const std::string &sampleId, const std::string &tag);
    Status removeTag(const std::string &sampleId, const std::string &tag);
    std::vector<std::string> tags(const std::string &sampleId) const;
    std::map<std::string, std::vector<std::string>> allTags() const;
    // Machine-made tags (ostc check's "check:..."): every tag starting with `prefix` is replaced by
    // `tags` (sample id, tag; each must start with the prefix) in one transaction, so a rerun never
    // leaves an older run's flags behind and the curator's own tags are untouched.
    Status replaceTagsWithPrefix(const std::string &prefix,
                                 const std::vector<std::pair<std::string, std::string>> &tags);
    std::map<std::string, std::string> allNotes() const; // only non-empty notes

    // PRAGMA integrity_check: success when SQLite finds nothing wrong, else its first findings.
    // (open() already runs the quicker PRAGMA quick_check and refuses a damaged file.)
    Status checkIntegrity();
    // The first SQLite error any call on this store met since it was opened, naming the file. The
    // read accessors return plain values, so one that failed halfway (a damaged page, the disk gone)
    // returned partial data: a command checks this before it reports what it read as a result.
    Status health() const;
    static constexpr int schemaVersion = 1;

private:
    ProjectStore();
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace ost
