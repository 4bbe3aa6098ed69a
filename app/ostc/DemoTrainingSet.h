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

} // namespace ostc
