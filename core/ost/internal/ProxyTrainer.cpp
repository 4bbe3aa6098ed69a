#include "core/ost/internal/ProxyTrainer.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <sstream>

namespace ost::scoring {

namespace {

// Turns requires_grad off for every parameter outside `kept` (none when `kept` is empty) and back on
// when it goes: training only a scope then neither computes nor stores gradients below it.
class FrozenOutside {
public:
    FrozenOutside(torch::nn::Module &module, const std::vector<torch::Tensor> &kept)
    {
        if (kept.empty())
            return;
        for (auto &p : module.parameters()) {
            const bool inScope = std::any_of(kept.begin(), kept.end(), [&](const torch::Tensor &k) { return k.is_same(p); });
            if (p.requires_grad() && !inScope) {
                p.requires_grad_(false);
                m_frozen.push_back(p);
            }
        }
    }
    ~FrozenOutside()
    {
        for (auto &p : m_frozen)
            p.requires_grad_(true);
    }
    FrozenOutside(const FrozenOutside &) = delete;
    FrozenOutside &operator=(const FrozenOutside &) = delete;

private:
    std::vector<torch::Tensor> m_frozen;
};

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

std::string writeArchive(const NamedTensors &tensors)
{
    torch::serialize::OutputArchive archive;
    for (const auto &[name, tensor] : tensors)
        archive.write(name, tensor.detach().cpu());
    std::ostringstream out;
    archive.save_to(out);
    return out.str();
}

Status readArchive(const NamedTensors &targets, const std::string &bytes)
{
    torch::serialize::InputArchive archive;
    try {
        std::istringstream in(bytes);
        archive.load_from(in);
    } catch (const std::exception &e) {
        return Error{std::string("checkpoint is not readable: ") + e.what()};
    }
    torch::NoGradGuard noGrad;
    for (const auto &[key, target] : targets) {
        torch::Tensor value;
        if (!archive.try_read(key, value))
            return Error{"checkpoint has no tensor '" + key + "'"};
        if (value.sizes() != target.sizes())
            return Error{"checkpoint tensor '" + key + "' has the wrong shape"};
        target.copy_(value);
    }
    return {};
}

NamedTensors named(const std::vector<ScopedParameter> &params)
{
    NamedTensors out;
    for (const auto &p : params)
        out.emplace_back(p.name, p.tensor);
    return out;
}

} // namespace

Result<int64_t> trainProxy(model::VisionLanguageModel &model, const std::vector<model::EncodedSample> &samples,
                           const TrainOptions &options, const CollateFn &collate,
                           const std::function<bool(const TrainStep &)> &onStep)
{
    if (samples.empty() || options.epochs <= 0)
        return int64_t{0};
    const int64_t batch = std::max<int64_t>(1, options.batchSize);
    const int64_t perEpoch = (static_cast<int64_t>(samples.size()) + batch - 1) / batch;
    int64_t total = perEpoch * options.epochs;
    if (options.maxSteps > 0)
        total = std::min(total, options.maxSteps);

    auto &module = model.module();
    std::vector<torch::Tensor> params;
    for (const auto &p : options.parameters)
        params.push_back(p.tensor);
    FrozenOutside frozen(module, params);
    if (params.empty())
        for (auto &p : module.parameters())
            if (p.requires_grad())
                params.push_back(p);
    module.train();
    torch::optim::AdamW optimizer(params, torch::optim::AdamWOptions(options.learningRate).weight_decay(0.0));

    std::vector<size_t> order(samples.size());
    std::iota(order.begin(), order.end(), 0);
    std::mt19937_64 rng(options.seed ^ 0x5eedULL);
    int64_t step = 0;
    for (int64_t epoch = 0; epoch < options.epochs && step < total; ++epoch) {
        std::shuffle(order.begin(), order.end(), rng);
        for (size_t start = 0; start < order.size() && step < total; start += batch) {
            std::vector<model::EncodedSample> chunk;
            for (size_t i = start; i < std::min(order.size(), start + static_cast<size_t>(batch)); ++i)
                chunk.push_back(samples[order[i]]);
            const model::ModelBatch b = collate(chunk);
            const double rate = options.cosineDecay
                                    ? options.learningRate * 0.5 *
                                          (1 + std::cos(M_PI * static_cast<double>(step) / static_cast<double>(total)))
                                    : options.learningRate;
            for (auto &group : optimizer.param_groups())
                static_cast<torch::optim::AdamWOptions &>(group.options()).lr(rate);
            optimizer.zero_grad();
            const torch::Tensor loss = model.perSampleLoss(b).mean();
            const double lossValue = loss.item<double>();
            if (!std::isfinite(lossValue)) {
                module.eval();
                return Error{"training diverged (loss is not finite) at step " + std::to_string(step) +
                             "; try a smaller learning rate"};
            }
            loss.backward();
            if (options.clipNorm > 0)
                torch::nn::utils::clip_grad_norm_(params, options.clipNorm);
            optimizer.step();
            ++step;
            if (onStep && !onStep({step, total, lossValue, rate})) {
                module.eval();
                return step;
            }
        }
    }
    module.eval();
    return step;
}

std::string saveParameters(const std::vector<ScopedParameter> &params) { return writeArchive(named(params)); }

Status loadParameters(const std::vector<ScopedParameter> &params, const std::string &bytes)
{
    return readArchive(named(params), bytes);
}

} // namespace ost::scoring
