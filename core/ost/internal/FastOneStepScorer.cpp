#include "core/ost/internal/FastOneStepScorer.h"

#include <algorithm>
#include <cmath>

namespace ost::scoring {

FastOneStepScorer::FastOneStepScorer(model::VisionLanguageModel &model, std::vector<ScopedParameter> params,
                                     const ReferenceLoss &reference, double learningRate,
                                     const ReferenceProgress &progress)
    : m_model(model), m_params(std::move(params)), m_saved(snapshot(m_params)), m_learningRate(learningRate)
{
    m_direction = reference.gradient(m_model, m_params, progress);
    double thetaSq = 0, dSq = 0;
    for (size_t i = 0; i < m_params.size(); ++i) {
        thetaSq += m_saved[i].to(torch::kDouble).pow(2).sum().item<double>();
        dSq += m_direction[i].to(torch::kDouble).pow(2).sum().item<double>();
    }
    const double thetaNorm = std::sqrt(thetaSq), dNorm = std::sqrt(dSq);
    // A zero gradient of L_V (V already fitted) gives utility 0 for everyone; any ε works then.
    if (dNorm > 0) {
        const double scale = std::max(thetaNorm, 1.0) / dNorm; // ε·|d| = share·|θ|
        m_epsilon = std::clamp(learningRate, 1e-6 * scale, 1e-3 * scale);
    } else {
        m_epsilon = 1.0;
    }
}

void FastOneStepScorer::setShifted(double sign)
{
    torch::NoGradGuard noGrad;
    for (size_t i = 0; i < m_params.size(); ++i)
        m_params[i].tensor.copy_(m_saved[i] + m_direction[i] * (sign * m_epsilon));
}

std::vector<double> FastOneStepScorer::score(const model::ModelBatch &batch) { return score(batch, nullptr); }

std::vector<double> FastOneStepScorer::score(const model::ModelBatch &batch, std::vector<double> *lossesAtTheta)
{
    torch::Tensor plus, minus, atTheta;
    try {
        torch::NoGradGuard noGrad;
        // The blocks below the scope see the same input under both shifts: run them once.
        const int block = firstSteppedBlock(m_model, m_params);
        const torch::Tensor prefix = block >= 0 ? m_model.hiddenBeforeBlock(batch, block) : torch::Tensor();
        setShifted(+1);
        plus = scopedLoss(m_model, batch, block, prefix).to(torch::kDouble);
        setShifted(-1);
        minus = scopedLoss(m_model, batch, block, prefix).to(torch::kDouble);
        if (lossesAtTheta) {
            restore(m_params, m_saved);
            atTheta = scopedLoss(m_model, batch, block, prefix).to(torch::kDouble).cpu().contiguous();
        }
    } catch (...) {
        restore(m_params, m_saved);
        throw;
    }
    restore(m_params, m_saved);
    if (lossesAtTheta)
        lossesAtTheta->assign(atTheta.data_ptr<double>(), atTheta.data_ptr<double>() + atTheta.numel());
    const torch::Tensor u = ((plus - minus) / (2 * m_epsilon) * m_learningRate).cpu().contiguous();
    return std::vector<double>(u.data_ptr<double>(), u.data_ptr<double>() + u.numel());
}

} // namespace ost::scoring
