#pragma once
// First-order OST for a whole batch at once, without a backward pass per sample:
//   utility(z) ≈ η·⟨∇L_V, g_z⟩ = η · d/dε loss_z(θ + ε·d)|₀  with d = ∇L_V(θ)
// d is computed once; the directional derivative of every sample's loss along d comes from a
// symmetric finite difference of two batched forward passes:
//   (loss_b(θ + εd) − loss_b(θ − εd)) / 2ε
// with ε = η: the perturbation ±η·∇L_V is one SGD step on V, the same scale as the step η·g_z the
// exact mode simulates, so the difference quotient is taken where the first-order model is meant to
// hold. (ε = 10⁻³·|θ|/|d|, a share of the weights, was right for builtin-tiny but 0.75 in norm for
// SmolLM2's last four blocks, |θ| = 746: far outside the linear regime, it gave every GSM8K answer
// the same utility ≈ −0.016 where η·⟨∇L_V, g_z⟩ is ±0.002.) ε is kept within [10⁻⁶, 10⁻³]·|θ|/|d|:
// above, the perturbation stops being small; below, fp32 loss differences cancel to noise.
// θ is restored bit for bit from a saved copy after each batch. It models the SGD step only
// (Adam's first step is not a directional derivative of the sample's loss).
#include "core/model/internal/VisionLanguageModel.h"
#include "core/ost/internal/ParameterScope.h"
#include "core/ost/internal/ReferenceLoss.h"

namespace ost::scoring {

class FastOneStepScorer {
public:
    // ∇L_V is computed here, one pass over V (`progress` after each reference batch).
    FastOneStepScorer(model::VisionLanguageModel &model, std::vector<ScopedParameter> params,
                      const ReferenceLoss &reference, double learningRate, const ReferenceProgress &progress = {});

    std::vector<double> score(const model::ModelBatch &batch); // one utility per sample
    // The same, plus each sample's own loss at θ (one more pass of the stepped blocks only: the
    // loss baseline at almost no cost).
    std::vector<double> score(const model::ModelBatch &batch, std::vector<double> *lossesAtTheta);
    double epsilon() const { return m_epsilon; }

private:
    void setShifted(double sign);

    model::VisionLanguageModel &m_model;
    std::vector<ScopedParameter> m_params;
    std::vector<torch::Tensor> m_saved;
    std::vector<torch::Tensor> m_direction;
    double m_learningRate;
    double m_epsilon = 0;
};

} // namespace ost::scoring
