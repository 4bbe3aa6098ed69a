#pragma once
// Everything the views need from a scoring run, laid out by sample index so that data() and the
// filter read a vector instead of querying SQLite. Built on a worker thread, swapped in whole.
#include "core/data/Dataset.h"
#include "core/store/ProjectStore.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace ost::ui {

struct ScoreSnapshot {
    int64_t runId = 0;                 // 0: the project has no run yet
    std::string runName;
    std::string runStatus;
    std::string method;                // "ost" or "ost-fast": the column called utility
    double harmfulThreshold = 0.0;
    std::vector<double> utility;       // NaN where not scored
    std::vector<int64_t> rank;         // 1 = most useful; 0 where not scored
    std::vector<std::vector<double>> baselines; // [baselineMethods()[k]][index], NaN where absent
    int64_t scoredCount = 0;
    // The newest run when it is not the one shown: it has no scores yet (it just started), so the
    // last run with scores stays on screen until it has some. 0 when the newest run is shown.
    int64_t newerRunId = 0;
    std::string newerRunName;
    std::string newerRunStatus;

    static const std::vector<std::string> &baselineMethods(); // loss, ifd, length, random

    bool hasScores() const { return scoredCount > 0; }
    double utilityAt(int64_t index) const
    {
        return index >= 0 && index < int64_t(utility.size()) ? utility[size_t(index)]
                                                            : std::numeric_limits<double>::quiet_NaN();
    }
    int64_t rankAt(int64_t index) const
    {
        return index >= 0 && index < int64_t(rank.size()) ? rank[size_t(index)] : 0;
    }
    double baselineAt(size_t k, int64_t index) const
    {
        return k < baselines.size() && index >= 0 && index < int64_t(baselines[k].size())
                   ? baselines[k][size_t(index)]
                   : std::numeric_limits<double>::quiet_NaN();
    }
    bool isHarmful(int64_t index) const
    {
        const double u = utilityAt(index);
        return !std::isnan(u) && u < harmfulThreshold;
    }
};

// The store key of a run's harmful threshold as set in the app (over the run's own setting).
std::string harmfulThresholdKey(int64_t runId);

// Reads `runId`, or else the newest run that has utility scores (the newest run when none has),
// and maps its scores onto dataset indices.
ScoreSnapshot loadScoreSnapshot(const Dataset &dataset, const ProjectStore &store,
                                std::optional<int64_t> runId = std::nullopt);

} // namespace ost::ui
