#pragma once
// Joins the stores of a sharded scoring run (`ostc score --shard I/N`, one store per shard) into one
// store, as if the run had not been sharded: runs are matched by their settings with the shard
// fields cleared, scores of all methods are copied (upserted: merging twice changes nothing), and
// each merged run records the shards it was built from. Torch-free.
#include "core/common/Result.h"
#include "core/store/ProjectStore.h"

#include <string>
#include <vector>

namespace ost {

struct MergeReport {
    int64_t runs = 0;          // merged runs in the output store
    int64_t scores = 0;        // score rows copied
    std::vector<std::string> warnings; // e.g. "run ...: shard 2/4 missing"
};

Result<MergeReport> mergeShardStores(ProjectStore &out, const std::vector<std::string> &shardPaths);

// "<dataset>.shard-I-of-N.ostproj": where `ostc score --shard I/N` writes by default.
std::string shardStorePath(const std::string &datasetPath, int64_t shardIndex, int64_t shardCount);

} // namespace ost
