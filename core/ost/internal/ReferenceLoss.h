#pragma once
// L_V: the mean per-sample loss of the proxy over the reference (anchor) set V, evaluated in the
// batches it was collated into. Samples weigh equally whatever batch they fall in.
#include "core/model/internal/VisionLanguageModel.h"
#include "core/ost/internal/ParameterScope.h"

#include <functional>
#include <stdexcept>
#include <vector>

namespace ost::scoring {

// Called after each reference batch of a whole pass over V with the samples done so far; returning
// false stops the pass (ReferencePassStopped is thrown), so a long pass can be cancelled within it.
using ReferenceProgress = std::function<bool(int64_t samplesDone)>;
struct ReferencePassStopped : std::runtime_error {
    ReferencePassStopped() : std::runtime_error("stopped") {}
};

class ReferenceLoss {
public:
    explicit ReferenceLoss(std::vector<model::ModelBatch> batches);

    // L_V at the model's current parameters, without autograd (summed in double so the tiny
    // difference L_V(θ) − L_V(θ') is not lost to fp32 accumulation order).
    double evaluate(model::VisionLanguageModel &model, const ReferenceProgress &progress = {}) const;

    // L_v of every reference sample v at the current parameters, in V's order (the batches' order,
    // then each batch's rows), without autograd: what per-reference attribution subtracts. evaluate()
    // is their mean.
    std::vector<double> perSampleLosses(model::VisionLanguageModel &model,
                                        const ReferenceProgress &progress = {}) const;

    // ∇L_V with respect to `params` (for the fast mode's direction); leaves the module's .grad alone.
    std::vector<torch::Tensor> gradient(model::VisionLanguageModel &model, const std::vector<ScopedParameter> &params,
                                        const ReferenceProgress &progress = {}) const;

    // Caches the hidden states of every reference batch entering decoder block `block` (see
    // firstSteppedBlock): later evaluate()/gradient() calls run only the blocks from there on.
    // Valid while no parameter below `block` changes. -1 drops the cache.
    void cachePrefix(model::VisionLanguageModel &model, int block, const ReferenceProgress &progress = {});
    int prefixBlock() const { return m_prefixBlock; }

    // The mean of per-sample losses, summed in double (0 for none): L_V from perSampleLosses().
    static double mean(const std::vector<double> &losses);

    int64_t sampleCount() const { return m_count; }
    const std::vector<model::ModelBatch> &batches() const { return m_batches; }

private:
    std::vector<model::ModelBatch> m_batches;
    std::vector<torch::Tensor> m_prefix; // per batch, when m_prefixBlock >= 0
    int m_prefixBlock = -1;
    int64_t m_count = 0;
};

} // namespace ost::scoring
