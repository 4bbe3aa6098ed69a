// `ostc bench learning`: can the built-in proxy learn the demo task at all? OST can only tell a wrong
// answer from a right one once the proxy links the picture to the number, so this learning curve
// (held-out accuracy against optimiser steps, on clean demo samples only) is what the warm-up
// settings of `make demo` and `ostc bench synthetic` are chosen from.
#include "Command.h"
#include "DemoTrainingSet.h"

#include "core/common/Progress.h"
#include "core/demo/SyntheticMathSet.h"
#include "core/ost/TargetTraining.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace ostc {
namespace {

const char *kUsage = R"(usage: ostc bench learning [options]

Trains a fresh builtin-tiny model on clean samples of the generated counting set (no toxic ones) and
prints held-out accuracy every --every steps. Accuracy: the model's answer is the candidate (the
reference answer with its number replaced by 1..max-count) with the lowest loss; chance is
1/max-count.

options:
  --count N    training samples (default 400)
  --heldout N  held-out questions (default 60)
  --steps N    optimiser steps (default 400)
  --every N    evaluate every N steps (default 50)
  --lr X       AdamW learning rate (default 2e-3)
  --batch N    batch size (default 8)
  --seed S     data and initialisation seed (default 1)
  --image-size PX  picture side in pixels (default 112; the built-in proxy sees every picture at 56 x 56)
  --grid N         board of N x N cells (default 2)
  --max-count N    counts are 1..N (default 4)
  --json       one JSON object instead of the table
)";

int run(Args &args)
{
    const auto unknown =
        args.unknownFlags({"--count", "--heldout", "--steps", "--every", "--lr", "--batch", "--seed", "--image-size",
                           "--grid", "--max-count", "--json"});
    if (!unknown.empty())
        return fail("bench learning", "unknown option " + unknown.front() + " (see --help)", Usage);
    ost::SyntheticOptions so;
    so.count = args.integer("--count").value_or(400);
    so.heldoutCount = args.integer("--heldout").value_or(60);
    so.seed = static_cast<uint64_t>(args.integer("--seed").value_or(1));
    so.imageSize = static_cast<int>(args.integer("--image-size").value_or(so.imageSize));
    so.grid = static_cast<int>(args.integer("--grid").value_or(so.grid));
    so.maxCount = static_cast<int>(args.integer("--max-count").value_or(so.maxCount));
    ost::TargetTrainingOptions to;
    to.steps = args.integer("--steps").value_or(400);
    to.evaluateEvery = args.integer("--every").value_or(50);
    to.learningRate = args.number("--lr").value_or(2e-3);
    to.batchSize = args.integer("--batch").value_or(8);
    to.seed = so.seed + 1000;
    const bool json = args.has("--json");
    if (!args.error().empty())
        return fail("bench learning", args.error(), Usage);
    if (to.steps < 1 || to.batchSize < 1 || to.learningRate <= 0 || so.heldoutCount < 1)
        return fail("bench learning", "--steps, --batch and --heldout must be >= 1 and --lr > 0", Usage);

    const fs::path work = fs::temp_directory_path() / ("ostc-bench-learning-" + std::to_string(::getpid()));
    auto set = makeDemoTrainingSet(so, work.string());
    auto cleanup = [&] {
        std::error_code ec;
        fs::remove_all(work, ec);
    };
    if (!set.ok()) {
        cleanup();
        return fail("bench learning", set.error().message);
    }
    const std::vector<ost::Sample> &train = set->train;
    const std::vector<ost::MultipleChoice> &test = set->test;

    if (!json)
        std::printf("%8s %10s %9s %9s\n", "step", "train-loss", "accuracy", "elapsed");
    const auto started = std::chrono::steady_clock::now();
    auto result = ost::trainAndEvaluate(train, test, to, [&](const ost::CurvePoint &p) {
        if (json)
            return;
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        std::printf("%8lld %10.4f %9.3f %9s\n", static_cast<long long>(p.step), p.trainLoss, p.accuracy,
                    ost::formatDuration(s).c_str());
        std::fflush(stdout);
    });
    cleanup();
    if (!result.ok())
        return fail("bench learning", result.error().message);
    if (json) {
        nlohmann::json j;
        j["benchmark"] = "learning";
        j["train_samples"] = train.size();
        j["heldout"] = test.size();
        j["lr"] = to.learningRate;
        j["batch"] = to.batchSize;
        j["seconds"] = result->seconds;
        for (const auto &p : result->curve)
            j["curve"].push_back({{"step", p.step}, {"accuracy", p.accuracy},
                                  {"train_loss", std::isfinite(p.trainLoss) ? nlohmann::json(p.trainLoss) : nlohmann::json()}});
        std::cout << j.dump(2) << "\n";
    } else {
        std::printf("%zu clean training samples, %zu held-out questions, AdamW lr %g, batch %lld: final accuracy "
                    "%.3f after %lld steps in %s\n",
                    train.size(), test.size(), to.learningRate, static_cast<long long>(to.batchSize), result->accuracy,
                    static_cast<long long>(result->steps), ost::formatDuration(result->seconds).c_str());
    }
    return Ok;
}

const BenchRegistration reg({"learning", "learning curve of the built-in proxy on the clean demo task", kUsage, run,
                             {"--json"}});

} // namespace
} // namespace ostc
