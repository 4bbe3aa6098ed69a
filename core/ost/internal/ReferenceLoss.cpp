#include "core/ost/internal/ReferenceLoss.h"

namespace ost::scoring {

ReferenceLoss::ReferenceLoss(std::vector<model::ModelBatch> batches) : m_batches(std::move(batches))
{
    for (const auto &b : m_batches)
        m_count += b.inputIds.size(0);
}

void ReferenceLoss::cachePrefix(model::VisionLanguageModel &model, int block)
{
    m_prefix.clear();
    m_prefixBlock = block;
    if (block < 0)
        return;
    for (const auto &b : m_batches)
        m_prefix.push_back(model.hiddenBeforeBlock(b, block));
}

double ReferenceLoss::evaluate(model::VisionLanguageModel &model) const
{
    torch::NoGradGuard noGrad;
    double sum = 0;
    for (size_t i = 0; i < m_batches.size(); ++i)
        sum += scopedLoss(model, m_batches[i], m_prefixBlock, m_prefixBlock >= 0 ? m_prefix[i] : torch::Tensor())
                   .to(torch::kDouble)
                   .sum()
                   .item<double>();
    return m_count > 0 ? sum / static_cast<double>(m_count) : 0.0;
}

std::vector<torch::Tensor> ReferenceLoss::gradient(model::VisionLanguageModel &model,
                                                   const std::vector<ScopedParameter> &params) const
{
    std::vector<torch::Tensor> inputs;
    for (const auto &p : params)
        inputs.push_back(p.tensor);
    std::vector<torch::Tensor> total(params.size());
    for (size_t i = 0; i < m_batches.size(); ++i) {
        const torch::Tensor prefix = m_prefixBlock >= 0 ? m_prefix[i] : torch::Tensor();
        const torch::Tensor loss =
            scopedLoss(model, m_batches[i], m_prefixBlock, prefix).sum() / static_cast<double>(m_count);
        auto grads = torch::autograd::grad({loss}, inputs, {}, /*retain_graph=*/false, /*create_graph=*/false,
                                           /*allow_unused=*/true);
        for (size_t i = 0; i < grads.size(); ++i) {
            if (!grads[i].defined())
                continue;
            total[i] = total[i].defined() ? total[i] + grads[i] : grads[i];
        }
    }
    for (size_t i = 0; i < total.size(); ++i)
        if (!total[i].defined())
            total[i] = torch::zeros_like(params[i].tensor);
    return total;
}

} // namespace ost::scoring
