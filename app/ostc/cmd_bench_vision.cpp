// `ostc bench vision`: images/s of the Qwen2-VL image processor (decode, Pillow-exact resize,
// normalise, patch rows) on the real MATH-V images (skipped with a message when ../shared is absent).
#include "Command.h"

#include "core/vision/ImageProcessor.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

namespace ostc {
namespace {

const char *kUsage = R"(usage: ostc bench vision [options]

Processes the first N images of a folder (sorted by name, numerically where names are numbers)
with the Qwen2-VL image processor, single-threaded: once decoding only, then the full pipeline at
the default max_pixels (28*28*1280) and at a capped max_pixels. Files are read once before timing
(warm page cache). Reports images/s, ms per image, mean tokens and patch rows per image.

options:
  --images DIR      image folder (default: $OST_SHARED_DIR or ../shared, data/mathv/images)
  --limit N         images to use (default 300; 0 = all)
  --max-pixels N    the capped run's max_pixels (default 200704 = 28*28*256)
  --json            print one JSON object
)";

std::string sharedDir()
{
    const char *env = std::getenv("OST_SHARED_DIR");
    return env && *env ? env : "../shared";
}

double secondsSince(std::chrono::steady_clock::time_point t)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// "10.jpg" after "9.jpg": numeric stems sort by value, the rest by name.
bool imageOrder(const std::filesystem::path &a, const std::filesystem::path &b)
{
    const std::string sa = a.stem().string(), sb = b.stem().string();
    const bool na = !sa.empty() && std::all_of(sa.begin(), sa.end(), ::isdigit);
    const bool nb = !sb.empty() && std::all_of(sb.begin(), sb.end(), ::isdigit);
    if (na && nb && sa.size() != sb.size())
        return sa.size() < sb.size();
    return a.filename() < b.filename();
}

struct PassResult {
    std::string name;
    int64_t maxPixels = 0;
    double seconds = 0;
    int64_t images = 0, failed = 0, tokens = 0, rows = 0;
    std::string firstError;
};

PassResult runPass(const std::string &name, const std::vector<std::string> &files, int64_t maxPixels, bool decodeOnly)
{
    PassResult r;
    r.name = name;
    r.maxPixels = maxPixels;
    ost::ImageProcessor processor;
    processor.setMaxPixelsCap(maxPixels);
    const auto t = std::chrono::steady_clock::now();
    for (const std::string &f : files) {
        std::string error;
        if (decodeOnly) {
            auto img = ost::decodeImageFile(f);
            if (!img)
                error = img.error().message;
        } else {
            auto out = processor.processFile(f);
            if (out) {
                r.tokens += out.value().tokenCount();
                r.rows += out.value().rows;
            } else {
                error = out.error().message;
            }
        }
        ++r.images;
        if (!error.empty() && r.failed++ == 0)
            r.firstError = error;
    }
    r.seconds = secondsSince(t);
    return r;
}

int run(Args &args)
{
    const long long limit = args.integer("--limit").value_or(300);
    const long long capped = args.integer("--max-pixels").value_or(28 * 28 * 256);
    if (!args.error().empty())
        return fail("bench vision", args.error(), Usage);
    if (limit < 0 || capped <= 0)
        return fail("bench vision", "--limit must be >= 0 and --max-pixels > 0", Usage);

    const std::string dir = args.value("--images", sharedDir() + "/data/mathv/images");
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
        std::cout << "bench vision: skipped, " << dir << " not found (set OST_SHARED_DIR or pass --images)\n";
        return Ok;
    }
    std::vector<std::filesystem::path> paths;
    for (const auto &entry : std::filesystem::directory_iterator(dir, ec))
        if (entry.is_regular_file())
            paths.push_back(entry.path());
    std::sort(paths.begin(), paths.end(), imageOrder);
    if (limit > 0 && static_cast<long long>(paths.size()) > limit)
        paths.resize(static_cast<size_t>(limit));
    if (paths.empty())
        return fail("bench vision", "no files in " + dir, BadInput);
    std::vector<std::string> files;
    for (const auto &p : paths)
        files.push_back(p.string());

    runPass("warm-up read", files, 0, true); // page cache, so the timed passes measure CPU work
    const std::vector<PassResult> passes = {
        runPass("decode only", files, 0, true),
        runPass("full, default max_pixels", files, 0, false),
        runPass("full, capped max_pixels", files, capped, false),
    };

    if (args.has("--json")) {
        nlohmann::ordered_json j;
        j["benchmark"] = "vision";
        j["images_dir"] = dir;
        j["images"] = files.size();
        for (const PassResult &p : passes) {
            nlohmann::ordered_json pj;
            pj["name"] = p.name;
            if (p.maxPixels > 0)
                pj["max_pixels"] = p.maxPixels;
            pj["seconds"] = p.seconds;
            pj["images_per_second"] = p.seconds > 0 ? p.images / p.seconds : 0;
            pj["ms_per_image"] = p.images ? p.seconds * 1000 / p.images : 0;
            pj["mean_tokens"] = p.images ? static_cast<double>(p.tokens) / p.images : 0;
            pj["mean_patch_rows"] = p.images ? static_cast<double>(p.rows) / p.images : 0;
            pj["failed"] = p.failed;
            if (p.failed)
                pj["first_error"] = p.firstError;
            j["passes"].push_back(pj);
        }
        std::cout << j.dump(2) << "\n";
    } else {
        std::printf("bench vision: %zu images from %s (single thread, warm cache)\n", files.size(), dir.c_str());
        for (const PassResult &p : passes) {
            std::string label = p.name;
            if (p.maxPixels > 0)
                label += " (" + std::to_string(p.maxPixels) + ")";
            std::printf("  %-36s %7.1f images/s  %7.2f ms/image", label.c_str(),
                        p.seconds > 0 ? p.images / p.seconds : 0.0, p.images ? p.seconds * 1000 / p.images : 0.0);
            if (p.tokens)
                std::printf("  %6.0f tokens/image  %6.0f patch rows/image", static_cast<double>(p.tokens) / p.images,
                            static_cast<double>(p.rows) / p.images);
            std::printf("\n");
            if (p.failed)
                std::printf("    %lld failed, first: %s\n", static_cast<long long>(p.failed), p.firstError.c_str());
        }
    }
    for (const PassResult &p : passes)
        if (p.failed)
            return Failure;
    return Ok;
}

const BenchRegistration reg({"vision", "Qwen2-VL image processor images/s on the MATH-V images (default and capped)",
                             kUsage, run, {"--json"}, {"--images", "--limit", "--max-pixels"}});

} // namespace
} // namespace ostc
