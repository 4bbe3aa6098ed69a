#pragma once
// Trains a small target model on a chosen subset and measures held-out accuracy, for
// `ostc bench synthetic` (the method's claim in miniature: training on OST's top samples should beat
// random and loss-based subsets). Accuracy needs no generation: each held-out question comes with
// candidate answers (the reference answer with its final number replaced by 1..9), and the model's
// answer is the candidate with the lowest loss. Torch-free header.
#include "core/common/Result.h"
#include "core/data/Sample.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace ost {

struct TargetTrainingOptions {
    std::string proxy = "builtin-tiny";
    std::string device = "cpu";
    uint64_t seed = 1;           // initialisation and data order (same for every subset)
    double learningRate = 2e-3;
    int64_t steps = 100;         // equal optimiser-step budget for every subset (small ones repeat epochs)
    int64_t batchSize = 8;
    int64_t maxTokens = 512;
    bool cosineDecay = false;    // learning rate decays to 0 over the steps (a less noisy end point)
    int64_t evaluateEvery = 0;   // > 0: also measure held-out accuracy every N steps (a learning curve)
    std::string saveTo;          // non-empty: write the trained model there as a proxy folder (config.json,
                                 // model.safetensors, preprocessor_config.json) that `--proxy DIR` loads
};

struct MultipleChoice {
    Sample sample;                        // question + image; its answer is replaced by each candidate
    std::vector<std::string> candidates;  // full answer texts
    int correct = 0;                      // index into candidates
};

// Builds the candidates for a sample whose answer ends in a final number `trueAnswer`: the same text
// with every standalone occurrence of that number replaced by k, for k in 1..maxChoice.
MultipleChoice makeNumberChoice(const Sample &sample, int trueAnswer, int maxChoice = 9);

struct CurvePoint {
    int64_t step = 0;
    double accuracy = 0;
    double trainLoss = 0; // mean loss of the training batches since the previous point
};

struct TargetResult {
    double accuracy = 0;
    std::vector<CurvePoint> curve; // with evaluateEvery > 0; the last point is the final model
    int64_t steps = 0;
    double seconds = 0;
};

// `onPoint` (optional) sees each curve point as soon as it is measured.
Result<TargetResult> trainAndEvaluate(const std::vector<Sample> &train, const std::vector<MultipleChoice> &test,
                                      const TargetTrainingOptions &options,
                                      const std::function<void(const CurvePoint &)> &onPoint = {});

} // namespace ost
