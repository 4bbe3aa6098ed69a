#pragma once
// Why this sample: the utility of a sample z split over the reference set V.
//   ΔL_v(z) = L_v(θ) − L_v(θ'_z)   for every reference sample v;   utility(z) = mean over v of ΔL_v(z)
// ΔL_v > 0: the step on z lowers v's loss (z helps v); < 0: it raises it (z hurts v).
//
// Where it comes from:
//  - an exact run stores every scored sample's ΔL_v (float32, |V| × 4 bytes per sample) with V's ids
//    once per run (store blobs, keys below); loadStoredAttribution() reads them back;
//  - a fast run (first-order, no per-reference values) or a run stored before this existed: the exact
//    step is taken for that one sample on demand (computeAttribution(): loads the run's proxy and
//    settings, one backward of z and one pass over V).
//
// Torch-free: the UI includes this. The on-demand functions are implemented in core/jobs (they use
// the scoring worker); the rest in core/ost.
#include "core/common/Result.h"
#include "core/data/Dataset.h"
#include "core/store/ProjectStore.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ost {

struct Attribution {
    enum class Source { StoredExactRun, ComputedOnDemand };

    std::string sampleId;
    int64_t runId = 0;
    double utility = 0;                    // the exact step's utility L_V(θ) − L_V(θ'_z): the mean of
                                           // `deltas` (to float32 rounding when read from the store)
    std::optional<double> runUtility;      // the utility the run stored for the sample (a fast run's
                                           // first-order value differs from `utility`); nullopt: none
    std::vector<std::string> referenceIds; // V in the run's order
    std::vector<double> deltas;            // ΔL_v per reference, same order as referenceIds
    Source source = Source::StoredExactRun;
    double seconds = 0;                    // time taken to compute it on demand (0 when stored)
};

// ---- storage (exact runs) -------------------------------------------------------------------------
// Blob "run/<id>/attribution/references": JSON array of V's ids in order, once per run.
// Blob "run/<id>/attribution/sample/<sample id>": |V| little-endian float32 ΔL_v values.
// float32 keeps 7 significant digits of each ΔL_v; the utility itself is stored as a double score.
std::string attributionReferencesBlobKey(int64_t runId);
std::string attributionSampleBlobKey(int64_t runId, const std::string &sampleId);

// Writes V's ids and the deltas of `samples` (id -> ΔL_v in V's order) in one transaction.
Status storeAttributions(ProjectStore &store, int64_t runId, const std::vector<std::string> &referenceIds,
                         const std::map<std::string, std::vector<double>> &samples);

// Every stored attribution of a run (float32 values widened to double).
struct RunAttributions {
    std::vector<std::string> referenceIds;
    std::map<std::string, std::vector<double>> deltas; // sample id -> ΔL_v
};
// nullopt: the run stored none (a fast run, or one from before); an error when what it stored is damaged.
Result<std::optional<RunAttributions>> loadRunAttributions(const ProjectStore &store, int64_t runId);

// One sample's stored attribution; nullopt when the run holds none for it.
Result<std::optional<Attribution>> loadStoredAttribution(const ProjectStore &store, int64_t runId,
                                                         const std::string &sampleId);

// ---- on demand (core/jobs) ---------------------------------------------------------------------------
struct OnDemandOptions {
    std::string referencePath; // where the run's reference file is now; "" = as the run stored it,
                               // else looked for relative to the project file's folder
    std::string device;        // "" = cpu (the run's own device is not assumed to be free)
};

// The exact step for one sample of `dataset` under run `runId`'s proxy, settings and warm-up
// checkpoint; θ, V and L_V(θ) as the run had them. Errors name the sample, the run, and a proxy or
// reference file that is gone.
Result<Attribution> computeAttribution(const Dataset &dataset, const ProjectStore &store, int64_t runId,
                                       const std::string &sampleId, const OnDemandOptions &options = {});

// Stored when the run has it, else computed on demand.
Result<Attribution> attributionFor(const Dataset &dataset, const ProjectStore &store, int64_t runId,
                                   const std::string &sampleId, const OnDemandOptions &options = {});

// The reference samples of run `runId` (its reference file, or the share held out of `dataset`),
// in the run's order: for grouping and for showing a reference problem beside the sample.
Result<std::vector<Sample>> runReferenceSamples(const Dataset &dataset, const ProjectStore &store, int64_t runId,
                                                const OnDemandOptions &options = {});

// ---- summaries (plain data) ---------------------------------------------------------------------
// Group of each reference id under a SampleGroups spec ("id-prefix", "id-suffix" or a top-level
// field of the reference records, e.g. "subject", "level"); "" for a record without it.
Result<std::map<std::string, std::string>> referenceGroups(const std::vector<Sample> &references,
                                                           const std::string &spec);

struct ReferenceDelta {
    std::string referenceId;
    double delta = 0;  // ΔL_v (> 0 helps)
    std::string group; // "" when not grouped
};

struct GroupDelta {
    std::string group;    // "" = the references without a value
    int64_t references = 0;
    int64_t lowered = 0;  // ΔL_v > 0
    int64_t raised = 0;   // ΔL_v < 0
    double sum = 0;       // Σ ΔL_v over the group
    double mean = 0;
};

struct AttributionSummary {
    std::string sampleId;
    double utility = 0;
    int64_t references = 0;
    int64_t lowered = 0;  // references whose loss the step lowers (ΔL_v > 0)
    int64_t raised = 0;   // ... raises (ΔL_v < 0)
    std::vector<ReferenceDelta> hurtMost;   // ΔL_v < 0 only, most negative first, at most topK
    std::vector<ReferenceDelta> helpedMost; // ΔL_v > 0 only, largest first, at most topK
    std::string groupSpec;                  // "" when not grouped
    std::vector<GroupDelta> groups;         // by sum ascending (the most hurt group first)
};

// `groups`: reference id -> group (referenceGroups()); empty: no grouping.
AttributionSummary summarizeAttribution(const Attribution &attribution, int topK = 3,
                                        const std::map<std::string, std::string> &groups = {},
                                        const std::string &groupSpec = {});

// "lowers the loss on 11 of 16 reference problems; hurts most: ref/37 (geometry, +0.21), ref/5 (+0.09)"
// The figures in brackets are the change of that reference's loss, L_v(θ') − L_v(θ) = −ΔL_v: "+0.21"
// means the step on this sample raises ref/37's loss by 0.21.
std::string describeAttribution(const AttributionSummary &summary);

// The reference set's own view (exact runs): for each reference sample, how many of the run's scored
// samples help it (ΔL_v > 0) and hurt it, so a curator sees whether V is balanced.
struct ReferenceBalance {
    std::string referenceId;
    std::string group;
    int64_t helped = 0;
    int64_t hurt = 0;
    double meanDelta = 0; // mean ΔL_v over the pool samples
};
struct ReferenceSetSummary {
    int64_t runId = 0;
    int64_t samples = 0; // pool samples with stored attributions
    std::vector<ReferenceBalance> references; // V's order
};
ReferenceSetSummary summarizeReferenceSet(int64_t runId, const RunAttributions &attributions,
                                          const std::map<std::string, std::string> &groups = {});

// Σ ΔL_v over the references whose group is `value` ("hurts subject=geometry": ascending = most hurt
// first); nullopt when no reference of the run is in that group.
std::optional<double> groupDelta(const std::vector<double> &deltas, const std::vector<std::string> &referenceIds,
                                 const std::map<std::string, std::string> &groups, const std::string &value);

} // namespace ost
