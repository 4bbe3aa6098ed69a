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
#include <iostream>

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

    auto run = trainOnDemoSet(so, to, !json);
    if (!run.ok())
        return fail("bench learning", run.error().message);
    const ost::TargetResult *result = &run->result;
    if (json) {
        nlohmann::json j;
        j["benchmark"] = "learning";
        j["train_samples"] = run->trainSamples;
        j["heldout"] = run->heldoutQuestions;
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
                    run->trainSamples, run->heldoutQuestions, to.learningRate, static_cast<long long>(to.batchSize), result->accuracy,
                    static_cast<long long>(result->steps), ost::formatDuration(result->seconds).c_str());
    }
    return Ok;
}

const BenchRegistration reg({"learning", "learning curve of the built-in proxy on the clean demo task", kUsage, run,
                             {"--json"},
                             {"--count", "--heldout", "--steps", "--every", "--lr", "--batch", "--seed",
                              "--image-size", "--grid", "--max-count"}});

} // namespace
} // namespace ostc
