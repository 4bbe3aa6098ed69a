#include "core/ost/TargetTraining.h"

#include "core/model/internal/VisionLanguageModel.h"
#include "core/ost/internal/Baselines.h"
#include "core/ost/internal/ProxyTrainer.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <optional>

namespace ost {

MultipleChoice makeNumberChoice(const Sample &sample, int trueAnswer, int maxChoice)
{
    MultipleChoice mc;
    mc.sample = sample;
    const std::string text = sample.answer();
    const std::string number = std::to_string(trueAnswer);
    for (int k = 1; k <= maxChoice; ++k) {
        std::string out;
        for (size_t i = 0; i < text.size();) {
            const bool startOk = i == 0 || !std::isdigit(static_cast<unsigned char>(text[i - 1]));
            const size_t end = i + number.size();
            const bool endOk = end >= text.size() || !std::isdigit(static_cast<unsigned char>(text[end]));
            if (startOk && endOk && text.compare(i, number.size(), number) == 0) {
                out += std::to_string(k);
                i = end;
            } else {
                out += text[i++];
            }
        }
        if (k == trueAnswer)
            mc.correct = static_cast<int>(mc.candidates.size());
        mc.candidates.push_back(out);
    }
    return mc;
}

namespace {

Sample withAnswer(const Sample &s, const std::string &answer)
{
    Sample out = s;
    for (auto it = out.turns.rbegin(); it != out.turns.rend(); ++it)
        if (it->role == "assistant") {
            it->content = answer;
            return out;
        }
    out.turns.push_back({"assistant", answer});
    return out;
}

// Share of questions whose lowest-loss candidate is the right one; nullopt when none could be encoded.
std::optional<double> choiceAccuracy(model::VisionLanguageModel &model, model::SampleEncoder &encoder,
                                     const std::vector<MultipleChoice> &test, const ChatTemplateOptions &co,
                                     const scoring::CollateFn &collate)
{
    int64_t right = 0, asked = 0;
    for (const auto &q : test) {
        std::vector<model::EncodedSample> choices;
        for (const auto &c : q.candidates) {
            auto e = encoder.encode(withAnswer(q.sample, c), co);
            if (!e.ok())
                break;
            choices.push_back(e.takeValue());
        }
        if (choices.size() != q.candidates.size())
            continue; // an unencodable question counts for no model
        const auto losses = scoring::batchLosses(model, collate(choices));
        const auto best = std::min_element(losses.begin(), losses.end()) - losses.begin();
        right += best == q.correct ? 1 : 0;
        ++asked;
    }
    if (asked == 0)
        return std::nullopt;
    return static_cast<double>(right) / static_cast<double>(asked);
}

} // namespace

Result<TargetResult> trainAndEvaluate(const std::vector<Sample> &train, const std::vector<MultipleChoice> &test,
                                      const TargetTrainingOptions &options,
                                      const std::function<void(const CurvePoint &)> &onPoint)
{
    const auto started = std::chrono::steady_clock::now();
    torch::manual_seed(options.seed);
    model::ProxyOptions po;
    po.device = options.device;
    po.maxTokens = options.maxTokens;
    po.seed = options.seed;
    auto proxy = model::loadProxy(options.proxy, po);
    if (!proxy.ok())
        return Error{"target model " + options.proxy + ": " + proxy.error().message};
    auto &model = *proxy->model;
    auto &encoder = *proxy->encoder;
    const torch::Device device(options.device);
    const int64_t pad = encoder.padTokenId();
    const scoring::CollateFn collate = [&](const std::vector<model::EncodedSample> &s) {
        return model::collate(s, pad, device);
    };

    ChatTemplateOptions co;
    co.maxTokens = options.maxTokens;
    std::vector<model::EncodedSample> encoded;
    for (const auto &s : train) {
        auto e = encoder.encode(s, co);
        if (e.ok())
            encoded.push_back(e.takeValue());
    }
    if (encoded.empty())
        return Error{"no training sample could be encoded"};
    scoring::TrainOptions to;
    to.learningRate = options.learningRate;
    to.batchSize = options.batchSize;
    to.maxSteps = options.steps;
    const int64_t perEpoch = (static_cast<int64_t>(encoded.size()) + to.batchSize - 1) / to.batchSize;
    to.epochs = (options.steps + perEpoch - 1) / perEpoch;
    to.seed = options.seed;
    to.cosineDecay = options.cosineDecay;

    TargetResult r;
    double lossSum = 0;
    int64_t lossCount = 0;
    auto addPoint = [&](int64_t step) -> bool {
        auto accuracy = choiceAccuracy(model, encoder, test, co, collate);
        if (!accuracy)
            return false;
        CurvePoint p{step, *accuracy, lossCount > 0 ? lossSum / static_cast<double>(lossCount) : NAN};
        lossSum = 0;
        lossCount = 0;
        r.curve.push_back(p);
        if (onPoint)
            onPoint(p);
        return true;
    };
    auto steps = scoring::trainProxy(model, encoded, to, collate, [&](const scoring::TrainStep &t) {
        lossSum += t.loss;
        ++lossCount;
        if (options.evaluateEvery > 0 && t.step % options.evaluateEvery == 0 && t.step < t.total) {
            model.module().eval();
            addPoint(t.step);
            model.module().train();
        }
        return true;
    });
    if (!steps.ok())
        return steps.error();
    if (!addPoint(steps.value()))
        return Error{"no held-out question could be encoded"};
    r.accuracy = r.curve.back().accuracy;
    if (!options.saveTo.empty())
        if (Status saved = model.save(options.saveTo); !saved)
            return Error{"saving the trained model to " + options.saveTo + ": " + saved.error().message};
    if (options.evaluateEvery <= 0)
        r.curve.clear();
    r.steps = steps.value();
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return r;
}

} // namespace ost
