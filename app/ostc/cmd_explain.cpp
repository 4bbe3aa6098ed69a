// `ostc explain DATASET ID`: why a sample got its utility, reference sample by reference sample
// (ΔL_v = L_v(θ) − L_v(θ'_z), whose mean is the utility); `--reference`: the reference set's own view.
#include "Command.h"
#include "ProjectRun.h"

#include "core/data/Dataset.h"
#include "core/ost/Attribution.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <iostream>

namespace ostc {
namespace {

const char *kUsage = R"(usage: ostc explain DATASET ID [options]
       ostc explain DATASET --reference [options]

Why sample ID got its utility: the change of every reference sample's loss under the one step on
ID, ΔL_v = L_v(θ) − L_v(θ'), whose mean is the utility (> 0: the step lowers v's loss, ID helps v).
An exact run stores these for every scored sample (float32, 4 bytes per reference sample). For a
fast run, or a run scored before they were stored, they are computed on demand: the exact step for
that one sample with the run's proxy, settings and V (seconds on the CPU; the proxy must still be
where the run found it).

--reference prints the reference set's view instead: for each reference sample, how many scored
samples help it and how many hurt it (exact runs), so a curator sees whether V is balanced.

options:
  --project P     project file (default DATASET.ostproj)
  --run ID        run (default: the latest)
  --group-by G    group the reference samples by G: a top-level field of their records (subject,
                  level), id-prefix or id-suffix
  --top K         hurt and helped reference samples to name (default 3)
  --json          one JSON object
  --reference-file PATH  where the run's reference file is now, when it moved
  --device D      device for an on-demand computation (default cpu)
)";

std::string fixed(double v, const char *format = "%+.6g")
{
    char buf[48];
    std::snprintf(buf, sizeof buf, format, v);
    return buf;
}

int explainReferenceSet(const ost::Dataset &data, const ProjectRun &run, const std::string &groupBy,
                        const std::string &referenceFile, bool json)
{
    auto attributions = ost::loadRunAttributions(*run.store, run.info.id);
    if (!attributions.ok())
        return fail("explain", attributions.error().message, BadInput);
    if (!attributions.value())
        return fail("explain",
                    "run " + std::to_string(run.info.id) + " (" + run.info.name +
                        ") stored no per-reference attribution (a fast run, or one scored before it was stored): the "
                        "reference-set view needs an exact run (ostc score --mode exact)",
                    BadInput);
    std::map<std::string, std::string> groups;
    if (!groupBy.empty()) {
        int code = Ok;
        auto g = referenceGroupsOfRun("explain", data, *run.store, run.info.id, groupBy, referenceFile, code);
        if (!g)
            return code;
        groups = std::move(*g);
    }
    const auto view = ost::summarizeReferenceSet(run.info.id, *attributions.value(), groups);
    if (json) {
        nlohmann::json out = {{"run", view.runId}, {"samples", view.samples}, {"references", nlohmann::json::array()}};
        if (!groupBy.empty())
            out["group_by"] = groupBy;
        for (const auto &b : view.references)
            out["references"].push_back({{"id", b.referenceId}, {"group", b.group}, {"helped", b.helped},
                                         {"hurt", b.hurt}, {"mean_delta", b.meanDelta}});
        std::cout << out.dump(2) << "\n";
        return Ok;
    }
    std::printf("# run %lld \"%s\": %lld scored samples with stored attribution; per reference sample, how many "
                "lower its loss (help) and raise it (hurt)\n",
                static_cast<long long>(view.runId), run.info.name.c_str(), static_cast<long long>(view.samples));
    std::printf("# %-30s %-16s %7s %7s %14s\n", "reference", groupBy.empty() ? "" : groupBy.c_str(), "helped", "hurt",
                "mean_delta");
    for (const auto &b : view.references)
        std::printf("  %-30s %-16s %7lld %7lld %14s\n", tsvField(b.referenceId).c_str(), b.group.c_str(),
                    static_cast<long long>(b.helped), static_cast<long long>(b.hurt), fixed(b.meanDelta).c_str());
    return Ok;
}

int run(Args &args)
{
    const bool referenceView = args.has("--reference");
    const auto top = args.integer("--top");
    const auto runId = args.integer("--run");
    if (!args.error().empty())
        return fail("explain", args.error(), Usage);
    if (top && (*top < 0 || *top > 1000000))
        return fail("explain", "--top must be between 0 and 1000000", Usage);
    const size_t want = referenceView ? 1 : 2;
    if (args.positional().size() != want)
        return fail("explain", referenceView ? "give one DATASET with --reference (see ostc explain --help)"
                                             : "give DATASET and a sample ID (see ostc explain --help)",
                    Usage);
    const std::string dataset = args.positional()[0];
    const std::string groupBy = args.value("--group-by", "");
    const std::string referenceFile = args.value("--reference-file", "");
    const bool json = args.has("--json");

    int code = Ok;
    auto run = openProjectRun("explain", dataset, args.value("--project"), runId, code);
    if (!run)
        return code;
    auto data = ost::Dataset::open(dataset);
    if (!data.ok())
        return fail("explain", data.error().message, BadInput);
    if (referenceView)
        return explainReferenceSet(*data.value(), *run, groupBy, referenceFile, json);

    // Groups first: a misspelt field is refused before seconds of an on-demand step.
    std::map<std::string, std::string> groups;
    if (!groupBy.empty()) {
        auto g = referenceGroupsOfRun("explain", *data.value(), *run->store, run->info.id, groupBy, referenceFile, code);
        if (!g)
            return code;
        groups = std::move(*g);
    }
    const std::string id = args.positional()[1];
    auto stored = ost::loadStoredAttribution(*run->store, run->info.id, id);
    if (!stored.ok())
        return fail("explain", stored.error().message, BadInput);
    ost::Attribution attribution;
    if (stored.value()) {
        attribution = std::move(*stored.value());
    } else {
        if (data.value()->indexOf(id) < 0)
            return fail("explain", "no sample '" + id + "' in " + dataset, BadInput);
        ost::OnDemandOptions options;
        options.referencePath = referenceFile;
        options.device = args.value("--device", "cpu");
        std::cerr << "ostc explain: run " << run->info.id << " (" << run->info.name
                  << ") has no stored attribution for '" << id
                  << "' (a fast run, or one scored before it was stored): computing it with the exact step on "
                  << options.device << "\n";
        auto computed = ost::computeAttribution(*data.value(), *run->store, run->info.id, id, options);
        if (!computed.ok())
            return fail("explain", computed.error().message, BadInput);
        attribution = computed.takeValue();
    }
    const auto summary = ost::summarizeAttribution(attribution, static_cast<int>(top.value_or(3)), groups, groupBy);
    const std::string sentence = ost::describeAttribution(summary);
    const bool onDemand = attribution.source == ost::Attribution::Source::ComputedOnDemand;
    // Every reference sample, most hurt first.
    std::vector<size_t> order(attribution.deltas.size());
    for (size_t v = 0; v < order.size(); ++v)
        order[v] = v;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return attribution.deltas[a] < attribution.deltas[b]; });
    auto groupOf = [&](const std::string &ref) {
        const auto it = groups.find(ref);
        return it == groups.end() ? std::string() : it->second;
    };

    if (json) {
        nlohmann::json out = {{"sample", attribution.sampleId},
                              {"run", attribution.runId},
                              {"source", onDemand ? "computed-on-demand" : "stored-exact-run"},
                              {"utility", attribution.utility},
                              {"run_utility", attribution.runUtility ? nlohmann::json(*attribution.runUtility)
                                                                     : nlohmann::json()},
                              {"seconds", attribution.seconds},
                              {"references", summary.references},
                              {"lowered", summary.lowered},
                              {"raised", summary.raised},
                              {"sentence", sentence},
                              {"deltas", nlohmann::json::array()}};
        for (size_t v : order)
            out["deltas"].push_back({{"reference", attribution.referenceIds[v]},
                                     {"delta", attribution.deltas[v]},
                                     {"group", groupOf(attribution.referenceIds[v])}});
        if (!groupBy.empty()) {
            out["group_by"] = groupBy;
            out["groups"] = nlohmann::json::array();
            for (const auto &g : summary.groups)
                out["groups"].push_back({{"group", g.group}, {"references", g.references}, {"lowered", g.lowered},
                                         {"raised", g.raised}, {"sum", g.sum}, {"mean", g.mean}});
        }
        std::cout << out.dump(2) << "\n";
        return Ok;
    }
    std::printf("# run %lld \"%s\", sample %s\n", static_cast<long long>(run->info.id), run->info.name.c_str(),
                tsvField(attribution.sampleId).c_str());
    std::printf("utility %s (%s)", fixed(attribution.utility, "%.6g").c_str(),
                onDemand ? ("exact step computed on demand in " + fixed(attribution.seconds, "%.1f") + " s").c_str()
                         : "stored by the exact run");
    if (onDemand && attribution.runUtility)
        std::printf("; the run's own utility %s", fixed(*attribution.runUtility, "%.6g").c_str());
    std::printf("\n%s\n", sentence.c_str());
    if (!summary.groups.empty()) {
        std::printf("# by %s: group, references, lowered, raised, sum of ΔL_v\n", groupBy.c_str());
        for (const auto &g : summary.groups)
            std::printf("  %-24s %4lld %4lld %4lld %14s\n", g.group.empty() ? "(none)" : g.group.c_str(),
                        static_cast<long long>(g.references), static_cast<long long>(g.lowered),
                        static_cast<long long>(g.raised), fixed(g.sum).c_str());
    }
    std::printf("# %-30s %14s  %s\n", "reference (most hurt first)", "delta", groupBy.c_str());
    for (size_t v : order)
        std::printf("  %-30s %14s  %s\n", tsvField(attribution.referenceIds[v]).c_str(),
                    fixed(attribution.deltas[v]).c_str(), groupOf(attribution.referenceIds[v]).c_str());
    return Ok;
}

const CommandRegistration reg({"explain", "why a sample got its utility: the change of each reference sample's loss",
                               kUsage, run, {"--reference", "--json"},
                               {"--project", "--run", "--group-by", "--top", "--reference-file", "--device"}});

} // namespace
} // namespace ostc
