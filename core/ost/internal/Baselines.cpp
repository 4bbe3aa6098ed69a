#include "core/ost/internal/Baselines.h"

#include "core/ost/internal/Hash.h"

#include <limits>

namespace ost::scoring {

std::vector<double> batchLosses(model::VisionLanguageModel &model, const model::ModelBatch &batch)
{
    torch::NoGradGuard noGrad;
    const torch::Tensor l = model.perSampleLoss(batch).to(torch::kDouble).cpu().contiguous();
    return std::vector<double>(l.data_ptr<double>(), l.data_ptr<double>() + l.numel());
}

double ifdRatio(double conditionalLoss, double answerOnlyLoss)
{
    if (!(answerOnlyLoss > 0))
        return std::numeric_limits<double>::quiet_NaN();
    return conditionalLoss / answerOnlyLoss;
}

double randomScore(uint64_t seed, const std::string &sampleId)
{
    const uint64_t h = splitmix64(fnv1a64(sampleId) ^ splitmix64(seed));
    return static_cast<double>(h >> 11) * (1.0 / 9007199254740992.0); // 53 bits -> [0,1)
}

int keepDirection(const std::string &method)
{
    if (method == "loss" || method == "ifd")
        return -1;
    if (method == "ost" || method == "ost-fast" || method == "length" || method == "random")
        return +1;
    return 0;
}

} // namespace ost::scoring
