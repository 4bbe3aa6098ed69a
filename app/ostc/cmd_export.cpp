// `ostc export FILE --out OUT`: write the kept subset, chosen by score and curator decisions.
#include "Command.h"

#include "core/data/Dataset.h"
#include "core/data/ExportPolicy.h"
#include "core/data/Exporter.h"
#include "core/ost/RunSettings.h"
#include "core/store/ProjectStore.h"
#include "core/store/StoredPaths.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>
#include <sys/stat.h>
#include <unistd.h>

namespace ostc {
namespace {

const char *kUsage = R"(usage: ostc export FILE --out OUT [options]

Writes a subset of the dataset FILE to OUT, plus OUT.manifest.json (source and its sha256, policy,
run, ids, scores, tool version). Records keep their original bytes in the same format; image paths
are rewritten only where they would not resolve from OUT's folder. The file appears atomically: on
any error nothing is written. Scores and keep/drop decisions come from the project store.

selection (at most one; default: every sample):
  --top N           the N highest-utility samples
  --top-percent P   the best P % of the scored samples
  --min-utility U   samples with utility >= U
  --ids FILE        the ids listed in FILE, one per line
  --per-group G     with --top / --top-percent: rank within each group instead of the whole set
                    (--top-percent 20 keeps the best 20 % of every group, --top 1 the best sample of
                    each). G: a record field (source), id-prefix (the id before its last '/': the model
                    in MATH-V's "model/problem" ids) or id-suffix (after it: the problem)
  Samples marked Drop are always left out and samples marked Keep always included; ranking is among
  the samples not dropped.

options:
  --project P       project file (default FILE.ostproj)
  --run ID          scoring run (default: the latest)
  --method M        score method (default: ost)
  --format F        same | messages (JSONL) | llava (JSON)   (default: same)
  --copy-images     copy images into images/ beside OUT and point there
  --image-root DIR  also look for relative image paths under DIR
  --json            print the result as JSON

exit status: 0 written, 3 bad input (no scores, unknown ids, unreadable records), 1 write failed, 2 usage.
)";

bool fileExists(const std::string &path)
{
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

ost::KeepDecision toKeep(ost::Decision d)
{
    switch (d) {
    case ost::Decision::Keep:
        return ost::KeepDecision::Keep;
    case ost::Decision::Drop:
        return ost::KeepDecision::Drop;
    default:
        return ost::KeepDecision::Auto;
    }
}

int run(Args &args)
{
    if (args.positional().size() != 1)
        return fail("export", "give exactly one dataset file (see ostc export --help)", Usage);
    const std::string path = args.positional().front();
    const auto out = args.value("--out");
    if (!out || out->empty())
        return fail("export", "--out OUT is required", Usage);
    const auto top = args.integer("--top");
    const auto topPercent = args.number("--top-percent");
    const auto minUtility = args.number("--min-utility");
    const auto runId = args.integer("--run");
    if (!args.error().empty())
        return fail("export", args.error(), Usage);
    const int policies = (top ? 1 : 0) + (topPercent ? 1 : 0) + (minUtility ? 1 : 0) + (args.has("--ids") ? 1 : 0);
    if (policies > 1)
        return fail("export", "choose one of --top, --top-percent, --min-utility, --ids", Usage);
    if ((top && *top < 0) || (topPercent && (*topPercent < 0 || *topPercent > 100)))
        return fail("export", "--top must be >= 0 and --top-percent within 0..100", Usage);
    ost::ExportOptions options;
    if (!ost::exportFormatFromName(args.value("--format", "same"), options.format))
        return fail("export", "--format must be same, messages or llava", Usage);

    ost::ExportPolicy policy;
    if (top) {
        policy.mode = ost::ExportPolicy::Mode::TopK;
        policy.topK = *top;
    } else if (topPercent) {
        policy.mode = ost::ExportPolicy::Mode::TopPercent;
        policy.topPercent = *topPercent;
    } else if (minUtility) {
        policy.mode = ost::ExportPolicy::Mode::MinUtility;
        policy.minUtility = *minUtility;
    } else if (args.has("--ids")) {
        policy.mode = ost::ExportPolicy::Mode::Ids;
        std::ifstream in(args.value("--ids", ""));
        if (!in)
            return fail("export", "cannot read the id list " + args.value("--ids", ""), Failure);
        for (std::string line; std::getline(in, line);) {
            while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
                line.pop_back();
            if (!line.empty())
                policy.ids.push_back(line);
        }
    }
    if (args.has("--per-group")) {
        if (!top && !topPercent)
            return fail("export", "--per-group needs --top or --top-percent", Usage);
        auto groups = ost::SampleGroups::parse(args.value("--per-group", ""));
        if (!groups.ok())
            return fail("export", groups.error().message, Usage);
        policy.withinGroups = groups.takeValue();
    }
    const bool needsScores = top || topPercent || minUtility;

    if (::access(path.c_str(), R_OK) != 0)
        return fail("export", "cannot read " + path, Failure);
    ost::DatasetOptions dsOptions;
    dsOptions.imageRoot = args.value("--image-root", "");
    auto opened = ost::Dataset::open(path, dsOptions);
    if (!opened.ok())
        return fail("export", opened.error().message, BadInput);
    const ost::Dataset &ds = *opened.value();

    // Scores and decisions. A missing project is fine for "everything" (nothing dropped yet), but
    // not when scores are needed or when the user named a project explicitly.
    const std::string projectPath = args.value("--project", ost::ProjectStore::defaultPathFor(path));
    std::map<std::string, double> utilities;
    std::map<std::string, ost::KeepDecision> decisions;
    const std::string method = args.value("--method", "ost");
    int64_t usedRun = -1;
    if (fileExists(projectPath)) {
        auto store = ost::ProjectStore::open(projectPath, ost::ProjectStore::Access::ReadOnly);
        if (!store.ok())
            return fail("export", store.error().message, BadInput);
        for (const auto &[id, d] : (*store)->decisions())
            decisions[id] = toKeep(d);
        if (needsScores) {
            const auto info = runId ? (*store)->run(*runId) : (*store)->latestRun();
            if (!info)
                return fail("export", runId ? "no run " + std::to_string(*runId) + " in " + projectPath
                                            : "no scoring run in " + projectPath + ": score the dataset first",
                            BadInput);
            usedRun = info->id;
            if (auto settings = ost::RunSettings::fromJson(info->settingsJson); settings.ok())
                options.readPaths.push_back(ost::pathFromStore(settings->referencePath, projectPath)); // never overwritten
            utilities = (*store)->scoreMap(info->id, method);
            if (utilities.empty())
                return fail("export", "run " + std::to_string(info->id) + " has no '" + method + "' scores", BadInput);
        }
        // A damaged page can end a read early: fewer scores or decisions would export the wrong subset.
        if (const ost::Status h = (*store)->health(); !h.ok())
            return fail("export", h.error().message, BadInput);
    } else if (needsScores || args.has("--project")) {
        return fail("export", "no project at " + projectPath + (needsScores ? ": score the dataset first" : ""),
                    BadInput);
    }

    const ost::ExportSelection selection = ost::selectForExport(ds, policy, utilities, decisions);
    if (policy.mode == ost::ExportPolicy::Mode::Ids && !selection.unknownIds.empty())
        return fail("export", std::to_string(selection.unknownIds.size()) + " listed id(s) are not in " + path +
                                  ", e.g. '" + selection.unknownIds.front() + "'",
                    BadInput);
    if (policy.withinGroups && selection.noGroupValues())
        return fail("export", policy.withinGroups->noValuesMessage(), BadInput);

    options.readPaths.push_back(projectPath);
    if (args.has("--ids"))
        options.readPaths.push_back(args.value("--ids", ""));
    options.outPath = *out;
    options.copyImages = args.has("--copy-images");
    options.policyJson = policy.toJson();
    options.runId = usedRun;
    options.method = usedRun >= 0 ? method : "";
    options.scores = utilities;
    options.toolVersion = OST_VERSION;
    auto written = ost::exportSamples(ds, selection.indices, options);
    if (!written.ok())
        return fail("export", written.error().message,
                    written.error().message.find("cannot export") == 0 ? BadInput
                    : written.error().message.find("refusing") == 0   ? Usage
                                                                       : Failure);
    const ost::ExportReport &r = *written;

    if (args.has("--json")) {
        nlohmann::ordered_json j;
        j["out"] = r.outPath;
        j["manifest"] = r.manifestPath;
        j["format"] = ost::formatName(r.writtenFormat);
        j["written"] = r.written;
        j["source_samples"] = ds.size();
        j["policy"] = policy.describe();
        j["run"] = usedRun >= 0 ? nlohmann::ordered_json(usedRun) : nlohmann::ordered_json();
        j["dropped"] = selection.dropped;
        j["forced_keeps"] = selection.forcedKeeps;
        j["unscored"] = selection.unscored;
        if (policy.withinGroups) {
            j["groups"] = selection.groups;
            j["ungrouped"] = selection.ungrouped;
        }
        j["image_paths_rewritten"] = r.pathsRewritten;
        j["images_copied"] = r.imagesCopied;
        j["images_refused"] = r.imagesRefused;
        j["warnings"] = r.warnings;
        std::cout << j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
    } else {
        std::cout << "wrote " << r.written << " of " << ds.size() << " samples to " << r.outPath << " ("
                  << ost::formatName(r.writtenFormat) << ")\n"
                  << "policy: " << policy.describe()
                  << (usedRun >= 0 ? ", run " + std::to_string(usedRun) + " method " + method : std::string()) << "\n"
                  << "dropped " << selection.dropped << ", forced keeps " << selection.forcedKeeps
                  << (needsScores ? ", unscored " + std::to_string(selection.unscored) : std::string())
                  << (policy.withinGroups ? ", groups " + std::to_string(selection.groups) : std::string()) << "\n"
                  << "image paths rewritten " << r.pathsRewritten << ", images copied " << r.imagesCopied
                  << (r.imagesRefused.empty() ? std::string()
                                              : ", refused " + std::to_string(r.imagesRefused.size()) +
                                                    " that are not readable images (see the warnings)")
                  << "\n"
                  << "manifest: " << r.manifestPath << "\n";
        const size_t shown = std::min<size_t>(r.warnings.size(), 20);
        for (size_t i = 0; i < shown; ++i)
            std::cerr << "warning: " << r.warnings[i] << "\n";
        if (r.warnings.size() > shown)
            std::cerr << "warning: ... and " << r.warnings.size() - shown << " more\n";
    }
    if (policy.withinGroups && selection.ungrouped > 0)
        std::cerr << "note: " << selection.ungrouped << " ranked sample(s) have no value for "
                  << policy.withinGroups->label() << "; they were ranked as one group of their own\n";
    if (!selection.unknownIds.empty())
        std::cerr << "note: " << selection.unknownIds.size()
                  << " decision(s) name ids that are not in the dataset (was it edited?)\n";
    return Ok;
}

const CommandRegistration reg({"export", "write the kept subset (by score and decisions) with a manifest", kUsage, run,
                               {"--copy-images", "--json"},
                               {"--out", "--project", "--run", "--method", "--top", "--top-percent", "--min-utility",
                                "--ids", "--format", "--image-root", "--per-group"}});

} // namespace
} // namespace ostc
