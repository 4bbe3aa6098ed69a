#pragma once
// Exact One-Step-Train utility, as the method defines it, one candidate at a time:
//   g_z = ∇θ loss(z; θ);  θ' = θ − step(g_z);  utility(z) = L_V(θ) − L_V(θ')
// then θ is restored bit for bit from a copy taken once at construction. It also keeps the change of
// every reference sample's loss, ΔL_v = L_v(θ) − L_v(θ') (per-reference attribution, core/ost/
// Attribution.h): the same pass over V gives them, and their mean is the utility.
#include "core/model/internal/VisionLanguageModel.h"
#include "core/ost/internal/ParameterScope.h"
#include "core/ost/internal/ReferenceLoss.h"
#include "core/ost/internal/StepRule.h"

namespace ost::scoring {

class ExactOneStepScorer {
public:
    // `referenceLossAtTheta`: L_V(θ), computed once per run by the caller (ReferenceLoss::evaluate,
    // or the value stored with the run). `perReferenceAtTheta`: L_v(θ) per reference sample in V's
    // order (ReferenceLoss::perSampleLosses); empty: computed here, one pass over V.
    ExactOneStepScorer(model::VisionLanguageModel &model, std::vector<ScopedParameter> params,
                       const ReferenceLoss &reference, StepRule rule, double referenceLossAtTheta,
                       std::vector<double> perReferenceAtTheta = {});

    struct Outcome {
        double utility = 0;                 // L_V(θ) − L_V(θ')
        double loss = 0;                    // the candidate's own loss at θ (free by-product)
        std::vector<double> referenceDeltas; // ΔL_v = L_v(θ) − L_v(θ'), V's order; mean = utility
                                             // (exactly so when L_V(θ) is the mean of L_v(θ))
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
    std::vector<double> m_perReference; // L_v(θ)
    int m_prefixBlock; // firstSteppedBlock of the scope, -1 when the whole model is differentiated
};

} // namespace ost::scoring
