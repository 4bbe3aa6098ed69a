#pragma once
// Exact One-Step-Train utility, as the method defines it, one candidate at a time:
//   g_z = ∇θ loss(z; θ);  θ' = θ − step(g_z);  utility(z) = L_V(θ) − L_V(θ')
// then θ is restored bit for bit from a copy taken once at construction.
#include "core/model/internal/VisionLanguageModel.h"
#include "core/ost/internal/ParameterScope.h"
#include "core/ost/internal/ReferenceLoss.h"
#include "core/ost/internal/StepRule.h"

namespace ost::scoring {

class ExactOneStepScorer {
public:
    // `referenceLossAtTheta`: L_V(θ), computed once per run by the caller (ReferenceLoss::evaluate).
    ExactOneStepScorer(model::VisionLanguageModel &model, std::vector<ScopedParameter> params,
                       const ReferenceLoss &reference, StepRule rule, double referenceLossAtTheta);

    struct Outcome {
        double utility = 0;
        double loss = 0;   // the candidate's own loss at θ (free by-product)
    };
    // `single` holds exactly one sample.
    Outcome score(const model::ModelBatch &single);

private:
    model::VisionLanguageModel &m_model;
    std::vector<ScopedParameter> m_params;
    std::vector<torch::Tensor> m_saved;
    const ReferenceLoss &m_reference;
    StepRule m_rule;
    double m_referenceLoss;
    int m_prefixBlock; // firstSteppedBlock of the scope, -1 when the whole model is differentiated
};

} // namespace ost::scoring
