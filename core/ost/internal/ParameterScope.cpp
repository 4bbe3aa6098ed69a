#include "core/ost/internal/ParameterScope.h"

#include <algorithm>

namespace ost::scoring {

Result<std::vector<ScopedParameter>> selectParameters(model::VisionLanguageModel &model, const std::string &scope)
{
    int lastK = -1;
    if (scope.rfind("last:", 0) == 0) {
        try {
            lastK = std::stoi(scope.substr(5));
        } catch (const std::exception &) {
            lastK = -1;
        }
        if (lastK <= 0)
            return Error{"parameter scope '" + scope + "': K in last:K must be a positive whole number"};
    } else if (scope != "all" && scope != "language") {
        return Error{"unknown parameter scope '" + scope + "' (all, language or last:K)"};
    }
    const int blocks = model.decoderBlockCount();
    std::vector<ScopedParameter> out;
    for (const auto &item : model.module().named_parameters(/*recurse=*/true)) {
        if (!item.value().requires_grad())
            continue;
        bool take = true;
        if (scope == "language") {
            take = model.isLanguageParameter(item.key());
        } else if (lastK > 0) {
            const int block = model.decoderBlockOf(item.key());
            take = block >= 0 && block >= blocks - lastK;
        }
        if (take)
            out.push_back({item.key(), item.value()});
    }
    if (out.empty())
        return Error{"parameter scope '" + scope + "' selects no trainable parameter of this " + model.architecture() +
                     " model"};
    return out;
}

int firstSteppedBlock(model::VisionLanguageModel &model, const std::vector<ScopedParameter> &params)
{
    int first = model.decoderBlockCount();
    for (const auto &p : params) {
        const int block = model.decoderBlockOf(p.name);
        if (block < 0)
            return -1;
        first = std::min(first, block);
    }
    return params.empty() ? -1 : first;
}

torch::Tensor scopedLoss(model::VisionLanguageModel &model, const model::ModelBatch &batch, int prefixBlock,
                         const torch::Tensor &prefix)
{
    if (prefixBlock < 0)
        return model.perSampleLoss(batch);
    const torch::Tensor hidden = prefix.defined() ? prefix : model.hiddenBeforeBlock(batch, prefixBlock);
    return model.perSampleLossFrom(batch, hidden, prefixBlock);
}

std::vector<torch::Tensor> snapshot(const std::vector<ScopedParameter> &params)
{
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> out;
    out.reserve(params.size());
    for (const auto &p : params)
        out.push_back(p.tensor.detach().clone());
    return out;
}

void restore(const std::vector<ScopedParameter> &params, const std::vector<torch::Tensor> &saved)
{
    torch::NoGradGuard noGrad;
    for (size_t i = 0; i < params.size(); ++i)
        params[i].tensor.copy_(saved[i]);
}

} // namespace ost::scoring
