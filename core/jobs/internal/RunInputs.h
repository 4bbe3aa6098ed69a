#pragma once
// What a scoring run is computed from, recomputed the same way wherever it is needed: by the run
// itself (ScoringRun) and by the one-sample exact step of per-reference attribution on demand
// (AttributionOnDemand.cpp), which must see the θ, V and L_V(θ) the run saw.
#include "core/common/Result.h"
#include "core/data/Sample.h"
#include "core/model/internal/VisionLanguageModel.h"
#include "core/ost/internal/ParameterScope.h"
#include "core/ost/RunSettings.h"
#include "core/store/ProjectStore.h"

#include <optional>
#include <string>
#include <vector>

namespace ost::jobs {

// Hash of the ids and content hashes of `samples`, in order (RunInfo::datasetHash, referenceHash).
std::string hashOfSamples(const std::vector<Sample> &samples);

// The reference file `path` as a run reads it: unreadable records left out (logged), at most
// settings.referenceMax samples when > 0; an error when none is readable.
Result<std::vector<Sample>> loadReferenceFile(const std::string &path, const RunSettings &settings);

// The store key of the warm-up checkpoint: everything that shapes θ, but not how it is then scored
// (mode, η, step rule, shard), so exact and fast runs of one project share it. The warm-up trains the
// step's scope (warmupParameters), so a scope other than "all" is part of the key; "all" is left
// out so checkpoints of earlier versions (which always trained everything) are still found.
std::string warmupCheckpointKey(const RunSettings &settings, const std::string &datasetHash,
                                const std::string &referenceHash);

// The parameters the warm-up trains and its checkpoint holds: those the run's step touches
// (settings.parameterScope). A pretrained proxy then keeps its other weights as loaded, and the
// checkpoint of scope last:4 is those blocks, not the whole model.
Result<std::vector<scoring::ScopedParameter>> warmupParameters(model::VisionLanguageModel &model,
                                                               const RunSettings &settings);

// Puts a stored warm-up checkpoint (`key`, its bytes) into `model`; the error names the key.
Status loadWarmupCheckpoint(model::VisionLanguageModel &model, const RunSettings &settings, const std::string &key,
                            const std::string &bytes);

// L_V(θ) stored with run `runId` (ScoringJob::referenceLossBlobKey); nullopt when absent or unreadable.
std::optional<double> storedReferenceLoss(const ProjectStore &store, int64_t runId);

// How the run's settings load its proxy on `device`.
model::ProxyOptions proxyOptions(const RunSettings &settings, const std::string &device);

} // namespace ost::jobs
