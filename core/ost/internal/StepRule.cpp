#include "core/ost/internal/StepRule.h"

#include <cmath>

namespace ost::scoring {

Result<StepRule> StepRule::parse(const std::string &name, double learningRate)
{
    if (!(learningRate > 0) || !std::isfinite(learningRate))
        return Error{"step size (learning rate) must be a positive number, got " + std::to_string(learningRate)};
    StepRule rule;
    rule.learningRate = learningRate;
    if (name == "sgd")
        rule.kind = Kind::Sgd;
    else if (name == "adam" || name == "adamw")
        rule.kind = Kind::Adam;
    else
        return Error{"unknown step rule '" + name + "' (sgd or adam)"};
    return rule;
}

torch::Tensor StepRule::update(const torch::Tensor &g) const
{
    if (kind == Kind::Adam)
        return g / (g.abs() + adamEpsilon) * learningRate;
    return g * learningRate;
}

} // namespace ost::scoring
