#include "core/jobs/ShardMerge.h"

#include "core/ost/Attribution.h"

#include "core/data/OutputGuard.h"
#include "core/ost/RunSettings.h"

#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <set>

namespace ost {

std::string shardStorePath(const std::string &datasetPath, int64_t shardIndex, int64_t shardCount)
{
    return datasetPath + ".shard-" + std::to_string(shardIndex) + "-of-" + std::to_string(shardCount) + ".ostproj";
}

namespace {

// The settings of the whole run a shard belongs to (shard fields reset), as the merge key.
std::string unshardedSettings(const std::string &settingsJson, int64_t &shardIndex, int64_t &shardCount)
{
    auto s = RunSettings::fromJson(settingsJson);
    if (!s.ok()) {
        shardIndex = 0;
        shardCount = 1;
        return settingsJson;
    }
    shardIndex = s->shardIndex;
    shardCount = s->shardCount;
    s->shardIndex = 0;
    s->shardCount = 1;
    return s->toJson();
}

int statusRank(const std::string &status)
{
    // The merged run is only as finished as its least finished shard.
    if (status == "failed")
        return 0;
    if (status == "cancelled")
        return 1;
    if (status == "paused")
        return 2;
    if (status == "running")
        return 3;
    return 4; // done
}

} // namespace

Result<MergeReport> mergeShardStores(ProjectStore &out, const std::vector<std::string> &shardPaths)
{
    MergeReport report;
    if (shardPaths.empty())
        return Error{"no shard stores to merge"};
    // Opening a store creates it when absent: a mistyped shard path must not become an empty store
    // that merges as "nothing", nor may the output be one of the shards under another name.
    for (const auto &path : shardPaths) {
        struct stat st {};
        if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
            return Error{"shard store " + path + " does not exist (or is not a file); nothing was merged"};
    }
    if (Status s = checkOutputPath(out.path(), shardPaths, "merged store"); !s.ok())
        return s.error();
    struct Merged {
        RunInfo info;
        std::set<int64_t> shards;
        int64_t shardCount = 1;
    };
    std::map<std::string, Merged> merged; // unsharded settings + reference hash -> run
    // Runs already in the output (from an earlier merge) are merged into, not duplicated.
    for (const auto &r : out.runs()) {
        int64_t i = 0, n = 1;
        const std::string key = unshardedSettings(r.settingsJson, i, n) + "\x1f" + r.referenceHash;
        merged[key].info = r;
    }
    for (const auto &path : shardPaths) {
        if (path == out.path())
            return Error{path + ": the output store cannot also be a shard"};
        auto shard = ProjectStore::open(path);
        if (!shard.ok())
            return Error{"shard store " + path + ": " + shard.error().message};
        ProjectStore &in = *shard.value();
        if (auto h = in.datasetHash(); h && !out.datasetHash())
            out.setDatasetInfo("", *h);
        for (const auto &r : in.runs()) {
            int64_t index = 0, count = 1;
            const std::string settings = unshardedSettings(r.settingsJson, index, count);
            const std::string key = settings + "\x1f" + r.referenceHash;
            Merged &m = merged[key];
            if (m.info.id == 0) {
                m.info = r;
                m.info.id = 0;
                m.info.settingsJson = settings;
                m.info.wallSeconds = 0;
                m.info.scoredCount = 0;
                auto id = out.createRun(m.info);
                if (!id.ok())
                    return id.error();
                m.info.id = id.value();
            } else if (statusRank(r.status) < statusRank(m.info.status)) {
                m.info.status = r.status;
            }
            if (m.shards.count(index))
                report.warnings.push_back(path + ": shard " + std::to_string(index) + "/" + std::to_string(count) +
                                          " of run '" + r.name + "' was already merged from another file");
            m.shards.insert(index);
            m.shardCount = count;
            m.info.wallSeconds = std::max(m.info.wallSeconds, r.wallSeconds); // shards run side by side
            if (!r.finishedAt.empty())
                m.info.finishedAt = std::max(m.info.finishedAt, r.finishedAt);
            const auto rows = in.scores(r.id);
            if (Status s = out.addScores(m.info.id, rows); !s)
                return Error{"merging " + path + ": " + s.error().message};
            report.scores += static_cast<int64_t>(rows.size());
            // An exact run's per-reference attribution (shards share V); float32 copies through unchanged.
            auto attributions = loadRunAttributions(in, r.id);
            if (!attributions.ok())
                return Error{"merging " + path + ": " + attributions.error().message};
            if (attributions.value())
                if (Status s = storeAttributions(out, m.info.id, (*attributions)->referenceIds, (*attributions)->deltas);
                    !s)
                    return Error{"merging " + path + ": " + s.error().message};
            for (const auto &key2 : {std::string("/errors"), std::string("/timings")})
                if (auto b = in.blob("run/" + std::to_string(r.id) + key2))
                    out.putBlob("run/" + std::to_string(m.info.id) + key2 + "/shard-" + std::to_string(index), *b);
        }
        for (const auto &[id, tags] : in.allTags())
            for (const auto &t : tags)
                out.addTag(id, t);
        // The reads above return plain values: a damaged shard shows here, not as fewer scores.
        if (Status h = in.health(); !h.ok())
            return Error{"shard store " + path + ": " + h.error().message};
    }
    for (auto &[key, m] : merged) {
        if (m.shards.empty())
            continue; // a run only in the output, untouched
        for (int64_t i = 0; i < m.shardCount; ++i)
            if (!m.shards.count(i))
                report.warnings.push_back("run '" + m.info.name + "': shard " + std::to_string(i) + "/" +
                                          std::to_string(m.shardCount) + " is missing; its samples have no score");
        auto probe = RunSettings::fromJson(m.info.settingsJson);
        m.info.scoredCount =
            out.scoreCount(m.info.id, (probe.ok() ? probe.takeValue() : RunSettings{}).utilityMethod());
        if (Status s = out.updateRun(m.info); !s)
            return s.error();
        ++report.runs;
    }
    return report;
}

} // namespace ost
