// `ostc check DATASET`: the second signals beside the OST score: duplicate groups, image checks and
// lengths against a training cutoff, printed and kept in the project store as "check:" tags.
#include "Command.h"
#include "TerminalProgress.h"

#include "core/check/CheckResults.h"
#include "core/check/DatasetCheck.h"
#include "core/data/Dataset.h"
#include "core/store/ProjectStore.h"
#include "core/text/Tokenizer.h"
#include "core/vision/ImageProcessorConfig.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <unistd.h>

namespace ostc {
namespace {

const char *kUsage = R"(usage: ostc check DATASET [options]

Cheap checks a curator looks at beside the OST score, on all cores, nothing modified in DATASET:
  duplicates  exact: the same turns (whitespace collapsed, ASCII case folded) and the same decoded
              pixels; near: answers whose 5-word shingles overlap (Jaccard) at least the threshold
              (MinHash, 128 permutations, LSH 32 bands x 4 rows, confirmed exactly); images with
              equal pixels under other paths, or a 64-bit pHash within a few bits
  images      blurry (variance of the Laplacian), dark / light (mean brightness), low information
              (grey-histogram entropy), odd aspect ratio, tiny / huge; each with its value
  length      tokens of the templated sample, image tokens included (Qwen2-VL smart resize), over
              cutoff_len, and whether the cut falls inside the image tokens: the trainer's "image
              features and image tokens do not match" (LLaMA-Factory, ms-swift)
Each group's first member (in file order) is the one to keep when collapsing it. Results go to the
project store as tags check:exact-duplicate, check:near-duplicate, check:duplicate-image,
check:blurry ... check:huge, check:over-cutoff, check:cuts-image-tokens, check:unreadable (earlier
check: tags are replaced, the curator's own kept) and the whole report as blob "check:report".

options:
  --json                  one JSON object (groups with member ids, counts, worst examples, timings)
  --project P             project store (default DATASET.ostproj)
  --no-store              write nothing, only print
  --image-root DIR        also look for relative image paths under DIR
  --near-threshold X      Jaccard similarity for near-duplicate answers (default 0.8)
  --image-distance N      pHash bits for near-duplicate images (default 4 of 64)
  --image-correlation X   and the least correlation of their 32x32 thumbnails (default 0.9)
  --cutoff-len N          training cutoff_len / max_length in tokens (default 2048; 0: no length check)
  --tokenizer FILE        tokenizer.json of the model to train (default: the built-in byte tokenizer)
  --proxy DIR             a Hugging Face model folder: its tokenizer.json and preprocessor_config.json
  --image-processor FILE  a preprocessor_config.json (default: Qwen2-VL's, max_pixels 1003520)
  --max-pixels N          the training's max_pixels when it caps the processor's (MAX_PIXELS)
  --blur X                blurry below this Laplacian variance (default 50)
  --dark X                dark below this mean brightness, 0..255 (default 40)
  --light X               light above this mean brightness (default 253)
  --entropy X             low information below this entropy in bits (default 0.1)
  --aspect X              odd aspect at this ratio of sides or more (default 10)
  --tiny N                tiny below N pixels (default 1024)
  --huge N                huge above N pixels (default 16777216)
  --examples N            worst examples printed per check and groups per kind (default 5)
  --quiet                 no progress

exit status: 0 checked, 3 not a dataset or some samples/images could not be read (the rest is still
reported and stored), 1 other failures, 2 usage.
)";


int run(Args &args)
{
    if (args.positional().size() != 1)
        return fail("check", "give exactly one dataset file (see ostc check --help)", Usage);
    const std::string path = args.positional().front();
    const bool asJson = args.has("--json");
    ost::CheckOptions o;
    const auto nearThreshold = args.number("--near-threshold");
    const auto imageDistance = args.integer("--image-distance");
    const auto imageCorrelation = args.number("--image-correlation");
    const auto cutoff = args.integer("--cutoff-len");
    const auto maxPixels = args.integer("--max-pixels");
    const auto blur = args.number("--blur"), dark = args.number("--dark"), light = args.number("--light");
    const auto entropy = args.number("--entropy"), aspect = args.number("--aspect");
    const auto tiny = args.integer("--tiny"), huge = args.integer("--huge");
    const auto examples = args.integer("--examples");
    if (!args.error().empty())
        return fail("check", args.error(), Usage);
    if (nearThreshold && !(*nearThreshold > 0 && *nearThreshold <= 1))
        return fail("check", "--near-threshold must be in (0, 1]", Usage);
    if (imageDistance && (*imageDistance < 0 || *imageDistance > 64))
        return fail("check", "--image-distance must be 0..64", Usage);
    if (imageCorrelation && !(*imageCorrelation >= -1 && *imageCorrelation <= 1))
        return fail("check", "--image-correlation must be in [-1, 1]", Usage);
    if ((cutoff && *cutoff < 0) || (maxPixels && *maxPixels < 1) || (tiny && *tiny < 0) || (huge && *huge < 1) ||
        (examples && *examples < 0) || (aspect && *aspect < 1))
        return fail("check", "--cutoff-len, --tiny and --examples must be >= 0, --max-pixels and --huge >= 1, --aspect >= 1",
                    Usage);
    if (args.has("--no-store") && args.has("--project"))
        return fail("check", "--no-store and --project contradict each other", Usage);
    o.nearTextThreshold = nearThreshold.value_or(o.nearTextThreshold);
    o.nearImageDistance = static_cast<int>(imageDistance.value_or(o.nearImageDistance));
    o.nearImageCorrelation = imageCorrelation.value_or(o.nearImageCorrelation);
    o.cutoffLen = cutoff.value_or(o.cutoffLen);
    o.maxPixelsCap = maxPixels.value_or(0);
    o.image.minBlur = blur.value_or(o.image.minBlur);
    o.image.maxDarkBrightness = dark.value_or(o.image.maxDarkBrightness);
    o.image.minLightBrightness = light.value_or(o.image.minLightBrightness);
    o.image.minEntropy = entropy.value_or(o.image.minEntropy);
    o.image.maxAspect = aspect.value_or(o.image.maxAspect);
    o.image.minPixels = tiny.value_or(o.image.minPixels);
    o.image.maxPixels = huge.value_or(o.image.maxPixels);
    const int shown = static_cast<int>(examples.value_or(5));

    // The proxy's tokenizer and image processor; explicit files win over the folder's.
    std::string tokenizerPath = args.value("--tokenizer", "");
    std::string processorPath = args.value("--image-processor", "");
    if (const auto proxy = args.value("--proxy")) {
        namespace fs = std::filesystem;
        if (!fs::is_directory(*proxy))
            return fail("check", "--proxy " + *proxy + " is not a folder", BadInput);
        if (tokenizerPath.empty()) {
            tokenizerPath = (fs::path(*proxy) / "tokenizer.json").string();
            if (!fs::exists(tokenizerPath))
                return fail("check", "no tokenizer.json in " + *proxy, BadInput);
        }
        if (processorPath.empty() && fs::exists(fs::path(*proxy) / "preprocessor_config.json"))
            processorPath = (fs::path(*proxy) / "preprocessor_config.json").string();
    }
    std::unique_ptr<ost::Tokenizer> tokenizer;
    std::string tokenizerName = "built-in bytes";
    if (!tokenizerPath.empty()) {
        auto loaded = ost::loadTokenizerJson(tokenizerPath);
        if (!loaded)
            return fail("check", loaded.error().message, BadInput);
        tokenizer = loaded.takeValue();
        o.tokenizer = tokenizer.get();
        tokenizerName = tokenizerPath;
    }
    if (!processorPath.empty()) {
        auto pre = ost::loadImageProcessorConfig(processorPath);
        if (!pre)
            return fail("check", pre.error().message, BadInput);
        o.imageProcessor = pre.value();
    }

    if (::access(path.c_str(), R_OK) != 0)
        return fail("check", "cannot read " + path, Failure);
    const auto start = std::chrono::steady_clock::now();
    ost::DatasetOptions dsOptions;
    dsOptions.imageRoot = args.value("--image-root", "");
    auto opened = ost::Dataset::open(path, dsOptions);
    if (!opened)
        return fail("check", opened.error().message, BadInput);
    const ost::Dataset &ds = *opened.value();

    const bool bar = !args.has("--quiet") && ::isatty(STDERR_FILENO);
    const ost::ProgressCallback progress = bar ? terminalProgress() : ost::ProgressCallback();
    auto checked = ost::checkDataset(ds, o, progress);
    if (bar)
        std::cerr << "\r" << std::string(72, ' ') << "\r" << std::flush;
    if (!checked)
        return fail("check", checked.error().message, BadInput);
    ost::CheckReport &r = checked.value();
    r.tokenizerName = tokenizerName;
    for (const auto &issue : ds.indexIssues())
        if (issue.severity == ost::ValidationIssue::Severity::Error && issue.index < 0)
            r.problems.push_back({-1, issue.sampleId, "line " + std::to_string(issue.line) + ": " + issue.message});

    std::string storedIn;
    if (!args.has("--no-store")) {
        const std::string storePath = args.value("--project", ost::ProjectStore::defaultPathFor(path));
        auto store = ost::ProjectStore::open(storePath);
        if (!store)
            return fail("check", store.error().message);
        if (ost::Status s = ost::saveCheckResults(*store.value(), r); !s.ok())
            return fail("check", s.error().message);
        if (ost::Status h = store.value()->health(); !h.ok())
            return fail("check", h.error().message);
        storedIn = storePath;
    }
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    if (asJson) {
        auto j = nlohmann::ordered_json::parse(ost::checkReportJson(r, false, shown));
        j["store"] = storedIn;
        std::cout << j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
    } else {
        const auto j = nlohmann::ordered_json::parse(ost::checkReportJson(r, false, shown));
        std::printf("dataset     %s\nsamples     %lld, %zu distinct images\n", path.c_str(), static_cast<long long>(r.samples),
                    r.images.size());
        std::printf("\nduplicates                groups  redundant\n");
        const char *label[] = {"exact samples", "near answers", "exact images", "near images"};
        const ost::DuplicateKind kinds[] = {ost::DuplicateKind::ExactSample, ost::DuplicateKind::NearAnswer,
                                            ost::DuplicateKind::ExactImage, ost::DuplicateKind::NearImage};
        for (int k = 0; k < 4; ++k)
            std::printf("  %-22s %7lld  %9lld\n", label[k], static_cast<long long>(r.groupCount(kinds[k])),
                        static_cast<long long>(r.redundantCount(kinds[k])));
        std::printf("  (near answers: Jaccard >= %g of %d-word shingles; near images: pHash within %d bits\n"
                    "   and thumbnails correlated >= %g; redundant: members beyond each group's first, what\n"
                    "   collapsing removes)\n",
                    o.nearTextThreshold, o.shingleWords, o.nearImageDistance, o.nearImageCorrelation);
        for (int k = 0; k < 4; ++k) {
            int printed = 0;
            for (const auto &g : j["groups"]) {
                if (g["kind"] != ost::duplicateKindName(kinds[k]) || printed >= shown)
                    continue;
                if (printed++ == 0)
                    std::printf("  %s, first %d:\n", label[k], shown);
                std::string members;
                for (size_t m = 0; m < g["members"].size(); ++m) {
                    if (m == 4) {
                        members += " ... (" + std::to_string(g["members"].size()) + ")";
                        break;
                    }
                    members += (m ? "  " : "") + g["members"][m].get<std::string>();
                }
                std::string extra;
                if (g.contains("jaccard_min"))
                    extra = "  J " + std::to_string(g["jaccard_min"].get<double>()).substr(0, 5);
                if (g.contains("distance_max"))
                    extra = "  <= " + std::to_string(static_cast<int>(g["distance_max"].get<double>())) + " bits";
                std::printf("    %s%s\n", members.c_str(), extra.c_str());
            }
        }
        std::printf("\nimage checks              images  samples  rule\n");
        for (const auto &[name, c] : j["image_checks"].items()) {
            std::printf("  %-22s %7lld  %7lld  %s\n", name.c_str(), c["images"].get<long long>(),
                        c["samples"].get<long long>(), c["rule"].get<std::string>().c_str());
            for (const auto &w : c["worst"])
                std::printf("      %-10.4g %s\n", w["value"].get<double>(), w["path"].get<std::string>().c_str());
        }
        const auto &L = j["length"];
        if (o.cutoffLen > 0) {
            std::printf("\nlength      %s tokenizer, max_pixels %lld: median %lld, p99 %lld, max %lld tokens\n",
                        tokenizerName.c_str(), j["settings"]["max_pixels"].get<long long>(),
                        L.value("tokens_median", 0LL), L.value("tokens_p99", 0LL), L.value("tokens_max", 0LL));
            std::printf("            %lld over cutoff_len %lld, %lld of them cut inside their image tokens\n",
                        L["over_cutoff"].get<long long>(), static_cast<long long>(o.cutoffLen),
                        L["cuts_image_tokens"].get<long long>());
            for (const auto &s : L["samples"])
                std::printf("      %-7lld %s%s\n", s["tokens"].get<long long>(), s["id"].get<std::string>().c_str(),
                            s["cuts_image_tokens"].get<bool>() ? "  (cuts image tokens)" : "");
        }
        if (!r.problems.empty()) {
            std::printf("\nproblems    %zu (these take no part in the checks above)\n", r.problems.size());
            for (size_t k = 0; k < r.problems.size() && k < 20; ++k)
                std::printf("  %s  %s\n", r.problems[k].id.empty() ? "-" : r.problems[k].id.c_str(),
                            r.problems[k].message.c_str());
            if (r.problems.size() > 20)
                std::printf("  ... %zu more (--json lists all)\n", r.problems.size() - 20);
        }
        std::printf("\ntime        %.2f s (read %.2f, images %.2f, length %.2f, groups %.2f)\n", r.seconds, r.readSeconds,
                    r.imageSeconds, r.lengthSeconds, r.groupSeconds);
        if (!storedIn.empty())
            std::printf("stored      %s (tags check:*, blob check:report)\n", storedIn.c_str());
    }
    return r.problems.empty() ? Ok : BadInput;
}

const CommandRegistration reg({"check", "duplicates, image checks and lengths over a cutoff (tags in the project)",
                               kUsage, run, {"--json", "--no-store"},
                               {"--project", "--image-root", "--near-threshold", "--image-distance", "--image-correlation", "--cutoff-len",
                                "--tokenizer", "--proxy", "--image-processor", "--max-pixels", "--blur", "--dark",
                                "--light", "--entropy", "--aspect", "--tiny", "--huge", "--examples"}});

} // namespace
} // namespace ostc
