#include "core/ost/internal/ExactOneStepScorer.h"

#include <stdexcept>

namespace ost::scoring {

ExactOneStepScorer::ExactOneStepScorer(model::VisionLanguageModel &model, std::vector<ScopedParameter> params,
                                       const ReferenceLoss &reference, StepRule rule, double referenceLossAtTheta,
                                       std::vector<double> perReferenceAtTheta)
    : m_model(model), m_params(std::move(params)), m_saved(snapshot(m_params)), m_reference(reference),
      m_rule(rule), m_referenceLoss(referenceLossAtTheta), m_perReference(std::move(perReferenceAtTheta)),
      m_prefixBlock(firstSteppedBlock(model, m_params))
{
    if (m_perReference.empty())
        m_perReference = m_reference.perSampleLosses(m_model);
    if (static_cast<int64_t>(m_perReference.size()) != m_reference.sampleCount())
        throw std::invalid_argument("ExactOneStepScorer: " + std::to_string(m_perReference.size()) +
                                    " per-reference losses for " + std::to_string(m_reference.sampleCount()) +
                                    " reference samples");
}

ExactOneStepScorer::Outcome ExactOneStepScorer::score(const model::ModelBatch &single)
{
    if (single.inputIds.size(0) != 1)
        throw std::invalid_argument("ExactOneStepScorer::score expects a batch of one sample");
    std::vector<torch::Tensor> inputs;
    inputs.reserve(m_params.size());
    for (const auto &p : m_params)
        inputs.push_back(p.tensor);

    // Below the stepped blocks nothing needs a gradient: that part runs without autograd.
    const torch::Tensor loss = scopedLoss(m_model, single, m_prefixBlock).sum();
    const auto grads = torch::autograd::grad({loss}, inputs, {}, false, false, /*allow_unused=*/true);
    Outcome out;
    out.loss = loss.item<double>();
    {
        torch::NoGradGuard noGrad;
        for (size_t i = 0; i < m_params.size(); ++i)
            if (grads[i].defined())
                m_params[i].tensor.sub_(m_rule.update(grads[i]));
    }
    // Restore even when evaluating V throws (e.g. out of memory): θ must never stay stepped.
    std::vector<double> stepped;
    try {
        stepped = m_reference.perSampleLosses(m_model);
    } catch (...) {
        restore(m_params, m_saved);
        throw;
    }
    restore(m_params, m_saved);
    out.referenceDeltas.resize(stepped.size());
    for (size_t v = 0; v < stepped.size(); ++v)
        out.referenceDeltas[v] = m_perReference[v] - stepped[v];
    out.utility = m_referenceLoss - ReferenceLoss::mean(stepped);
    return out;
}

} // namespace ost::scoring
