#include "core/ost/internal/ReferenceLoss.h"

namespace ost::scoring {

namespace {
void tick(const ReferenceProgress &progress, int64_t done)
{
    if (progress && !progress(done))
        throw ReferencePassStopped();
}
} // namespace

ReferenceLoss::ReferenceLoss(std::vector<model::ModelBatch> batches) : m_batches(std::move(batches))
{
    for (const auto &b : m_batches)
        m_count += b.inputIds.size(0);
}

void ReferenceLoss::cachePrefix(model::VisionLanguageModel &model, int block, const ReferenceProgress &progress)
{
    m_prefix.clear();
    m_prefixBlock = -1;
    if (block < 0)
        return;
    int64_t done = 0;
    for (const auto &b : m_batches) {
        m_prefix.push_back(model.hiddenBeforeBlock(b, block));
        tick(progress, done += b.inputIds.size(0));
    }
    m_prefixBlock = block; // only once complete: a stopped pass leaves no half cache
}

double ReferenceLoss::evaluate(model::VisionLanguageModel &model, const ReferenceProgress &progress) const
{
    return mean(perSampleLosses(model, progress));
}

double ReferenceLoss::mean(const std::vector<double> &losses)
{
    double sum = 0;
    for (double l : losses)
        sum += l;
    return losses.empty() ? 0.0 : sum / static_cast<double>(losses.size());
}

std::vector<double> ReferenceLoss::perSampleLosses(model::VisionLanguageModel &model,
                                                   const ReferenceProgress &progress) const
{
    torch::NoGradGuard noGrad;
    std::vector<double> out;
    out.reserve(static_cast<size_t>(m_count));
    int64_t done = 0;
    for (size_t i = 0; i < m_batches.size(); ++i) {
        // Each sample's loss in double, so the tiny difference L_v(θ) − L_v(θ') is not lost to fp32
        // accumulation order, and the mean (evaluate) is summed in double too.
        const torch::Tensor l =
            scopedLoss(model, m_batches[i], m_prefixBlock, m_prefixBlock >= 0 ? m_prefix[i] : torch::Tensor())
                .to(torch::kDouble)
                .cpu()
                .contiguous();
        out.insert(out.end(), l.data_ptr<double>(), l.data_ptr<double>() + l.numel());
        tick(progress, done += m_batches[i].inputIds.size(0));
    }
    return out;
}

std::vector<torch::Tensor> ReferenceLoss::gradient(model::VisionLanguageModel &model,
                                                   const std::vector<ScopedParameter> &params,
                                                   const ReferenceProgress &progress) const
{
    int64_t done = 0;
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
        for (size_t k = 0; k < grads.size(); ++k) {
            if (!grads[k].defined())
                continue;
            total[k] = total[k].defined() ? total[k] + grads[k] : grads[k];
        }
        tick(progress, done += m_batches[i].inputIds.size(0));
    }
    for (size_t i = 0; i < total.size(); ++i)
        if (!total[i].defined())
            total[i] = torch::zeros_like(params[i].tensor);
    return total;
}

} // namespace ost::scoring
