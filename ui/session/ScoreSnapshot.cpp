#include "ui/session/ScoreSnapshot.h"

#include "core/ost/RunSettings.h"

#include <QString>

#include <algorithm>
#include <numeric>

namespace ost::ui {

const std::vector<std::string> &ScoreSnapshot::baselineMethods()
{
    static const std::vector<std::string> methods = {"loss", "ifd", "length", "random"};
    return methods;
}

std::string harmfulThresholdKey(int64_t runId) { return "ui/harmfulThreshold/run/" + std::to_string(runId); }

namespace {

std::vector<double> valuesByIndex(const Dataset &dataset, const ProjectStore &store, int64_t runId,
                                  const std::string &method)
{
    std::vector<double> values(size_t(dataset.size()), std::numeric_limits<double>::quiet_NaN());
    for (const auto &[id, value] : store.scoreMap(runId, method)) {
        const int64_t index = dataset.indexOf(id);
        if (index >= 0 && index < int64_t(values.size()))
            values[size_t(index)] = value;
    }
    return values;
}

} // namespace

ScoreSnapshot loadScoreSnapshot(const Dataset &dataset, const ProjectStore &store, std::optional<int64_t> runId)
{
    ScoreSnapshot snap;
    const size_t n = size_t(dataset.size());
    snap.utility.assign(n, std::numeric_limits<double>::quiet_NaN());
    snap.rank.assign(n, 0);
    snap.baselines.assign(ScoreSnapshot::baselineMethods().size(),
                          std::vector<double>(n, std::numeric_limits<double>::quiet_NaN()));

    std::optional<RunInfo> run = runId ? store.run(*runId) : store.latestRun();
    if (!run)
        return snap;
    if (!runId && store.scoreCount(run->id, "ost") == 0 && store.scoreCount(run->id, "ost-fast") == 0) {
        // A new run blanked the table until its first batch: show the last run that has scores.
        const std::vector<RunInfo> runs = store.runs();
        for (auto it = runs.rbegin(); it != runs.rend(); ++it) {
            if (store.scoreCount(it->id, "ost") > 0 || store.scoreCount(it->id, "ost-fast") > 0) {
                snap.newerRunId = run->id;
                snap.newerRunName = run->name;
                snap.newerRunStatus = run->status;
                run = *it;
                break;
            }
        }
    }
    snap.runId = run->id;
    snap.runName = run->name;
    snap.runStatus = run->status;
    if (auto settings = RunSettings::fromJson(run->settingsJson); settings.ok())
        snap.harmfulThreshold = settings->harmfulThreshold;
    if (const std::optional<std::string> set = store.blob(harmfulThresholdKey(run->id))) {
        bool ok = false; // QString::toDouble reads '.' whatever the locale (strtod would not)
        const double t = QString::fromStdString(*set).toDouble(&ok);
        if (ok && std::isfinite(t))
            snap.harmfulThreshold = t;
    }

    // A run holds either exact or fast OST scores; prefer exact when both exist.
    for (const char *method : {"ost", "ost-fast"}) {
        if (store.scoreCount(run->id, method) > 0) {
            snap.method = method;
            break;
        }
    }
    if (!snap.method.empty())
        snap.utility = valuesByIndex(dataset, store, run->id, snap.method);
    for (size_t k = 0; k < ScoreSnapshot::baselineMethods().size(); ++k) {
        const std::string &m = ScoreSnapshot::baselineMethods()[k];
        if (store.scoreCount(run->id, m) > 0)
            snap.baselines[k] = valuesByIndex(dataset, store, run->id, m);
    }

    std::vector<int64_t> scored;
    scored.reserve(n);
    for (size_t i = 0; i < n; ++i)
        if (!std::isnan(snap.utility[i]))
            scored.push_back(int64_t(i));
    std::stable_sort(scored.begin(), scored.end(),
                     [&](int64_t a, int64_t b) { return snap.utility[size_t(a)] > snap.utility[size_t(b)]; });
    for (size_t r = 0; r < scored.size(); ++r)
        snap.rank[size_t(scored[r])] = int64_t(r) + 1;
    snap.scoredCount = int64_t(scored.size());
    return snap;
}

} // namespace ost::ui
