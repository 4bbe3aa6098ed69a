#pragma once
// Clean counting questions from the demo generator, ready to train on and to grade: what
// `ostc bench learning` measures the built-in proxy on and what `ostc demo-proxy` pretrains it with.
#include "core/common/Result.h"
#include "core/demo/SyntheticMathSet.h"
#include "core/ost/TargetTraining.h"

#include <string>
#include <vector>

namespace ostc {

struct DemoTrainingSet {
    std::vector<ost::Sample> train;          // options.count clean samples
    std::vector<ost::MultipleChoice> test;   // options.heldoutCount questions with 1..maxCount candidates
};

// Writes the set (images included) into `folder`, which must outlive the training: samples read
// their pictures from there. Toxic rates and the reference size in `options` are ignored (all clean).
ost::Result<DemoTrainingSet> makeDemoTrainingSet(ost::SyntheticOptions options, const std::string &folder);

struct DemoTrainingRun {
    ost::TargetResult result;
    size_t trainSamples = 0, heldoutQuestions = 0;
};

// Makes the set in a temporary folder, trains on it, removes the folder. With printCurve, one table
// line per curve point (step, train loss, accuracy, elapsed) goes to stdout as soon as it is measured.
ost::Result<DemoTrainingRun> trainOnDemoSet(const ost::SyntheticOptions &options,
                                            const ost::TargetTrainingOptions &training, bool printCurve);

} // namespace ostc
