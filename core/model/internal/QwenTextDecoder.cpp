// Qwen2 decoder with multimodal rotary positions (M-RoPE), and the whole vision-language net.
#include "core/model/internal/QwenVLModules.h"

#include <torch/version.h>

#include <algorithm>
#include <cmath>

namespace ost::model {

namespace {

torch::Tensor rotateHalf(const torch::Tensor &x)
{
    const int64_t half = x.size(-1) / 2;
    return torch::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
}

// cos/sin [B,T,head_dim] fp32: rotary frequency j uses the temporal, height or width position
// according to the mrope_section it falls in.
std::pair<torch::Tensor, torch::Tensor> mropeCosSin(const QwenTextConfig &c, const torch::Tensor &positions)
{
    const int64_t dim = c.headDim();
    torch::Tensor invFreq = 1.0 / torch::pow(c.ropeTheta, torch::arange(0, dim, 2, torch::kFloat) / double(dim));
    if (c.ropeScaling.factor > 0) {
        // Llama 3: long wavelengths are slowed by `factor`, short ones kept, the band between
        // interpolated (transformers' _compute_llama3_parameters).
        const RopeScaling &r = c.ropeScaling;
        const double lowWave = double(r.originalMaxPositions) / r.lowFreqFactor;
        const double highWave = double(r.originalMaxPositions) / r.highFreqFactor;
        torch::Tensor wave = 2 * M_PI / invFreq;
        torch::Tensor scaled = torch::where(wave > lowWave, invFreq / r.factor, invFreq);
        torch::Tensor smooth = (double(r.originalMaxPositions) / wave - r.lowFreqFactor) / (r.highFreqFactor - r.lowFreqFactor);
        torch::Tensor between = (1 - smooth) * scaled / r.factor + smooth * scaled;
        torch::Tensor medium = (wave >= highWave) & (wave <= lowWave);
        invFreq = torch::where(medium, between, scaled);
    }
    invFreq = invFreq.to(positions.device());
    torch::Tensor freqs = positions.to(torch::kFloat).unsqueeze(-1) * invFreq; // [3,B,T,dim/2]
    std::vector<torch::Tensor> parts;
    int64_t offset = 0;
    for (size_t i = 0; i < c.mropeSection.size(); ++i) {
        parts.push_back(freqs[int64_t(i % 3)].narrow(-1, offset, c.mropeSection[i]));
        offset += c.mropeSection[i];
    }
    torch::Tensor f = torch::cat(parts, -1);
    torch::Tensor emb = torch::cat({f, f}, -1);
    return {emb.cos(), emb.sin()};
}

} // namespace

DecoderLayerImpl::DecoderLayerImpl(const QwenTextConfig &c) : config(c)
{
    const int64_t h = c.hiddenSize, q = c.numHeads * c.headDim(), kv = c.numKvHeads * c.headDim();
    auto attn = register_module("self_attn", std::make_shared<torch::nn::Module>());
    q_proj = attn->register_module("q_proj", Linear(h, q, c.attentionBias));
    k_proj = attn->register_module("k_proj", Linear(h, kv, c.attentionBias));
    v_proj = attn->register_module("v_proj", Linear(h, kv, c.attentionBias));
    o_proj = attn->register_module("o_proj", Linear(q, h, false));
    if (c.qkNorm) {
        q_norm = attn->register_module("q_norm", Norm(c.headDim(), c.rmsNormEps, true));
        k_norm = attn->register_module("k_norm", Norm(c.headDim(), c.rmsNormEps, true));
    }
    auto mlp = register_module("mlp", std::make_shared<torch::nn::Module>());
    gate_proj = mlp->register_module("gate_proj", Linear(h, c.intermediateSize, false));
    up_proj = mlp->register_module("up_proj", Linear(h, c.intermediateSize, false));
    down_proj = mlp->register_module("down_proj", Linear(c.intermediateSize, h, false));
    input_layernorm = register_module("input_layernorm", Norm(h, c.rmsNormEps, true));
    post_attention_layernorm = register_module("post_attention_layernorm", Norm(h, c.rmsNormEps, true));
}

torch::Tensor DecoderLayerImpl::forward(const torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin,
                                        const torch::Tensor &allowed)
{
    const int64_t b = x.size(0), t = x.size(1), d = config.headDim();
    torch::Tensor h = input_layernorm(x);
    const auto heads = [&](const torch::Tensor &y) { return y.view({b, t, -1, d}).transpose(1, 2); };
    const auto rotate = [&](const torch::Tensor &y) {
        torch::Tensor f = y.to(torch::kFloat);
        return (f * cos.unsqueeze(1) + rotateHalf(f) * sin.unsqueeze(1)).to(y.scalar_type());
    };
    torch::Tensor q = heads(q_proj(h));
    torch::Tensor k = heads(k_proj(h));
    if (q_norm) {
        q = q_norm(q);
        k = k_norm(k);
    }
    q = rotate(q);
    k = rotate(k);
    torch::Tensor v = heads(v_proj(h));
    torch::Tensor o = attention(q, k, v, allowed).transpose(1, 2).reshape({b, t, -1});
    torch::Tensor r = x + o_proj(o);
    torch::Tensor m = post_attention_layernorm(r);
    return r + down_proj(activate(config.hiddenAct, gate_proj(m)) * up_proj(m));
}

TextModelImpl::TextModelImpl(const QwenTextConfig &c) : config(c)
{
    auto embed = register_module("embed_tokens", std::make_shared<torch::nn::Module>());
    embedWeight = embed->register_parameter("weight", torch::empty({c.vocabSize, c.hiddenSize}));
    layers = register_module("layers", torch::nn::ModuleList());
    for (int64_t i = 0; i < c.numLayers; ++i)
        layers->push_back(DecoderLayer(c));
    norm = register_module("norm", Norm(c.hiddenSize, c.rmsNormEps, true));
}

torch::Tensor TextModelImpl::forward(const torch::Tensor &embeds, const torch::Tensor &positions,
                                     const torch::Tensor &attentionMask)
{
    return blocks(embeds, positions, attentionMask, 0, config.numLayers, true);
}

torch::Tensor TextModelImpl::blocks(const torch::Tensor &input, const torch::Tensor &positions,
                                    const torch::Tensor &attentionMask, int64_t begin, int64_t end, bool finalNorm)
{
    const int64_t t = input.size(1);
    auto [cos, sin] = mropeCosSin(config, positions);
    // Causal and not a pad key. Pad queries still see the first (real) token, so no row is empty.
    torch::Tensor causal = torch::ones({t, t}, torch::TensorOptions().dtype(torch::kBool).device(input.device())).tril();
    torch::Tensor allowed = causal.unsqueeze(0) & attentionMask.to(torch::kBool).unsqueeze(1);
    allowed = allowed.unsqueeze(1); // [B,1,T,T]
    torch::Tensor x = input;
    for (int64_t i = begin; i < end; ++i)
        x = layers[size_t(i)]->as<DecoderLayer>()->forward(x, cos, sin, allowed);
    return finalNorm ? norm(x) : x;
}

torch::Tensor mropePositions(const torch::Tensor &inputIdsIn, const torch::Tensor &maskIn, const torch::Tensor &gridIn,
                             int64_t imageTokenId, int64_t m)
{
    torch::Tensor ids = inputIdsIn.to(torch::kCPU).to(torch::kLong).contiguous();
    torch::Tensor mask = maskIn.defined() ? maskIn.to(torch::kCPU).to(torch::kLong).contiguous() : torch::ones_like(ids);
    const int64_t batch = ids.size(0), len = ids.size(1);
    torch::Tensor out = torch::zeros({3, batch, len}, torch::kLong);
    auto o = out.accessor<int64_t, 3>();
    auto idA = ids.accessor<int64_t, 2>();
    auto maskA = mask.accessor<int64_t, 2>();
    std::vector<std::array<int64_t, 3>> grids;
    if (gridIn.defined()) {
        torch::Tensor g = gridIn.to(torch::kCPU).to(torch::kLong).contiguous();
        for (int64_t i = 0; i < g.size(0); ++i)
            grids.push_back({g[i][0].item<int64_t>(), g[i][1].item<int64_t>() / m, g[i][2].item<int64_t>() / m});
    }
    size_t nextGrid = 0;
    for (int64_t b = 0; b < batch; ++b) {
        int64_t next = 0; // first position after everything placed so far
        int64_t j = 0;
        while (j < len) {
            if (!maskA[b][j]) {
                ++j;
                continue;
            }
            if (idA[b][j] != imageTokenId) {
                o[0][b][j] = o[1][b][j] = o[2][b][j] = next++;
                ++j;
                continue;
            }
            if (nextGrid >= grids.size())
                throw std::runtime_error("sample " + std::to_string(b) + " has more image blocks than image grids");
            const auto [gt, gh, gw] = grids[nextGrid++];
            // The block's tokens, in (t, h, w) order, all offset by the block start.
            for (int64_t f = 0; f < gt; ++f)
                for (int64_t y = 0; y < gh; ++y)
                    for (int64_t x = 0; x < gw; ++x) {
                        if (j >= len || !maskA[b][j] || idA[b][j] != imageTokenId)
                            throw std::runtime_error("sample " + std::to_string(b) +
                                                     ": fewer image tokens than its image grid needs");
                        o[0][b][j] = next + f;
                        o[1][b][j] = next + y;
                        o[2][b][j] = next + x;
                        ++j;
                    }
            next += std::max(gh, gw); // as transformers: the temporal extent is not counted
        }
    }
    if (nextGrid != grids.size())
        throw std::runtime_error("the batch has " + std::to_string(grids.size()) + " image grids but " +
                                 std::to_string(nextGrid) + " image blocks");
    return out.to(inputIdsIn.device());
}

QwenVLNetImpl::QwenVLNetImpl(const QwenVLConfig &c) : config(c)
{
    auto model = register_module("model", std::make_shared<torch::nn::Module>());
    if (!c.isTextOnly())
        visual = model->register_module("visual", VisionTower(c.vision, c.isQwen25()));
    languageModel = model->register_module("language_model", TextModel(c.text));
    if (!c.text.tieWordEmbeddings)
        lmHead = register_module("lm_head", Linear(c.text.hiddenSize, c.text.vocabSize, false));
}

torch::Tensor QwenVLNetImpl::lmHeadWeight() const
{
    return lmHead ? lmHead->weight : languageModel->embedWeight;
}

torch::Tensor QwenVLNetImpl::hidden(const torch::Tensor &inputIds, const torch::Tensor &attentionMask,
                                    const torch::Tensor &pixelValues, const torch::Tensor &imageGridThw)
{
    torch::Tensor x = hiddenBefore(inputIds, attentionMask, pixelValues, imageGridThw, 0);
    return hiddenFrom(x, inputIds, attentionMask, imageGridThw, 0);
}

QwenVLNetImpl::Inputs QwenVLNetImpl::inputsOf(const torch::Tensor &inputIds, const torch::Tensor &attentionMask,
                                              const torch::Tensor &imageGridThw) const
{
    const torch::Device device = languageModel->embedWeight.device();
    Inputs in;
    in.ids = inputIds.to(device);
    in.mask = attentionMask.defined() ? attentionMask.to(device) : torch::ones_like(in.ids);
    const bool hasGrid = visual && imageGridThw.defined() && imageGridThw.numel() > 0;
    in.positions = mropePositions(in.ids, in.mask, hasGrid ? imageGridThw : torch::Tensor(), config.imageTokenId,
                                  config.vision.spatialMergeSize);
    return in;
}

torch::Tensor QwenVLNetImpl::hiddenBefore(const torch::Tensor &inputIds, const torch::Tensor &attentionMask,
                                          const torch::Tensor &pixelValues, const torch::Tensor &imageGridThw,
                                          int64_t block)
{
    const bool hasImages = pixelValues.defined() && pixelValues.numel() > 0;
    const Inputs in = inputsOf(inputIds, attentionMask, hasImages ? imageGridThw : torch::Tensor());
    if (in.ids.min().item<int64_t>() < 0 || in.ids.max().item<int64_t>() >= config.text.vocabSize)
        throw std::runtime_error("token id out of range for vocab_size " + std::to_string(config.text.vocabSize));
    torch::Tensor embeds = torch::embedding(languageModel->embedWeight, in.ids);
    if (visual) {
        torch::Tensor imageMask = (in.ids == config.imageTokenId) & in.mask.to(torch::kBool);
        const int64_t imageTokens = imageMask.sum().item<int64_t>();
        if (hasImages) {
            torch::Tensor features = visual(pixelValues, imageGridThw).to(embeds.scalar_type());
            if (features.size(0) != imageTokens)
                throw std::runtime_error("image features and image tokens do not match: " + std::to_string(features.size(0)) +
                                         " features, " + std::to_string(imageTokens) + " <|image_pad|> tokens");
            embeds = embeds.masked_scatter(imageMask.unsqueeze(-1), features);
        } else if (imageTokens > 0) {
            throw std::runtime_error(std::to_string(imageTokens) + " <|image_pad|> tokens but no pixel values");
        }
    } else if (hasImages) {
        throw std::runtime_error("a text-only " + config.architecture + " model was given pixel values");
    }
    if (block == 0)
        return embeds;
    return languageModel->blocks(embeds, in.positions, in.mask, 0, block, false);
}

torch::Tensor QwenVLNetImpl::hiddenFrom(const torch::Tensor &x, const torch::Tensor &inputIds,
                                        const torch::Tensor &attentionMask, const torch::Tensor &imageGridThw,
                                        int64_t block)
{
    const Inputs in = inputsOf(inputIds, attentionMask, imageGridThw);
    return languageModel->blocks(x, in.positions, in.mask, block, config.text.numLayers, true);
}

void initialiseWeights(torch::nn::Module &net, uint64_t seed)
{
    torch::NoGradGuard noGrad;
    auto gen = at::detail::createCPUGenerator(seed);
    for (auto &item : net.named_parameters()) {
        const std::string &name = item.key();
        torch::Tensor p = item.value();
        const bool isBias = name.size() >= 5 && name.compare(name.size() - 5, 5, ".bias") == 0;
        const bool isNorm = name.find("norm") != std::string::npos || name.find("ln_q") != std::string::npos;
        torch::Tensor init = torch::empty(p.sizes(), torch::kFloat);
        if (isBias)
            init.zero_();
        else if (isNorm)
            init.fill_(1.0);
        else
            init.normal_(0.0, 0.02, gen);
        p.copy_(init);
    }
}

} // namespace ost::model
