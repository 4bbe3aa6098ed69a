#pragma once
// A tiny stand-in for the proxy model, for testing the OST engine without the real Qwen2-VL code:
// token embedding + a learned "vision" bias + K residual tanh blocks + LM head, trained on a
// per-token next-token loss. Its encoder maps bytes to ids mod the vocabulary; a sample whose
// answer contains "FAIL" fails to encode (to test error paths).
#include "core/model/internal/VisionLanguageModel.h"

#include <string>

namespace ost::testing {

struct ToyNetImpl : torch::nn::Module {
    ToyNetImpl(int64_t vocab, int64_t dim, int blocks) : vocab(vocab)
    {
        embed = register_module("embed", torch::nn::Embedding(vocab, dim));
        visionBias = register_parameter("vision_bias", torch::zeros({dim}));
        for (int i = 0; i < blocks; ++i)
            layers.push_back(register_module("block" + std::to_string(i), torch::nn::Linear(dim, dim)));
        head = register_module("head", torch::nn::Linear(dim, vocab));
    }
    torch::Tensor forward(const torch::Tensor &ids) { return from(before(ids, 0), 0); }
    // Hidden states entering block k, and the logits from block k's input on.
    torch::Tensor before(const torch::Tensor &ids, int k)
    {
        torch::Tensor h = embed(ids) + visionBias;
        for (int i = 0; i < k; ++i)
            h = h + torch::tanh(layers[size_t(i)](h));
        return h;
    }
    torch::Tensor from(torch::Tensor h, int k)
    {
        for (size_t i = size_t(k); i < layers.size(); ++i)
            h = h + torch::tanh(layers[i](h));
        return head(h);
    }
    int64_t vocab;
    torch::nn::Embedding embed{nullptr};
    torch::Tensor visionBias;
    std::vector<torch::nn::Linear> layers;
    torch::nn::Linear head{nullptr};
};
TORCH_MODULE(ToyNet);

class ToyModel : public model::VisionLanguageModel {
public:
    explicit ToyModel(uint64_t seed = 1, int blocks = 2, int64_t vocab = 40, int64_t dim = 12)
    {
        torch::manual_seed(seed);
        net = ToyNet(vocab, dim, blocks);
        m_blocks = blocks;
        net->eval();
    }
    torch::Tensor logits(const model::ModelBatch &b) override { return net->forward(b.inputIds); }
    torch::Tensor perSampleLoss(const model::ModelBatch &b) override { return lossOf(b, logits(b)); }
    torch::Tensor hiddenBeforeBlock(const model::ModelBatch &b, int block) override
    {
        torch::NoGradGuard noGrad;
        return net->before(b.inputIds, block);
    }
    torch::Tensor perSampleLossFrom(const model::ModelBatch &b, const torch::Tensor &h, int block) override
    {
        return lossOf(b, net->from(h, block));
    }
    bool readsImages() const override { return true; }
    torch::Tensor lossOf(const model::ModelBatch &b, const torch::Tensor &lg)
    {
        const int64_t T = lg.size(1);
        const torch::Tensor pred = lg.narrow(1, 0, T - 1);
        const torch::Tensor target = b.labels.narrow(1, 1, T - 1);
        const torch::Tensor mask = target.ne(kIgnoreIndex).to(lg.scalar_type());
        const torch::Tensor ce = torch::nn::functional::cross_entropy(
            pred.reshape({-1, pred.size(2)}), target.clamp_min(0).reshape({-1}),
            torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kNone));
        const torch::Tensor perToken = ce.reshape(target.sizes()) * mask;
        return perToken.sum(1) / mask.sum(1).clamp_min(1);
    }
    torch::nn::Module &module() override { return *net; }
    std::string architecture() const override { return "toy"; }
    bool isLanguageParameter(const std::string &name) const override { return name != "vision_bias"; }
    int decoderBlockOf(const std::string &name) const override
    {
        if (name.rfind("block", 0) != 0)
            return -1;
        return std::stoi(name.substr(5, name.find('.') - 5));
    }
    int decoderBlockCount() const override { return m_blocks; }
    Status save(const std::string &) const override { return Error{"toy model cannot save"}; }

    ToyNet net{nullptr};

private:
    int m_blocks = 0;
};

class ToyTokenizer : public Tokenizer {
public:
    std::vector<int64_t> encode(const std::string &text) const override
    {
        std::vector<int64_t> ids;
        for (unsigned char c : text)
            ids.push_back(1 + c % 39);
        return ids;
    }
    std::string decode(const std::vector<int64_t> &) const override { return {}; }
    int64_t vocabSize() const override { return 40; }
    std::optional<int64_t> tokenId(const std::string &) const override { return std::nullopt; }
};

class ToyEncoder : public model::SampleEncoder {
public:
    Result<model::EncodedSample> encode(const Sample &s, const ChatTemplateOptions &o = {}) const override
    {
        // Read the turns directly (not Sample::question()) so the toy needs nothing from core/data.
        const std::string question = s.turns.empty() ? "" : s.turns.front().content;
        const std::string answer = s.turns.empty() ? "" : s.turns.back().content;
        if (answer.find("FAIL") != std::string::npos)
            return Error{"sample " + s.id + ": image 'missing.png' not found"};
        std::vector<int64_t> ids = {1}, labels = {kIgnoreIndex};
        if (o.includeQuestion)
            for (int64_t t : m_tok.encode(question)) {
                ids.push_back(t);
                labels.push_back(kIgnoreIndex);
            }
        for (int64_t t : m_tok.encode(answer)) {
            ids.push_back(t);
            labels.push_back(t);
        }
        if (o.maxTokens > 0 && static_cast<int64_t>(ids.size()) > o.maxTokens)
            return Error{"sample " + s.id + ": " + std::to_string(ids.size()) + " tokens, more than the limit"};
        model::EncodedSample e;
        e.id = s.id;
        e.inputIds = torch::tensor(ids, torch::kLong);
        e.labels = torch::tensor(labels, torch::kLong);
        e.answerTokens = static_cast<int64_t>(answer.size());
        return e;
    }
    const Tokenizer &tokenizer() const override { return m_tok; }
    int64_t padTokenId() const override { return 0; }

private:
    ToyTokenizer m_tok;
};

inline model::ModelBatch toyCollate(const std::vector<model::EncodedSample> &samples, int64_t pad = 0)
{
    int64_t T = 0;
    for (const auto &s : samples)
        T = std::max<int64_t>(T, s.inputIds.size(0));
    const int64_t B = static_cast<int64_t>(samples.size());
    model::ModelBatch b;
    b.inputIds = torch::full({B, T}, pad, torch::kLong);
    b.labels = torch::full({B, T}, kIgnoreIndex, torch::kLong);
    b.attentionMask = torch::zeros({B, T}, torch::kLong);
    for (int64_t i = 0; i < B; ++i) {
        const int64_t n = samples[i].inputIds.size(0);
        b.inputIds[i].narrow(0, 0, n).copy_(samples[i].inputIds);
        b.labels[i].narrow(0, 0, n).copy_(samples[i].labels);
        b.attentionMask[i].narrow(0, 0, n).fill_(1);
    }
    return b;
}

inline Sample toySample(const std::string &id, const std::string &question, const std::string &answer)
{
    Sample s;
    s.id = id;
    s.turns = {{"user", question}, {"assistant", answer}};
    s.contentHash = id + "#" + answer;
    return s;
}

} // namespace ost::testing
