// `ostc bench store`: project store throughput (score batches as the scorer writes them, reads, decisions).
#include "Command.h"

#include "core/store/ProjectStore.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <unistd.h>

namespace ostc {
namespace {

const char *kUsage = R"(usage: ostc bench store [options]

Writes ROWS scores in transactions of BATCH rows into a fresh project file (as the scoring job does),
then reads them back and writes bulk decisions; prints rows per second for each.

options:
  --rows N      scores to write (default 100000)
  --batch N     rows per transaction (default 64)
  --dir D       folder for the temporary project (default: the system temp folder)
  --keep        keep the project file afterwards
)";

double secondsSince(std::chrono::steady_clock::time_point t)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

int run(Args &args)
{
    const long long rows = args.integer("--rows").value_or(100000);
    const long long batch = args.integer("--batch").value_or(64);
    if (!args.error().empty())
        return fail("bench store", args.error(), Usage);
    if (rows < 1 || batch < 1)
        return fail("bench store", "--rows and --batch must be positive", Usage);
    namespace fs = std::filesystem;
    const fs::path dir = args.value("--dir", fs::temp_directory_path().string());
    const std::string path = (dir / ("ostc-bench-store-" + std::to_string(::getpid()) + ".ostproj")).string();

    auto opened = ost::ProjectStore::open(path);
    if (!opened.ok())
        return fail("bench store", opened.error().message, BadInput);
    ost::ProjectStore &store = **opened;
    const int64_t runId = store.createRun({}).value();

    auto t = std::chrono::steady_clock::now();
    std::vector<ost::ScoreRow> chunk;
    for (long long i = 0; i < rows; i += batch) {
        chunk.clear();
        for (long long j = i; j < std::min(rows, i + batch); ++j)
            chunk.push_back({"bench/" + std::to_string(j), "0123456789abcdef0123456789abcdef01234567", "ost",
                             static_cast<double>(j) * 1e-6});
        if (auto s = store.addScores(runId, chunk); !s.ok())
            return fail("bench store", s.error().message);
    }
    const double writeS = secondsSince(t);

    t = std::chrono::steady_clock::now();
    const auto map = store.scoreMap(runId, "ost");
    const double readS = secondsSince(t);

    std::vector<std::string> ids;
    for (long long j = 0; j < std::min<long long>(rows, 10000); ++j)
        ids.push_back("bench/" + std::to_string(j));
    t = std::chrono::steady_clock::now();
    auto batchId = store.setDecisions(ids, ost::Decision::Drop, "bench", "bulk drop");
    const double decideS = secondsSince(t);
    t = std::chrono::steady_clock::now();
    const auto current = store.decisions();
    const double decisionsReadS = secondsSince(t);
    if (!batchId.ok() || static_cast<long long>(map.size()) != rows || current.size() != ids.size())
        return fail("bench store", "store returned the wrong number of rows");

    opened = ost::Error{"closed"}; // closes the store (checkpoints the WAL into the file)
    std::error_code ec;
    const auto bytes = fs::file_size(path, ec);
    std::printf("store bench: %lld scores in batches of %lld -> %s\n", rows, batch, path.c_str());
    std::printf("  write scores     %9.3f s  %12.0f rows/s  (%.0f batches/s)\n", writeS, rows / writeS,
                (rows + batch - 1) / batch / writeS);
    std::printf("  read scoreMap    %9.3f s  %12.0f rows/s\n", readS, rows / readS);
    std::printf("  bulk decision    %9.3f s  %12.0f rows/s  (%zu samples, one batch, fsync'd)\n", decideS,
                ids.size() / decideS, ids.size());
    std::printf("  read decisions   %9.3f s  %12.0f rows/s\n", decisionsReadS, ids.size() / decisionsReadS);
    std::printf("  file size        %9.1f MB\n", static_cast<double>(bytes) / 1e6);
    if (!args.has("--keep")) {
        for (const char *suffix : {"", "-wal", "-shm"})
            fs::remove(path + suffix, ec);
    }
    return Ok;
}

const BenchRegistration reg({"store", "project store throughput: score batches, reads, bulk decisions", kUsage, run,
                             {"--keep"}, {"--rows", "--batch", "--dir"}});

} // namespace
} // namespace ostc
