// `ostc bench index`: how fast a big dataset opens (index build) and how much memory it takes.
#include "Command.h"

#include "core/data/Dataset.h"
#include "core/data/Hash.h"
#include "core/data/SyntheticData.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <unistd.h>
#include <vector>

// xxHash is only measured here (header-only, no library), to compare with the project's own hashes.
#if __has_include(<xxhash.h>)
#define XXH_INLINE_ALL
#include <xxhash.h>
#define OST_BENCH_HAVE_XXHASH 1
#endif

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
  --hashes      also time the per-record hashes over every record of the file, read into memory
                first: the content hash (SHA-1, what scores remember), SHA-256, the index's
                recordHash64, and xxHash's XXH3 64/128 when its header was found at build time;
                plus sample() over every record (read, check, hash, parse) for scale
  --json        print one JSON object
)";

// One hash over every record, repeated until 0.3 s have passed: ms per pass over all records.
struct HashTiming {
    std::string name;
    double msPerPass = 0;
    double mbPerSecond = 0;
    int passes = 0;
};

template <class F>
HashTiming timeHash(const std::string &name, const std::vector<std::string> &records, double mb, F &&hash)
{
    HashTiming t{name};
    uint64_t sink = 0; // keeps the results alive so the loop is not optimised away
    const auto start = std::chrono::steady_clock::now();
    double seconds = 0;
    do {
        for (const std::string &r : records)
            sink += hash(r);
        ++t.passes;
        seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    } while (seconds < 0.3);
    t.msPerPass = seconds * 1000 / t.passes;
    t.mbPerSecond = seconds > 0 ? mb * t.passes / seconds : 0;
    if (sink == 42)
        std::fprintf(stderr, " ");
    return t;
}

std::vector<HashTiming> timeRecordHashes(const ost::Dataset &ds)
{
    std::vector<std::string> records;
    records.reserve(static_cast<size_t>(ds.size()));
    double bytes = 0;
    for (int64_t i = 0; i < ds.size(); ++i) {
        records.push_back(ds.rawRecord(i));
        bytes += static_cast<double>(records.back().size());
    }
    const double mb = bytes / (1 << 20);
    std::vector<HashTiming> out;
    out.push_back(timeHash("sha1 (content hash)", records, mb, [](const std::string &r) { return ost::sha1Hex(r)[0]; }));
    out.push_back(timeHash("sha256", records, mb, [](const std::string &r) { return ost::sha256Hex(r)[0]; }));
    out.push_back(timeHash("recordHash64 (index)", records, mb, [](const std::string &r) { return ost::recordHash64(r); }));
#ifdef OST_BENCH_HAVE_XXHASH
    out.push_back(timeHash("xxh3-64", records, mb, [](const std::string &r) { return XXH3_64bits(r.data(), r.size()); }));
    out.push_back(timeHash("xxh3-128", records, mb, [](const std::string &r) {
        return XXH3_128bits(r.data(), r.size()).low64;
    }));
#endif
    int64_t i = 0;
    out.push_back(timeHash("sample() (read+parse)", std::vector<std::string>(records.size()), mb, [&](const std::string &) {
        auto s = ds.sample(i++ % ds.size());
        return s.ok() ? s.value().rawJson.size() : 0;
    }));
    return out;
}

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

    std::vector<HashTiming> hashes;
    if (args.has("--hashes"))
        hashes = timeRecordHashes(ds);

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
        for (const HashTiming &h : hashes)
            j["hashes"].push_back({{"name", h.name}, {"ms_per_pass", h.msPerPass}, {"mb_per_second", h.mbPerSecond},
                                   {"passes", h.passes}});
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
        if (!hashes.empty())
            std::printf("  every record (%lld), in memory:\n", static_cast<long long>(ds.size()));
        for (const HashTiming &h : hashes)
            std::printf("    %-24s %8.2f ms per pass  %8.0f MB/s  (%d passes)\n", h.name.c_str(), h.msPerPass,
                        h.mbPerSecond, h.passes);
    }
    if (!tempDir.empty())
        std::filesystem::remove_all(tempDir, ec);
    return lookupOk ? Ok : Failure;
}

const BenchRegistration reg({"index", "open (index) a generated 1M-sample JSONL: time and memory", kUsage, run,
                             {"--json", "--hashes"}, {"--samples", "--keep", "--file"}});

} // namespace
} // namespace ostc
