#pragma once
// Plain SFT training of a proxy (AdamW on the mean per-sample loss): the warm-up before scoring and
// the small target-model trainings of `ostc bench synthetic`. Also (de)serialises parameters so a
// warm-up checkpoint can live in the project store as a blob.
#include "core/common/Result.h"
#include "core/model/internal/VisionLanguageModel.h"
#include "core/ost/internal/ParameterScope.h"

#include <functional>
#include <string>
#include <vector>

namespace ost::scoring {

using CollateFn = std::function<model::ModelBatch(const std::vector<model::EncodedSample> &)>;

struct TrainOptions {
    double learningRate = 1e-3;
    int64_t epochs = 1;
    int64_t batchSize = 8;
    int64_t maxSteps = 0;      // > 0: stop after this many optimiser steps (equal step budgets)
    uint64_t seed = 0;         // shuffling order
    double clipNorm = 1.0;     // gradient norm clip (0: off); keeps tiny-model warm-ups stable
    // Cosine decay from learningRate to 0 over the steps. The target trainings of `ostc bench
    // synthetic` use it: at a constant rate the final model depended on where training happened to
    // stop (the same 200 samples in another order moved held-out accuracy by up to 0.19).
    bool cosineDecay = false;
    // The parameters to train (a run's step scope); empty: every trainable one. The others are
    // frozen for the training, so its backward stops where they begin.
    std::vector<ScopedParameter> parameters;
};

struct TrainStep {
    int64_t step = 0;  // 1-based, after the optimiser step
    int64_t total = 0;
    double loss = 0;   // the batch's mean loss before the step
    double learningRate = 0; // the rate this step used
};

// Trains in place; shuffles with the seed each epoch. `onStep` may return false to stop early
// (cancel). Returns the number of steps taken. Leaves the module in eval mode.
Result<int64_t> trainProxy(model::VisionLanguageModel &model, const std::vector<model::EncodedSample> &samples,
                           const TrainOptions &options, const CollateFn &collate,
                           const std::function<bool(const TrainStep &)> &onStep = {});

// `params` by name, through torch's archive format (a warm-up of scope last:4 keeps those blocks,
// not a copy of the whole model: fp32 Qwen2.5-0.5B is 2 GB, more than one SQLite blob may hold).
// Loading fails, naming the tensor, when one of `params` is missing or shaped differently; a
// checkpoint of earlier versions (every parameter and buffer) loads too.
std::string saveParameters(const std::vector<ScopedParameter> &params);
Status loadParameters(const std::vector<ScopedParameter> &params, const std::string &bytes);

} // namespace ost::scoring
