#include "core/jobs/internal/ScoringWorker.h"

#include <cmath>

#include "core/jobs/internal/OutOfMemory.h"
#include "core/jobs/internal/PaddedGroups.h"
#include "core/ost/internal/Baselines.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

namespace ost::jobs {

namespace {
using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }
} // namespace

void ChunkResult::append(ChunkResult &&part)
{
    rows.insert(rows.end(), part.rows.begin(), part.rows.end());
    errors.insert(part.errors.begin(), part.errors.end());
    time.add(part.time);
    attributions.merge(part.attributions);
}

ScoringWorker::ScoringWorker(RunSettings settings, model::LoadedProxy proxy, torch::Device device,
                             const JobHooks &hooks)
    : m_settings(std::move(settings)), m_proxy(std::move(proxy)), m_device(device), m_hooks(hooks)
{
}

scoring::CollateFn ScoringWorker::collateFn() const
{
    const int64_t pad = m_proxy.encoder->padTokenId();
    const torch::Device device = m_device;
    const JobHooks &hooks = m_hooks;
    return [pad, device, &hooks](const std::vector<model::EncodedSample> &s) {
        return hooks.collate ? hooks.collate(s, pad, device) : model::collate(s, pad, device);
    };
}

std::string ScoringWorker::primaryMethod() const
{
    return m_settings.utilityMethod();
}

Status ScoringWorker::prepare(const std::vector<Sample> &reference, std::optional<double> referenceLoss,
                             const PhaseProgress &progress)
{
    ChatTemplateOptions options;
    options.maxTokens = m_settings.maxTokens;
    std::vector<model::EncodedSample> encoded;
    m_referenceIds.clear();
    for (const auto &s : reference) {
        auto e = m_proxy.encoder->encode(s, options);
        if (!e.ok()) {
            spdlog::warn("reference sample {} left out of V: {}", s.id, e.error().message);
            continue;
        }
        encoded.push_back(e.takeValue());
        m_referenceIds.push_back(s.id);
    }
    if (encoded.empty())
        return Error{"the reference set V has no usable sample (every one failed to encode; see the log)"};
    // V is collated in batches of --batch and stays on the device for the run. On out-of-memory (a
    // full GPU) it is collated again in halves, down to one sample at a time, as the scoring batches are.
    size_t step = std::min(encoded.size(), static_cast<size_t>(std::max<int64_t>(1, m_settings.batchSize)));
    for (;;) {
        try {
            return prepareScorers(encoded, step, referenceLoss, progress);
        } catch (const scoring::ReferencePassStopped &) {
            m_exact.reset();
            m_fast.reset();
            m_reference.reset();
            return Error{kStoppedMessage};
        } catch (const std::exception &e) {
            m_exact.reset();
            m_fast.reset();
            m_reference.reset();
            if (!isOutOfMemory(e))
                throw;
            if (step == 1)
                return Error{"out of memory on " + m_device.str() +
                             " evaluating the reference set V one sample at a time: " + errorMessage(e)};
            releaseCachedMemory();
            step = std::max<size_t>(1, step / 2);
            spdlog::warn("out of memory on {} evaluating the reference set V: retrying with {} samples at a time",
                         m_device.str(), step);
        }
    }
}

Status ScoringWorker::prepareScorers(const std::vector<model::EncodedSample> &encoded, size_t step,
                                     std::optional<double> referenceLoss, const PhaseProgress &progress)
{
    const int64_t total = static_cast<int64_t>(encoded.size());
    const auto phase = [&](const std::string &name) -> scoring::ReferenceProgress {
        if (!progress)
            return {};
        progress(name, 0, total);
        return [&progress, name, total](int64_t done) { return progress(name, done, total); };
    };
    const auto collate = collateFn();
    std::vector<model::ModelBatch> batches;
    for (const auto &[begin, end] : paddedGroups(encoded, step, forwardTokenBudget(m_device)))
        batches.push_back(collate({encoded.begin() + begin, encoded.begin() + end}));
    m_reference = std::make_unique<scoring::ReferenceLoss>(std::move(batches));

    auto &model = *m_proxy.model;
    model.module().eval();
    auto params = scoring::selectParameters(model, m_settings.parameterScope);
    if (!params.ok())
        return params.error();
    // A step on the last blocks only leaves V's hidden states below them as they are: computed
    // once here, every L_V(θ') then runs only the stepped blocks, the norm and the head.
    const int block = scoring::firstSteppedBlock(model, params.value());
    if (block >= 0)
        m_reference->cachePrefix(model, block, phase("V: hidden states below the step"));
    if (m_settings.mode == ScoringMode::Fast) {
        m_referenceLoss = referenceLoss ? *referenceLoss : m_reference->evaluate(model, phase("L_V(θ)"));
        if (m_settings.stepRule != "sgd")
            return Error{"fast mode approximates the SGD step only; use --step sgd or --mode exact"};
        m_fast = std::make_unique<scoring::FastOneStepScorer>(model, params.takeValue(), *m_reference,
                                                              m_settings.learningRate, phase("∇L_V"));
    } else {
        auto rule = scoring::StepRule::parse(m_settings.stepRule, m_settings.learningRate);
        if (!rule.ok())
            return rule.error();
        // Per-reference attribution needs every L_v(θ), also on a resume that reuses the stored
        // L_V(θ) (the utility keeps subtracting from that one; the two agree to rounding).
        std::vector<double> perReference = m_reference->perSampleLosses(model, phase("L_V(θ)"));
        m_referenceLoss = referenceLoss.value_or(scoring::ReferenceLoss::mean(perReference));
        m_exact = std::make_unique<scoring::ExactOneStepScorer>(model, params.takeValue(), *m_reference,
                                                                rule.value(), m_referenceLoss, std::move(perReference));
    }
    return {};
}

ChunkResult ScoringWorker::scoreChunk(const std::vector<const Sample *> &samples)
{
    ChunkResult out;
    auto &model = *m_proxy.model;
    const auto collate = collateFn();
    ChatTemplateOptions options;
    options.maxTokens = m_settings.maxTokens;

    // Encoding failures become "error" rows; the rest is scored together.
    std::vector<const Sample *> ok;
    std::vector<model::EncodedSample> encoded;
    auto t = Clock::now();
    for (const Sample *s : samples) {
        auto e = m_proxy.encoder->encode(*s, options);
        if (!e.ok()) {
            out.errors[s->id] = e.error().message;
            out.rows.push_back({s->id, s->contentHash, "error", 0.0});
            continue;
        }
        ok.push_back(s);
        encoded.push_back(e.takeValue());
    }
    const double encodeSeconds = since(t);
    if (encoded.empty())
        return out;
    const std::string primary = primaryMethod();
    auto addRow = [&](size_t i, const std::string &method, double v) {
        // A NaN utility (NaN weights, an overflowing loss) would rank anywhere without a word.
        if (method == primary && !std::isfinite(v)) {
            out.errors[ok[i]->id] = "sample '" + ok[i]->id + "': its utility is " + std::to_string(v) +
                                    " (not finite: NaN weights or a loss that overflowed)";
            out.rows.push_back({ok[i]->id, ok[i]->contentHash, "error", 0.0});
            return;
        }
        out.rows.push_back({ok[i]->id, ok[i]->contentHash, method, v});
    };

    // One forward per padded group (PaddedGroups.h: on a CPU a few samples at a time), results in order.
    const auto perGroup = [&](const std::vector<model::EncodedSample> &samples, const auto &forward) {
        std::vector<double> values;
        for (const auto &[begin, end] : paddedGroups(samples, samples.size(), forwardTokenBudget(m_device))) {
            const auto part = forward(collate({samples.begin() + begin, samples.begin() + end}));
            values.insert(values.end(), part.begin(), part.end());
        }
        return values;
    };
    const auto lossesOf = [&](const std::vector<model::EncodedSample> &samples) {
        return perGroup(samples, [&](const model::ModelBatch &b) { return scoring::batchLosses(model, b); });
    };

    t = Clock::now();
    // The exact step needs each sample's own loss at θ anyway: it is the loss baseline, for free.
    std::vector<double> losses;
    if (m_fast) {
        const bool wantLoss = std::find(m_settings.baselines.begin(), m_settings.baselines.end(), "loss") !=
                                  m_settings.baselines.end() ||
                              std::find(m_settings.baselines.begin(), m_settings.baselines.end(), "ifd") !=
                                  m_settings.baselines.end();
        const auto u = perGroup(encoded, [&](const model::ModelBatch &b) {
            std::vector<double> groupLosses;
            auto values = m_fast->score(b, wantLoss ? &groupLosses : nullptr);
            losses.insert(losses.end(), groupLosses.begin(), groupLosses.end());
            return values;
        });
        for (size_t i = 0; i < u.size(); ++i)
            addRow(i, primary, u[i]);
    } else {
        for (size_t i = 0; i < encoded.size(); ++i) {
            auto outcome = m_exact->score(collate({encoded[i]}));
            addRow(i, primary, outcome.utility);
            if (std::isfinite(outcome.utility)) // else an error row, and nothing to attribute
                out.attributions[ok[i]->id] = std::move(outcome.referenceDeltas);
            losses.push_back(outcome.loss);
        }
    }
    out.time.seconds[primary] = since(t) + encodeSeconds;

    for (const auto &method : m_settings.baselines) {
        t = Clock::now();
        if (method == "loss" || (method == "ifd" && losses.empty())) {
            if (losses.empty())
                losses = lossesOf(encoded);
            if (method == "loss")
                for (size_t i = 0; i < losses.size(); ++i)
                    addRow(i, "loss", losses[i]);
        }
        if (method == "ifd") {
            ChatTemplateOptions answerOnly = options;
            answerOnly.includeQuestion = false;
            std::vector<model::EncodedSample> alone;
            std::vector<size_t> which;
            for (size_t i = 0; i < ok.size(); ++i) {
                auto e = m_proxy.encoder->encode(*ok[i], answerOnly);
                if (e.ok()) {
                    alone.push_back(e.takeValue());
                    which.push_back(i);
                }
            }
            if (!alone.empty()) {
                const auto unconditional = lossesOf(alone);
                for (size_t k = 0; k < which.size(); ++k)
                    addRow(which[k], "ifd", scoring::ifdRatio(losses[which[k]], unconditional[k]));
            }
            // ifd includes the conditional forward it needs, even when "loss" already paid for it.
            if (out.time.seconds.count("loss"))
                out.time.seconds["ifd"] += out.time.seconds["loss"];
        } else if (method == "length") {
            for (size_t i = 0; i < ok.size(); ++i)
                addRow(i, "length", static_cast<double>(ok[i]->answer().size()));
        } else if (method == "random") {
            for (size_t i = 0; i < ok.size(); ++i)
                addRow(i, "random", scoring::randomScore(m_settings.seed, ok[i]->id));
        }
        out.time.seconds[method] += since(t);
    }
    return out;
}

} // namespace ost::jobs
