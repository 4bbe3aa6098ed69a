#pragma once
// How one scoring run divides the dataset, decided from ids and settings alone (deterministic for a
// seed, identical in every shard of a sharded run, so shards agree on V and on the warm-up set):
//  1. pool      = the first `limit` records (all when limit <= 0), in dataset order;
//  2. reference = with no reference file, a stratified hold-out of the pool: referenceHoldout of every
//                 source stratum (the id's prefix before the first '/', e.g. "gold", a model name),
//                 at least one overall, capped by referenceMax. Held-out samples are V and get NO score;
//  3. warm-up   = warmupFraction of the pool minus V, seeded random. These samples ARE still scored
//                 (the proxy has seen them once; the curator still needs their scores);
//  4. scoring   = the pool minus V; shard I of N takes every N-th of these (position % N == I), so
//                 shards stay balanced whatever the order of the file.
#include "core/ost/RunSettings.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ost {

struct PoolSplit {
    std::vector<int64_t> reference; // dataset indices, ascending (empty with a reference file)
    std::vector<int64_t> warmup;    // ascending
    std::vector<int64_t> scoring;   // this shard's indices, ascending
    int64_t poolSize = 0;           // before the hold-out and sharding
};

// ids[i] is record i's id. `referenceFromFile`: V comes from RunSettings::referencePath.
PoolSplit splitPool(const std::vector<std::string> &ids, const RunSettings &settings, bool referenceFromFile);

// The stratum of an id (prefix before the first '/', "" when none).
std::string sourceStratum(const std::string &id);

} // namespace ost
