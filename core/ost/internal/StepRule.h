#pragma once
// The simulated optimiser step of OST: plain SGD (θ − η·g) or the first step of AdamW. Adam's first
// step has m̂ = g and v̂ = g², so it moves by η·g/(|g|+ε): a sign-like step of size η per coordinate.
// Weight decay is left out: it moves θ the same way for every candidate and cancels in the ranking.
#include "core/common/Result.h"

#include <torch/torch.h>

#include <string>

namespace ost::scoring {

struct StepRule {
    enum class Kind { Sgd, Adam };
    Kind kind = Kind::Sgd;
    double learningRate = 1e-3;
    double adamEpsilon = 1e-8;

    static Result<StepRule> parse(const std::string &name, double learningRate);

    // The update Δ such that θ' = θ − Δ.
    torch::Tensor update(const torch::Tensor &gradient) const;
};

} // namespace ost::scoring
