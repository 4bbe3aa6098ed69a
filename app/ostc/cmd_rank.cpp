// `ostc rank DATASET`: the ranking of the project's latest (or a chosen) run, best and worst first.
#include "Command.h"
#include "ProjectRun.h"

#include "core/data/Dataset.h"
#include "core/ost/Attribution.h"
#include "core/store/ProjectStore.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <set>

namespace ostc {
namespace {

const char *kUsage = R"(usage: ostc rank DATASET [options]

Prints the samples of a scored run by utility (rank 1 = most useful): the top and bottom of the list
with each sample's current keep/drop decision. Reads the project store only; run `ostc score` first.

options:
  --project P     project file (default DATASET.ostproj)
  --run ID        run to show (default: the latest)
  --method M      score method (default: the run's OST method, ost or ost-fast, else its first method)
  --top N         best samples to print (default 10)
  --bottom N      worst samples to print (default 10)
  --all           print every sample (one line each, for scripts)
  --hurts G=VALUE sort by how much each sample hurts one group of reference samples: the sum of its
                  ΔL_v = L_v(θ) − L_v(θ') over the references whose G is VALUE, most hurt first
                  (G: a top-level field of the reference records, id-prefix or id-suffix; e.g.
                  --hurts subject=geometry). Needs the per-reference attribution an exact run stores
  --reference-file PATH  where the run's reference file is now, when it moved (with --hurts)

output: one line per sample, "RANK ID UTILITY DECISION", whitespace-separated; lines starting with '#'
are headers. Samples whose score is NaN rank last. With --hurts: "RANK ID SUM_DELTA UTILITY DECISION".
)";

struct Ranked {
    std::string id;
    double utility;
    double key; // what the list is sorted by: the utility, or the group's ΣΔL_v (--hurts)
};

void printRow(int64_t rank, const Ranked &r, ost::Decision d, bool byGroup)
{
    if (byGroup)
        std::printf("%6lld  %-32s %14.6g %14.6g  %s\n", static_cast<long long>(rank), tsvField(r.id).c_str(), r.key,
                    r.utility, ost::decisionName(d).c_str());
    else
        std::printf("%6lld  %-32s %14.6g  %s\n", static_cast<long long>(rank), tsvField(r.id).c_str(), r.utility,
                    ost::decisionName(d).c_str());
}

// --hurts G=VALUE: each sample's ΣΔL_v over V's samples in that group, from the run's stored
// attribution; the samples without one are counted in `missing`.
std::optional<std::vector<Ranked>> rankByGroup(const std::string &dataset, const ost::ProjectStore &store,
                                               int64_t runId, const std::string &hurts, const std::string &referenceFile,
                                               const std::vector<Ranked> &scored, int &code, std::string &label)
{
    const size_t eq = hurts.find('=');
    if (eq == std::string::npos || eq == 0) {
        code = fail("rank", "--hurts takes FIELD=VALUE (e.g. subject=geometry), not '" + hurts + "'", Usage);
        return std::nullopt;
    }
    const std::string field = hurts.substr(0, eq), value = hurts.substr(eq + 1);
    auto attributions = ost::loadRunAttributions(store, runId);
    if (!attributions.ok()) {
        code = fail("rank", attributions.error().message, BadInput);
        return std::nullopt;
    }
    if (!attributions.value()) {
        code = fail("rank", "run " + std::to_string(runId) + " stored no per-reference attribution (a fast run, or "
                            "one scored before it was stored): --hurts needs an exact run (ostc score --mode exact); "
                            "ostc explain computes one sample's on demand",
                    BadInput);
        return std::nullopt;
    }
    auto data = ost::Dataset::open(dataset);
    if (!data.ok()) {
        code = fail("rank", data.error().message, BadInput);
        return std::nullopt;
    }
    auto groups = referenceGroupsOfRun("rank", *data.value(), store, runId, field, referenceFile, code);
    if (!groups)
        return std::nullopt;
    const auto &refs = (*attributions)->referenceIds;
    int64_t inGroup = 0;
    for (const auto &id : refs)
        inGroup += groups->count(id) && groups->at(id) == value;
    if (inGroup == 0) {
        std::set<std::string> values;
        for (const auto &[id, g] : *groups)
            if (!g.empty())
                values.insert(g);
        std::string known;
        for (const auto &v : values)
            known += (known.empty() ? "" : ", ") + v;
        code = fail("rank", "no reference sample of run " + std::to_string(runId) + " has " + field + "=" + value +
                                " (its values: " + known + ")",
                    BadInput);
        return std::nullopt;
    }
    std::vector<Ranked> out;
    int64_t missing = 0;
    for (const Ranked &r : scored) {
        const auto it = (*attributions)->deltas.find(r.id);
        if (it == (*attributions)->deltas.end()) {
            ++missing;
            continue;
        }
        out.push_back({r.id, r.utility, *ost::groupDelta(it->second, refs, *groups, value)});
    }
    if (missing > 0)
        std::cerr << "ostc rank: " << missing << " scored sample(s) have no stored attribution and are left out\n";
    std::stable_sort(out.begin(), out.end(), [](const Ranked &a, const Ranked &b) {
        if (std::isnan(a.key) || std::isnan(b.key))
            return !std::isnan(a.key) && std::isnan(b.key);
        return a.key < b.key;
    });
    label = "sorted by ΣΔL_v over the " + std::to_string(inGroup) + " reference samples with " + field + "=" + value +
            " (most hurt first)";
    return out;
}

int run(Args &args)
{
    if (args.positional().size() != 1)
        return fail("rank", "give exactly one dataset (see ostc rank --help)", Usage);
    const std::string dataset = args.positional().front();
    const long long top = args.integer("--top").value_or(10);
    const long long bottom = args.integer("--bottom").value_or(10);
    const auto runId = args.integer("--run");
    if (!args.error().empty())
        return fail("rank", args.error(), Usage);
    if (top < 0 || bottom < 0)
        return fail("rank", "--top and --bottom must not be negative", Usage);
    int code = Ok;
    auto opened = openProjectRun("rank", dataset, args.value("--project"), runId, code);
    if (!opened)
        return code;
    ost::ProjectStore &store = *opened->store;
    const std::optional<ost::RunInfo> info = opened->info;
    const auto methods = store.methods(info->id);
    if (methods.empty())
        return fail("rank", "run " + std::to_string(info->id) + " has no scores yet", BadInput);
    std::string method = args.value("--method", "");
    if (method.empty()) {
        // A fast run's utility is "ost-fast"; without this its first method (alphabetically "ifd") ranked.
        method = methods.front();
        for (const char *preferred : {"ost-fast", "ost"})
            if (std::find(methods.begin(), methods.end(), preferred) != methods.end())
                method = preferred;
    }
    else if (std::find(methods.begin(), methods.end(), method) == methods.end())
        return fail("rank", "run " + std::to_string(info->id) + " has no '" + method + "' scores", BadInput);

    std::vector<Ranked> ranked;
    for (const auto &[id, value] : store.scoreMap(info->id, method))
        ranked.push_back({id, value, value});
    std::stable_sort(ranked.begin(), ranked.end(), [](const Ranked &a, const Ranked &b) {
        if (std::isnan(a.utility) || std::isnan(b.utility))
            return !std::isnan(a.utility) && std::isnan(b.utility);
        return a.utility > b.utility;
    });
    std::string label;
    const auto hurts = args.value("--hurts");
    if (hurts) {
        auto byGroup = rankByGroup(dataset, store, info->id, *hurts, args.value("--reference-file", ""), ranked, code,
                                   label);
        if (!byGroup)
            return code;
        ranked = std::move(*byGroup);
    }
    const auto decisions = store.decisions();
    auto decisionOf = [&](const std::string &id) {
        auto it = decisions.find(id);
        return it == decisions.end() ? ost::Decision::Auto : it->second;
    };

    // A damaged page can end a read early: never print a partial ranking as the ranking.
    if (const ost::Status h = store.health(); !h.ok())
        return fail("rank", h.error().message, BadInput);
    const auto n = static_cast<long long>(ranked.size());
    std::printf("# run %lld \"%s\" (%s), method %s, %lld samples scored\n", static_cast<long long>(info->id),
                info->name.c_str(), info->status.c_str(), method.c_str(), n);
    if (hurts) {
        std::printf("# %s\n", label.c_str());
        std::printf("#  rank  %-32s %14s %14s  %s\n", "id", "sum_delta", "utility", "decision");
    } else {
        std::printf("#  rank  %-32s %14s  %s\n", "id", "utility", "decision");
    }
    const bool all = args.has("--all") || top + bottom >= n;
    for (long long i = 0; i < n; ++i) {
        if (!all && i == top && n - bottom > top)
            std::printf("#   ... %lld samples ...\n", n - bottom - top);
        if (all || i < top || i >= n - bottom)
            printRow(i + 1, ranked[static_cast<size_t>(i)], decisionOf(ranked[static_cast<size_t>(i)].id),
                     hurts.has_value());
    }
    return Ok;
}

const CommandRegistration reg({"rank", "print the best and worst samples of a scored run", kUsage, run, {"--all"},
                               {"--project", "--run", "--method", "--top", "--bottom", "--hurts", "--reference-file"}});

} // namespace
} // namespace ostc
