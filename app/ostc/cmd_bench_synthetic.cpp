// `ostc bench synthetic`: the method's claim in miniature on the generated counting set with known
// toxic samples: does OST find them, and does training on OST's top samples beat the alternatives?
#include "Command.h"
#include "TerminalProgress.h"

#include "core/common/Progress.h"
#include "core/data/Dataset.h"
#include "core/data/ExportPolicy.h"
#include "core/demo/SyntheticMathSet.h"
#include "core/jobs/ScoringJob.h"
#include "core/ost/Metrics.h"
#include "core/ost/TargetTraining.h"
#include "core/store/ProjectStore.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <random>
#include <unistd.h>

namespace fs = std::filesystem;

namespace ostc {
namespace {

const char *kUsage = R"(usage: ostc bench synthetic [options]

1. Generates the synthetic counting set (core/demo) with wrong-answer and wrong-image samples at a
   known rate, scores the pool with OST (exact, builtin-tiny, V = the set's clean reference split)
   and reports the ROC-AUC of the utility for clean (keep) vs. each toxic kind.
2. Trains a fresh builtin-tiny target model (another seed) on: the full pool, OST's top 20% and top
   50%, a random 20%, the 20% with the lowest loss, and OST's and the loss's top 20% taken within
   each writer (the record's "source": each simulated model phrases its answers its own way, as
   `ostc export --per-group source` selects); every subset gets the SAME number of optimiser steps
   (small subsets repeat epochs) and a learning rate decaying to 0 (cosine). Reports held-out
   accuracy: the model's answer is the candidate (the reference answer with its number replaced by
   1..9) with the lowest loss.

options:
  --count N      pool size (default 96)
  --heldout N    held-out questions for accuracy (default 30)
  --reference N  clean reference samples as V (default 8)
  --steps N      optimiser steps per target training (default 60, batch 8)
  --lr X         OST step size (default 1e-3)
  --step R       OST step rule: sgd (default) or adam (first AdamW step, sign-like)
  --proxy P      scoring proxy: builtin-tiny (default, random weights) or a folder, e.g. one written by
                 `ostc demo-proxy` (pretrained to count, as a real proxy comes pretrained)
  --target P     model each subset fine-tunes, from the same start for every subset (default builtin-tiny)
  --target-lr X  fine-tuning learning rate (default 2e-3)
  --device D     cpu (default) or cuda:N, for scoring and the target trainings
  --warmup F     share of the pool the proxy trains on before scoring (default 0.05)
  --warmup-epochs N  passes over that share (default 1)
  --warmup-lr X  warm-up learning rate (default 1e-3)
  --seed S       set and scoring seed (default 1)
  --repeats R    train every subset R times in different orders (seeds) and report the mean and
                 spread of its accuracy (default 1): one training's accuracy moves by several points
                 with the order of its samples alone
  --keep DIR     keep the generated set and its scoring project in DIR (default: a temporary folder,
                 removed at the end); a rerun with the same DIR and settings reuses that scoring
                 (or resumes it, if it was stopped)
  --json         one JSON object instead of the table
)";

struct Subset {
    std::string name;
    std::vector<std::string> ids;
};

double mean(const std::vector<double> &v)
{
    double sum = 0;
    for (double x : v)
        sum += x;
    return v.empty() ? NAN : sum / static_cast<double>(v.size());
}

// Sample standard deviation; 0 for fewer than two values.
double standardDeviation(const std::vector<double> &v)
{
    if (v.size() < 2)
        return 0;
    const double m = mean(v);
    double sum = 0;
    for (double x : v)
        sum += (x - m) * (x - m);
    return std::sqrt(sum / static_cast<double>(v.size() - 1));
}

// The best `percent` % by score (sign -1: lowest first), over the pool or within each group of
// `groups`: the same selection `ostc export --top-percent P [--per-group G]` makes.
std::vector<std::string> topBy(const ost::Dataset &pool, const std::map<std::string, double> &scores, double percent,
                               int sign, const std::optional<ost::SampleGroups> &groups = std::nullopt)
{
    std::map<std::string, double> signedScores;
    for (const auto &[id, s] : scores)
        signedScores[id] = sign * s;
    ost::ExportPolicy policy;
    policy.mode = ost::ExportPolicy::Mode::TopPercent;
    policy.topPercent = percent;
    policy.withinGroups = groups;
    std::vector<std::string> out;
    for (const int64_t i : ost::selectForExport(pool, policy, signedScores, {}).indices)
        out.push_back(pool.id(i));
    return out;
}

int run(Args &args)
{
    ost::SyntheticOptions so;
    so.count = args.integer("--count").value_or(96);
    so.heldoutCount = args.integer("--heldout").value_or(30);
    so.referenceCount = args.integer("--reference").value_or(8);
    so.seed = static_cast<uint64_t>(args.integer("--seed").value_or(1));
    const long long steps = args.integer("--steps").value_or(60);
    const double lr = args.number("--lr").value_or(1e-3);
    const bool json = args.has("--json");
    const ost::RunSettings defaults;
    const std::string stepRule = args.value("--step", defaults.stepRule);
    const double warmupFraction = args.number("--warmup").value_or(defaults.warmupFraction);
    const long long warmupEpochs = args.integer("--warmup-epochs").value_or(defaults.warmupEpochs);
    const double warmupLr = args.number("--warmup-lr").value_or(defaults.warmupLearningRate);
    const std::string proxy = args.value("--proxy", "builtin-tiny");
    const std::string target = args.value("--target", "builtin-tiny");
    const double targetLr = args.number("--target-lr").value_or(2e-3);
    const std::string device = args.value("--device", "cpu");
    const long long repeats = args.integer("--repeats").value_or(1);
    const std::string keep = args.value("--keep", "");
    if (!args.error().empty())
        return fail("bench synthetic", args.error(), Usage);
    if (so.count < 20 || steps < 1 || repeats < 1)
        return fail("bench synthetic", "--count must be >= 20, --steps and --repeats >= 1", Usage);

    const auto wallStart = std::chrono::steady_clock::now();
    const fs::path work = !keep.empty() ? fs::path(keep)
                                        : fs::temp_directory_path() /
                                              ("ostc-bench-synthetic-" + std::to_string(::getpid()));
    auto set = ost::writeSyntheticMathSet(work.string(), so);
    if (!set.ok())
        return fail("bench synthetic", set.error().message);
    auto pool = ost::Dataset::open(set->pool);
    auto heldout = ost::Dataset::open(set->heldout);
    if (!pool.ok() || !heldout.ok())
        return fail("bench synthetic", !pool.ok() ? pool.error().message : heldout.error().message);
    auto store = ost::ProjectStore::open((work / "bench.ostproj").string());
    if (!store.ok())
        return fail("bench synthetic", store.error().message);

    // 1. Score (ground truth stays in `set->records`, never shown to the job).
    ost::RunSettings rs;
    rs.referencePath = set->reference;
    rs.learningRate = lr;
    rs.stepRule = stepRule;
    rs.device = device;
    rs.proxy = proxy;
    rs.warmupFraction = warmupFraction;
    rs.warmupEpochs = warmupEpochs;
    rs.warmupLearningRate = warmupLr;
    rs.seed = so.seed;
    rs.maxTokens = 256;
    rs.baselines = {"loss", "random"};
    // With --keep, a run of the same settings is reused (done) or resumed (stopped): the set is
    // generated again byte for byte, so its samples keep their content hashes.
    const auto same = ost::latestRunWithSettings(*store.value(), rs);
    const std::optional<int64_t> previous = same ? std::optional<int64_t>(same->id) : std::nullopt;
    const bool reused = same && same->status == "done";
    if (previous)
        std::cerr << (reused ? "reusing" : "resuming") << " scoring run " << *previous << " in " << work.string()
                  << "\n";
    ost::ScoringJob job(*pool.value(), *store.value(), rs);
    ost::CancelToken cancel;
    auto runId = job.run(terminalProgress("scoring"), cancel, previous);
    std::cerr << "\n";
    if (!runId.ok())
        return fail("bench synthetic", runId.error().message);
    const auto utility = store.value()->scoreMap(runId.value(), "ost");
    const auto loss = store.value()->scoreMap(runId.value(), "loss");
    const double scoreSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();

    std::map<std::string, const ost::SyntheticRecord *> truth;
    for (const auto &r : set->records)
        truth[r.id] = &r;
    std::map<std::string, double> detection;
    for (const auto kind : {ost::SyntheticKind::WrongImage, ost::SyntheticKind::WrongAnswer}) {
        std::vector<double> s;
        std::vector<bool> clean;
        for (const auto &[id, u] : utility) {
            const auto *r = truth.at(id);
            if (r->kind != ost::SyntheticKind::Clean && r->kind != kind)
                continue;
            s.push_back(u);
            clean.push_back(r->kind == ost::SyntheticKind::Clean);
        }
        detection[ost::syntheticKindName(kind)] = ost::rocAuc(s, clean);
    }

    // 2. Subsets and target trainings with an equal step budget.
    std::vector<Subset> subsets;
    std::vector<std::string> all;
    for (const auto &[id, u] : utility)
        all.push_back(id);
    subsets.push_back({"full", all});
    const auto writers = ost::SampleGroups::parse("source").takeValue(); // the set's simulated models
    subsets.push_back({"ost-top20", topBy(*pool.value(), utility, 20, +1)});
    subsets.push_back({"ost-top50", topBy(*pool.value(), utility, 50, +1)});
    {
        std::vector<std::string> shuffled = all;
        std::mt19937_64 rng(so.seed ^ 0x52414e44ULL);
        std::shuffle(shuffled.begin(), shuffled.end(), rng);
        shuffled.resize(std::max<size_t>(1, static_cast<size_t>(std::llround(0.2 * all.size()))));
        subsets.push_back({"random-20", shuffled});
    }
    subsets.push_back({"loss-top20", topBy(*pool.value(), loss, 20, -1)});
    subsets.push_back({"ost-top20-per-source", topBy(*pool.value(), utility, 20, +1, writers)});
    subsets.push_back({"loss-top20-per-source", topBy(*pool.value(), loss, 20, -1, writers)});

    std::vector<ost::MultipleChoice> test;
    for (int64_t i = 0; i < heldout.value()->size(); ++i) {
        auto s = heldout.value()->sample(i);
        if (!s.ok())
            continue;
        auto it = truth.find(s->id);
        if (it == truth.end() || it->second->trueAnswer < 1 || it->second->trueAnswer > so.maxCount)
            continue;
        test.push_back(ost::makeNumberChoice(s.value(), it->second->trueAnswer, so.maxCount));
    }
    ost::TargetTrainingOptions to;
    to.steps = steps;
    to.cosineDecay = true;
    to.proxy = target;
    to.learningRate = targetLr;
    to.device = device;
    struct Row {
        double accuracy = NAN;         // mean over the repeats
        double spread = 0;             // their standard deviation (0 with one)
        std::vector<double> accuracies; // one per repeat
        size_t samples = 0;
        double toxicShare = 0;
        double seconds = 0;
        std::vector<int> statedAnswers; // how many samples of the subset give the answer 1, 2, ...
        std::map<std::string, int> sources; // samples per simulated writer (each has its own phrasing)
    };
    std::map<std::string, Row> rows;
    for (const auto &subset : subsets) {
        std::vector<ost::Sample> train;
        size_t toxic = 0;
        std::vector<int> stated(static_cast<size_t>(so.maxCount), 0);
        std::map<std::string, int> sources;
        for (const auto &id : subset.ids) {
            ++sources[truth.at(id)->source];
            const int a = truth.at(id)->statedAnswer;
            if (a >= 1 && a <= so.maxCount)
                ++stated[static_cast<size_t>(a - 1)];
            auto s = pool.value()->sample(pool.value()->indexOf(id));
            if (s.ok())
                train.push_back(s.takeValue());
            toxic += truth.at(id)->toxic() ? 1 : 0;
        }
        Row row;
        for (long long k = 0; k < repeats; ++k) {
            std::cerr << "training on " << subset.name << " (" << train.size() << " samples, " << steps << " steps"
                      << (repeats > 1 ? ", repeat " + std::to_string(k + 1) + "/" + std::to_string(repeats) : "")
                      << ")\n";
            to.seed = so.seed + 1000 + static_cast<uint64_t>(k); // not the scoring proxy's seed; same per subset
            auto r = ost::trainAndEvaluate(train, test, to);
            if (!r.ok())
                return fail("bench synthetic", subset.name + ": " + r.error().message);
            row.accuracies.push_back(r->accuracy);
            row.seconds += r->seconds / static_cast<double>(repeats);
        }
        row.accuracy = mean(row.accuracies);
        row.spread = standardDeviation(row.accuracies);
        row.samples = train.size();
        row.toxicShare = train.empty() ? 0.0 : double(toxic) / train.size();
        row.statedAnswers = stated;
        row.sources = sources;
        rows[subset.name] = row;
    }
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();

    if (json) {
        nlohmann::json j;
        j["benchmark"] = "synthetic";
        j["count"] = so.count;
        j["heldout"] = test.size();
        j["steps"] = steps;
        j["proxy"] = proxy;
        j["step"] = stepRule;
        j["device"] = device;
        j["lr"] = lr;
        j["target"] = target;
        j["wall_seconds"] = wall;
        j["repeats"] = repeats;
        j["scoring_reused"] = reused;
        for (const auto &[k, v] : detection)
            j["detection"][k] = std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
        for (const auto &s : subsets) {
            const Row &r = rows[s.name];
            j["subsets"][s.name] = {{"accuracy", r.accuracy},          {"accuracy_sd", r.spread},
                                  {"accuracy_runs", r.accuracies}, {"train_samples", r.samples},
                                  {"toxic_share", r.toxicShare},   {"stated_answers", r.statedAnswers},
                                  {"sources", r.sources}};
        }
        std::cout << j.dump(2) << "\n";
    } else {
        std::printf("synthetic bench: %lld pool samples (%.0f%% wrong-answer, %.0f%% wrong-image), V = %lld clean, "
                    "%zu held-out questions; OST exact, %s step, eta %g, proxy %s on %s; scoring %s %s\n",
                    static_cast<long long>(so.count), 100 * so.wrongAnswerRate, 100 * so.wrongImageRate,
                    static_cast<long long>(so.referenceCount), test.size(), stepRule.c_str(), lr, proxy.c_str(), device.c_str(),
                    reused ? "reused, found in" : "took", ost::formatDuration(scoreSeconds).c_str());
        std::printf("detection ROC-AUC (utility, clean = keep): wrong-image %.3f, wrong-answer %.3f\n",
                    detection["wrong-image"], detection["wrong-answer"]);
        std::printf("%-21s %13s %8s %11s %9s  %s\n", "subset", repeats > 1 ? "accuracy (sd)" : "accuracy",
                    "samples", "toxic-share", "train-s",
                    "answers 1/2/.., by writer");
        for (const auto &s : subsets) {
            const Row &r = rows[s.name];
            std::string answers;
            for (int n : r.statedAnswers)
                answers += (answers.empty() ? "" : "/") + std::to_string(n);
            for (const auto &[writer, n] : r.sources)
                answers += "  " + writer + " " + std::to_string(n);
            char accuracy[32];
            if (repeats > 1)
                std::snprintf(accuracy, sizeof accuracy, "%.3f (%.3f)", r.accuracy, r.spread);
            else
                std::snprintf(accuracy, sizeof accuracy, "%.3f", r.accuracy);
            std::printf("%-21s %13s %8zu %11.3f %9.1f  %s\n", s.name.c_str(), accuracy, r.samples, r.toxicShare,
                        r.seconds, answers.c_str());
        }
        std::printf("(every subset: %lld AdamW steps of batch 8, lr %g decaying to 0, from the same start (%s); accuracy: "
                    "lowest-loss candidate of 1..%d; chance %.2f) wall time %s\n",
                    steps, targetLr, target.c_str(), so.maxCount, 1.0 / so.maxCount, ost::formatDuration(wall).c_str());
    }
    std::error_code ec;
    if (keep.empty())
        fs::remove_all(work, ec);
    return Ok;
}

const BenchRegistration reg({"synthetic", "OST detection of injected toxic samples and subset training (demo set)",
                             kUsage, run, {"--json"},
                             {"--count", "--heldout", "--reference", "--steps", "--lr", "--seed", "--warmup",
                              "--warmup-epochs", "--warmup-lr", "--proxy", "--target", "--target-lr", "--step",
                              "--device", "--repeats", "--keep"}});

} // namespace
} // namespace ostc
