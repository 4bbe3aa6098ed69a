#include "core/ost/internal/ProxyTrainer.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <sstream>

namespace ost::scoring {

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
    module.train();
    std::vector<torch::Tensor> params;
    for (auto &p : module.parameters())
        if (p.requires_grad())
            params.push_back(p);
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

std::string saveParameters(torch::nn::Module &module)
{
    torch::serialize::OutputArchive archive;
    for (const auto &p : module.named_parameters(true))
        archive.write(p.key(), p.value().detach().cpu());
    for (const auto &b : module.named_buffers(true))
        archive.write("buffer:" + b.key(), b.value().detach().cpu(), /*is_buffer=*/true);
    std::ostringstream out;
    archive.save_to(out);
    return out.str();
}

Status loadParameters(torch::nn::Module &module, const std::string &bytes)
{
    torch::serialize::InputArchive archive;
    try {
        std::istringstream in(bytes);
        archive.load_from(in);
    } catch (const std::exception &e) {
        return Error{std::string("checkpoint is not readable: ") + e.what()};
    }
    torch::NoGradGuard noGrad;
    auto copyInto = [&](const std::string &key, torch::Tensor target) -> Status {
        torch::Tensor value;
        if (!archive.try_read(key, value))
            return Error{"checkpoint has no tensor '" + key + "'"};
        if (value.sizes() != target.sizes())
            return Error{"checkpoint tensor '" + key + "' has the wrong shape"};
        target.copy_(value);
        return {};
    };
    for (const auto &p : module.named_parameters(true))
        if (Status s = copyInto(p.key(), p.value()); !s)
            return s;
    for (const auto &b : module.named_buffers(true))
        if (Status s = copyInto("buffer:" + b.key(), b.value()); !s)
            return s;
    return {};
}

} // namespace ost::scoring
