// `ostc bench index`: how fast a big dataset opens (index build) and how much memory it takes.
#include "Command.h"

#include "core/data/Dataset.h"
#include "core/data/SyntheticData.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <unistd.h>

namespace ostc {
namespace {

const char *kUsage = R"(usage: ostc bench index [options]

Generates a messages+images JSONL of N synthetic samples (streamed, little memory), then times
Dataset::open on it: the byte-offset index with ids, syntax check of every record, duplicate-id
check. Reports seconds, samples/s, MB/s and resident memory (VmHWM, reset just before the open,
so generation does not count; plus the RSS growth that the open index keeps). The file is read
from the page cache right after being written (a warm-cache figure).
Goal: 1,000,000 samples in under 5 s and under 400 MB resident.

options:
  --samples N   synthetic samples to generate (default 1000000)
  --keep FILE   write the generated file to FILE and keep it
  --file FILE   index this existing file instead of generating one
  --json        print one JSON object
)";

// kB figures from /proc/self/status ("VmHWM:  123 kB").
long statusKb(const char *field)
{
    std::ifstream in("/proc/self/status");
    std::string line;
    const std::string key = std::string(field) + ":";
    while (std::getline(in, line))
        if (line.rfind(key, 0) == 0)
            return std::strtol(line.c_str() + key.size(), nullptr, 10);
    return -1;
}

// Writing 5 to clear_refs resets VmHWM to the current RSS (Linux >= 4.0).
bool resetPeakRss()
{
    std::ofstream out("/proc/self/clear_refs");
    out << "5";
    out.flush();
    return static_cast<bool>(out);
}

double secondsSince(std::chrono::steady_clock::time_point t)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

int run(Args &args)
{
    const long long samples = args.integer("--samples").value_or(1000000);
    if (!args.error().empty())
        return fail("bench index", args.error(), Usage);
    if (samples <= 0)
        return fail("bench index", "--samples must be positive", Usage);

    std::string path = args.value("--file", "");
    std::string tempDir;
    double generateSeconds = 0;
    if (path.empty()) {
        if (args.has("--keep")) {
            path = args.value("--keep", "");
        } else {
            std::string pattern = (std::filesystem::temp_directory_path() / "ostc-bench-index-XXXXXX").string();
            if (!::mkdtemp(pattern.data()))
                return fail("bench index", "cannot create a temporary folder", Failure);
            tempDir = pattern;
            path = tempDir + "/synthetic.jsonl";
        }
        const auto t = std::chrono::steady_clock::now();
        auto written = ost::writeSyntheticJsonl(path, samples);
        if (!written.ok())
            return fail("bench index", written.error().message, Failure);
        generateSeconds = secondsSince(t);
    }
    std::error_code ec;
    const double fileMb = static_cast<double>(std::filesystem::file_size(path, ec)) / (1 << 20);

    const long rssBefore = statusKb("VmRSS");
    const bool peakReset = resetPeakRss();
    const auto t0 = std::chrono::steady_clock::now();
    auto opened = ost::Dataset::open(path);
    const double seconds = secondsSince(t0);
    const long peak = statusKb("VmHWM");
    const long rssAfter = statusKb("VmRSS");
    if (!opened.ok()) {
        if (!tempDir.empty())
            std::filesystem::remove_all(tempDir, ec);
        return fail("bench index", opened.error().message, BadInput);
    }
    const ost::Dataset &ds = *opened.value();
    // A lookup and a random-access read, to show the index is usable as built.
    const auto t1 = std::chrono::steady_clock::now();
    const int64_t mid = ds.size() / 2;
    const bool lookupOk = ds.indexOf(ds.id(mid)) == mid && ds.sample(mid).ok();
    const double lookupMs = secondsSince(t1) * 1000;

    const double rate = seconds > 0 ? static_cast<double>(ds.size()) / seconds : 0;
    const double peakMb = peak / 1024.0, growthMb = (rssAfter - rssBefore) / 1024.0;
    if (args.has("--json")) {
        nlohmann::ordered_json j;
        j["benchmark"] = "index";
        j["file"] = path;
        j["file_mb"] = fileMb;
        j["samples"] = ds.size();
        j["index_issues"] = ds.indexIssues().size();
        j["generate_seconds"] = generateSeconds;
        j["open_seconds"] = seconds;
        j["samples_per_second"] = rate;
        j["mb_per_second"] = seconds > 0 ? fileMb / seconds : 0;
        j["peak_rss_mb"] = peakMb;
        j["peak_rss_reset_before_open"] = peakReset;
        j["rss_growth_mb"] = growthMb;
        j["rss_before_open_mb"] = rssBefore / 1024.0;
        j["lookup_and_read_ms"] = lookupMs;
        j["lookup_ok"] = lookupOk;
        std::cout << j.dump(2) << "\n";
    } else {
        std::printf("bench index: %s\n", path.c_str());
        std::printf("  %-22s %lld (%.1f MB, %zu index issues)\n", "samples", static_cast<long long>(ds.size()), fileMb,
                    ds.indexIssues().size());
        if (generateSeconds > 0)
            std::printf("  %-22s %.2f s\n", "generate", generateSeconds);
        std::printf("  %-22s %.2f s  (goal < 5 s for 1M)\n", "open (index)", seconds);
        std::printf("  %-22s %.0f samples/s, %.0f MB/s\n", "throughput", rate, seconds > 0 ? fileMb / seconds : 0);
        std::printf("  %-22s %.1f MB%s  (goal < 400 MB for 1M)\n", "peak RSS (VmHWM)", peakMb,
                    peakReset ? "" : " (could not reset: includes generation)");
        std::printf("  %-22s %.1f MB (RSS before the open %.1f MB: program and libraries)\n", "RSS kept by the index",
                    growthMb, rssBefore / 1024.0);
        std::printf("  %-22s %.2f ms %s\n", "lookup + sample()", lookupMs, lookupOk ? "ok" : "FAILED");
    }
    if (!tempDir.empty())
        std::filesystem::remove_all(tempDir, ec);
    return lookupOk ? Ok : Failure;
}

const BenchRegistration reg({"index", "open (index) a generated 1M-sample JSONL: time and memory", kUsage, run,
                             {"--json"}, {"--samples", "--keep", "--file"}});

} // namespace
} // namespace ostc
