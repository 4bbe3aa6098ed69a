// `ostc bench mathv`: OST against the baselines on the real MATH-V chain-of-thought pool
// (/work/shared/data/mathv), following the protocol in that folder's README.
#include "Command.h"

#include "core/common/Progress.h"
#include "core/data/Dataset.h"
#include "core/jobs/ScoringJob.h"
#include "core/ost/Metrics.h"
#include "core/store/ProjectStore.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace ostc {
namespace {

const char *kUsage = R"(usage: ostc bench mathv [options]

Scores a random subset of the MATH-V pool with reference.jsonl as V (OST exact, OST fast and the
baselines loss, ifd, length, random) and reports, per method, the ROC-AUC of the score for correct
vs. incorrect answers (whole subset, and model answers only: ids not starting with "gold/"), the
share of correct samples among the top 20% and 50%, and samples/s. labels.csv is read here only,
for evaluation; scoring never sees it. Higher score = keep for ost, ost-fast, length, random;
lower = keep for loss and ifd (their sign is flipped before the AUROC).

options:
  --data DIR          the mathv folder (default $OST_SHARED_DIR/data/mathv, else ../shared/data/mathv)
  --limit N           pool samples to score, drawn at random with the seed (default 200; 0 = all 15,360)
  --reference-max N   reference samples used as V (default 16 of the 100; 0 = all)
  --max-tokens N      per-sample token limit (default 512; longer answers are cut at the end)
  --proxy P           proxy (default builtin-tiny)
  --device D          cpu (default) or cuda:N
  --batch N           batch size (default 8)
  --lr X              OST step size (default 1e-3)
  --step R            step rule of the exact run: sgd (default) or adam; the fast run is always sgd
                      (its first-order form exists for the SGD step only)
  --warmup F          warm-up share of the subset (default 0.05)
  --warmup-epochs N   passes over the warm-up share (default 1)
  --warmup-lr X       warm-up learning rate (default 1e-3)
  --seed S            subset, warm-up and random-baseline seed (default 0)
  --json              one JSON object instead of the table
Defaults are sized for a 2-core CPU (a few minutes); the whole pool on a GPU: --limit 0 --reference-max 0.
)";

std::string defaultDataDir()
{
    if (const char *env = std::getenv("OST_SHARED_DIR"))
        return std::string(env) + "/data/mathv";
    return "../shared/data/mathv";
}

ost::Result<std::map<std::string, bool>> readCorrectLabels(const std::string &path)
{
    std::ifstream in(path);
    if (!in)
        return ost::Error{path + ": cannot open"};
    std::string line;
    std::getline(in, line);
    if (line.rfind("id,correct", 0) != 0)
        return ost::Error{path + ": expected a header starting with id,correct"};
    std::map<std::string, bool> out;
    int64_t lineNo = 1;
    while (std::getline(in, line)) {
        ++lineNo;
        const auto a = line.find(',');
        if (a == std::string::npos)
            continue;
        const auto b = line.find(',', a + 1);
        const std::string v = line.substr(a + 1, b == std::string::npos ? std::string::npos : b - a - 1);
        if (v != "0" && v != "1")
            return ost::Error{path + ":" + std::to_string(lineNo) + ": correct must be 0 or 1, got '" + v + "'"};
        out[line.substr(0, a)] = v == "1";
    }
    return out;
}

struct MethodResult {
    double auroc = NAN, aurocModelOnly = NAN, top20 = NAN, top50 = NAN, samplesPerSecond = NAN;
    size_t n = 0;
};

int keepSign(const std::string &method) { return method == "loss" || method == "ifd" ? -1 : 1; }

MethodResult evaluate(const std::map<std::string, double> &scores, const std::map<std::string, bool> &labels,
                      const std::string &method)
{
    MethodResult r;
    std::vector<double> s, sModel;
    std::vector<bool> y, yModel;
    for (const auto &[id, v] : scores) {
        auto it = labels.find(id);
        if (it == labels.end() || std::isnan(v))
            continue;
        const double keep = keepSign(method) * v;
        s.push_back(keep);
        y.push_back(it->second);
        if (id.rfind("gold/", 0) != 0) {
            sModel.push_back(keep);
            yModel.push_back(it->second);
        }
    }
    r.n = s.size();
    r.auroc = ost::rocAuc(s, y);
    r.aurocModelOnly = ost::rocAuc(sModel, yModel);
    r.top20 = ost::precisionAtTop(s, y, 0.2);
    r.top50 = ost::precisionAtTop(s, y, 0.5);
    return r;
}

nlohmann::json num(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

int run(Args &args)
{
    const std::string dataDir = args.value("--data", defaultDataDir());
    const long long limit = args.integer("--limit").value_or(200);
    ost::RunSettings s;
    s.referenceMax = args.integer("--reference-max").value_or(16);
    s.maxTokens = args.integer("--max-tokens").value_or(512);
    s.proxy = args.value("--proxy", "builtin-tiny");
    s.device = args.value("--device", "cpu");
    s.batchSize = args.integer("--batch").value_or(8);
    s.learningRate = args.number("--lr").value_or(1e-3);
    s.stepRule = args.value("--step", s.stepRule);
    s.warmupFraction = args.number("--warmup").value_or(0.05);
    s.warmupEpochs = args.integer("--warmup-epochs").value_or(1);
    s.warmupLearningRate = args.number("--warmup-lr").value_or(1e-3);
    s.seed = static_cast<uint64_t>(args.integer("--seed").value_or(0));
    const bool json = args.has("--json");
    if (!args.error().empty())
        return fail("bench mathv", args.error(), Usage);

    const std::string poolPath = dataDir + "/pool.jsonl";
    s.referencePath = dataDir + "/reference.jsonl";
    if (!fs::exists(poolPath) || !fs::exists(s.referencePath) || !fs::exists(dataDir + "/labels.csv"))
        return fail("bench mathv",
                    "MATH-V data not found in " + dataDir + " (need pool.jsonl, reference.jsonl, labels.csv; --data DIR)",
                    BadInput);
    auto labels = readCorrectLabels(dataDir + "/labels.csv");
    if (!labels.ok())
        return fail("bench mathv", labels.error().message, BadInput);

    // The subset: a seeded random draw of whole lines, written beside a temporary store; images
    // still resolve against the data folder (imageRoot).
    std::vector<std::string> lines;
    {
        std::ifstream in(poolPath);
        std::string line;
        while (std::getline(in, line))
            if (!line.empty())
                lines.push_back(line);
    }
    if (limit > 0 && static_cast<size_t>(limit) < lines.size()) {
        std::mt19937_64 rng(s.seed ^ 0x6d617468ULL);
        std::shuffle(lines.begin(), lines.end(), rng);
        lines.resize(static_cast<size_t>(limit));
    }
    const fs::path work = fs::temp_directory_path() / ("ostc-bench-mathv-" + std::to_string(::getpid()));
    fs::create_directories(work);
    const std::string subsetPath = (work / "subset.jsonl").string();
    {
        std::ofstream out(subsetPath);
        for (const auto &l : lines)
            out << l << "\n";
    }
    ost::DatasetOptions dopt;
    dopt.imageRoot = fs::absolute(dataDir).string();
    auto dataset = ost::Dataset::open(subsetPath, dopt);
    if (!dataset.ok())
        return fail("bench mathv", dataset.error().message, BadInput);
    auto store = ost::ProjectStore::open((work / "bench.ostproj").string());
    if (!store.ok())
        return fail("bench mathv", store.error().message);

    const auto wallStart = std::chrono::steady_clock::now();
    auto progressTo = [&](const std::string &what) {
        return [what](const ost::Progress &p) {
            std::string line = what + " " + ost::formatProgress(p);
            line.resize(std::max<size_t>(line.size(), 78), ' ');
            std::cerr << "\r" << line << std::flush;
        };
    };
    std::map<std::string, std::map<std::string, double>> scores;
    std::map<std::string, double> rates;
    for (const auto mode : {ost::ScoringMode::Exact, ost::ScoringMode::Fast}) {
        ost::RunSettings rs = s;
        rs.mode = mode;
        if (mode == ost::ScoringMode::Fast) {
            rs.baselines = {};
            rs.stepRule = "sgd";
        }
        ost::ScoringJob job(*dataset.value(), *store.value(), rs);
        ost::CancelToken cancel;
        auto runId = job.run(progressTo(mode == ost::ScoringMode::Fast ? "ost-fast" : "ost+baselines"), cancel);
        std::cerr << "\n";
        if (!runId.ok())
            return fail("bench mathv", runId.error().message);
        for (const auto &m : store.value()->methods(runId.value()))
            if (m != "error")
                scores[m] = store.value()->scoreMap(runId.value(), m);
        if (auto t = store.value()->blob(ost::ScoringJob::timingsBlobKey(runId.value()))) {
            const auto j = nlohmann::json::parse(*t, nullptr, false);
            if (j.is_object() && j.contains("methods"))
                for (const auto &[m, sec] : j["methods"].items())
                    rates[m] = sec.get<double>() > 0 ? j.value("samples", 0) / sec.get<double>() : NAN;
        }
    }
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();

    std::vector<double> exact, fast;
    for (const auto &[id, v] : scores["ost"])
        if (auto it = scores["ost-fast"].find(id); it != scores["ost-fast"].end()) {
            exact.push_back(v);
            fast.push_back(it->second);
        }
    const double rho = ost::spearman(exact, fast);

    const std::vector<std::string> order = {"ost", "ost-fast", "loss", "ifd", "length", "random"};
    std::map<std::string, MethodResult> results;
    for (const auto &m : order) {
        results[m] = evaluate(scores[m], labels.value(), m);
        results[m].samplesPerSecond = rates.count(m) ? rates[m] : NAN;
    }
    size_t correct = 0, total = 0;
    for (const auto &[id, v] : scores["ost"])
        if (auto it = labels->find(id); it != labels->end()) {
            ++total;
            correct += it->second ? 1 : 0;
        }

    if (json) {
        nlohmann::json j;
        j["benchmark"] = "mathv";
        j["samples"] = total;
        j["correct_share"] = total ? double(correct) / total : 0.0;
        j["reference_samples"] = s.referenceMax;
        j["limit"] = limit;
        j["max_tokens"] = s.maxTokens;
        j["proxy"] = s.proxy;
        j["device"] = s.device;
        j["step"] = s.stepRule;
        j["lr"] = s.learningRate;
        j["wall_seconds"] = wall;
        j["spearman_fast_vs_exact"] = num(rho);
        for (const auto &m : order) {
            const auto &r = results[m];
            j["methods"][m] = {{"auroc", num(r.auroc)},
                               {"auroc_model_only", num(r.aurocModelOnly)},
                               {"precision_top20", num(r.top20)},
                               {"precision_top50", num(r.top50)},
                               {"samples_per_s", num(r.samplesPerSecond)}};
        }
        std::cout << j.dump(2) << "\n";
    } else {
        std::printf("MATH-V bench: %zu pool samples (random subset, seed %llu; %zu correct = %.1f%%), V = %lld "
                    "reference samples, proxy %s on %s, max %lld tokens; exact: %s step, eta %g\n",
                    total, static_cast<unsigned long long>(s.seed), correct, total ? 100.0 * correct / total : 0.0,
                    static_cast<long long>(s.referenceMax), s.proxy.c_str(), s.device.c_str(),
                    static_cast<long long>(s.maxTokens), s.stepRule.c_str(), s.learningRate);
        std::printf("%-10s %8s %12s %9s %9s %11s\n", "method", "AUROC", "AUROC-model", "top20%", "top50%", "samples/s");
        for (const auto &m : order) {
            const auto &r = results[m];
            std::printf("%-10s %8.3f %12.3f %9.3f %9.3f %11.2f\n", m.c_str(), r.auroc, r.aurocModelOnly, r.top20,
                        r.top50, r.samplesPerSecond);
        }
        std::printf("Spearman(ost-fast, ost) = %.3f; wall time %s (incl. warm-up and V)\n", rho,
                    ost::formatDuration(wall).c_str());
        std::printf("(AUROC: correct vs. incorrect, keep-direction; loss and ifd negated. Chance: AUROC 0.5, "
                    "top-k share %.3f)\n", total ? double(correct) / total : 0.0);
    }
    std::error_code ec;
    fs::remove_all(work, ec);
    return Ok;
}

const BenchRegistration reg({"mathv", "OST vs. baselines on the real MATH-V CoT pool (AUROC, top-k, samples/s)",
                             kUsage, run, {"--json"},
                             {"--data", "--limit", "--reference-max", "--max-tokens", "--proxy", "--device",
                              "--batch", "--lr", "--step", "--warmup", "--warmup-epochs", "--warmup-lr", "--seed"}});

} // namespace
} // namespace ostc
