// `ostc rank DATASET`: the ranking of the project's latest (or a chosen) run, best and worst first.
#include "Command.h"

#include "core/store/ProjectStore.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <sys/stat.h>

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

output: one line per sample, "RANK ID UTILITY DECISION", whitespace-separated; lines starting with '#'
are headers. Samples whose score is NaN rank last.
)";

struct Ranked {
    std::string id;
    double utility;
};

bool fileExists(const std::string &path)
{
    struct stat st{};
    return ::stat(path.c_str(), &st) == 0;
}

void printRow(int64_t rank, const Ranked &r, ost::Decision d)
{
    std::printf("%6lld  %-32s %14.6g  %s\n", static_cast<long long>(rank), tsvField(r.id).c_str(), r.utility,
                ost::decisionName(d).c_str());
}

int run(Args &args)
{
    if (args.positional().size() != 1)
        return fail("rank", "give exactly one dataset (see ostc rank --help)", Usage);
    const std::string dataset = args.positional().front();
    const std::string projectPath = args.value("--project", ost::ProjectStore::defaultPathFor(dataset));
    const long long top = args.integer("--top").value_or(10);
    const long long bottom = args.integer("--bottom").value_or(10);
    const auto runId = args.integer("--run");
    if (!args.error().empty())
        return fail("rank", args.error(), Usage);
    if (top < 0 || bottom < 0)
        return fail("rank", "--top and --bottom must not be negative", Usage);
    // Opening would create an empty project; a missing one means nothing was scored yet.
    if (!fileExists(projectPath))
        return fail("rank", "no project at " + projectPath + ": score the dataset first (ostc score " + dataset + ")",
                    BadInput);

    auto opened = ost::ProjectStore::open(projectPath, ost::ProjectStore::Access::ReadOnly);
    if (!opened.ok())
        return fail("rank", opened.error().message, BadInput);
    ost::ProjectStore &store = **opened;
    const auto info = runId ? store.run(*runId) : store.latestRun();
    if (!info)
        return fail("rank", runId ? "no run " + std::to_string(*runId) + " in " + projectPath
                                  : "no run in " + projectPath + ": score the dataset first",
                    BadInput);
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
        ranked.push_back({id, value});
    std::stable_sort(ranked.begin(), ranked.end(), [](const Ranked &a, const Ranked &b) {
        if (std::isnan(a.utility) || std::isnan(b.utility))
            return !std::isnan(a.utility) && std::isnan(b.utility);
        return a.utility > b.utility;
    });
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
    std::printf("#  rank  %-32s %14s  %s\n", "id", "utility", "decision");
    const bool all = args.has("--all") || top + bottom >= n;
    for (long long i = 0; i < n; ++i) {
        if (!all && i == top && n - bottom > top)
            std::printf("#   ... %lld samples ...\n", n - bottom - top);
        if (all || i < top || i >= n - bottom)
            printRow(i + 1, ranked[static_cast<size_t>(i)], decisionOf(ranked[static_cast<size_t>(i)].id));
    }
    return Ok;
}

const CommandRegistration reg({"rank", "print the best and worst samples of a scored run", kUsage, run, {"--all"},
                               {"--project", "--run", "--method", "--top", "--bottom"}});

} // namespace
} // namespace ostc
