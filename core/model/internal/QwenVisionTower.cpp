// Shared layers and the Qwen2-VL / Qwen2.5-VL vision tower.
#include "core/model/internal/QwenVLModules.h"

#include <torch/version.h>

#include <cmath>
#include <map>

namespace ost::model {

LinearImpl::LinearImpl(int64_t in, int64_t out, bool withBias)
{
    weight = register_parameter("weight", torch::empty({out, in}));
    if (withBias)
        bias = register_parameter("bias", torch::empty({out}));
}

torch::Tensor LinearImpl::forward(const torch::Tensor &x)
{
    return torch::linear(x, weight, bias);
}

NormImpl::NormImpl(int64_t dim, double eps_, bool rms_) : eps(eps_), rms(rms_)
{
    weight = register_parameter("weight", torch::ones({dim}));
    if (!rms)
        bias = register_parameter("bias", torch::zeros({dim}));
}

torch::Tensor NormImpl::forward(const torch::Tensor &x)
{
    const auto dtype = x.scalar_type();
    torch::Tensor xf = x.to(torch::kFloat);
    if (!rms)
        return torch::layer_norm(xf, {xf.size(-1)}, weight.to(torch::kFloat), bias.to(torch::kFloat), eps).to(dtype);
    torch::Tensor variance = xf.pow(2).mean(-1, true);
    xf = xf * torch::rsqrt(variance + eps);
    return weight * xf.to(dtype);
}

torch::Tensor activate(const std::string &name, const torch::Tensor &x)
{
    if (name == "silu" || name == "swish")
        return torch::silu(x);
    if (name == "quick_gelu")
        return x * torch::sigmoid(1.702 * x);
    if (name == "gelu")
        return torch::gelu(x);
    if (name == "gelu_pytorch_tanh" || name == "gelu_new")
        return torch::gelu(x, "tanh");
    throw std::runtime_error("unsupported activation '" + name + "'");
}

torch::Tensor attention(const torch::Tensor &q, const torch::Tensor &kIn, const torch::Tensor &vIn,
                        const torch::Tensor &allowed)
{
    torch::Tensor k = kIn, v = vIn;
    const int64_t groups = q.size(1) / k.size(1);
    if (groups > 1) { // kv head h serves query heads h*groups .. h*groups+groups-1
        k = k.repeat_interleave(groups, 1);
        v = v.repeat_interleave(groups, 1);
    }
#if TORCH_VERSION_MAJOR >= 2
    return at::scaled_dot_product_attention(q, k, v, allowed.defined() ? c10::optional<at::Tensor>(allowed) : c10::nullopt,
                                            0.0, false);
#else
    torch::Tensor scores = torch::matmul(q, k.transpose(-2, -1)) * (1.0 / std::sqrt(double(q.size(-1))));
    if (allowed.defined())
        scores = scores.masked_fill(allowed.logical_not(), -std::numeric_limits<float>::infinity());
    torch::Tensor probs = torch::softmax(scores, -1, torch::kFloat).to(q.scalar_type());
    return torch::matmul(probs, v);
#endif
}

namespace {

torch::Tensor rotateHalf(const torch::Tensor &x)
{
    const int64_t half = x.size(-1) / 2;
    return torch::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
}

// Attention restricted to consecutive segments (one image, or one window). Segments of equal
// length are batched into one call; the outputs are put back in sequence order.
torch::Tensor segmentAttention(const torch::Tensor &q, const torch::Tensor &k, const torch::Tensor &v,
                               const std::vector<int64_t> &segments)
{
    const int64_t n = q.size(0), heads = q.size(1), d = q.size(2);
    const auto toBatch = [&](const torch::Tensor &t, int64_t count, int64_t len) {
        return t.view({count, len, heads, d}).permute({0, 2, 1, 3});
    };
    if (segments.size() == 1) {
        torch::Tensor o = attention(toBatch(q, 1, n), toBatch(k, 1, n), toBatch(v, 1, n), {});
        return o.permute({0, 2, 1, 3}).reshape({n, heads * d});
    }
    std::map<int64_t, std::vector<int64_t>> startsByLength;
    int64_t start = 0;
    for (int64_t len : segments) {
        if (len > 0)
            startsByLength[len].push_back(start);
        start += len;
    }
    std::vector<torch::Tensor> outputs, order;
    const auto longOpts = torch::TensorOptions().dtype(torch::kLong);
    for (const auto &[len, starts] : startsByLength) {
        const int64_t count = int64_t(starts.size());
        torch::Tensor idx = (torch::tensor(starts, longOpts).unsqueeze(1) + torch::arange(len, longOpts)).flatten();
        idx = idx.to(q.device());
        torch::Tensor o = attention(toBatch(q.index_select(0, idx), count, len), toBatch(k.index_select(0, idx), count, len),
                                    toBatch(v.index_select(0, idx), count, len), {});
        outputs.push_back(o.permute({0, 2, 1, 3}).reshape({count * len, heads * d}));
        order.push_back(idx);
    }
    torch::Tensor all = torch::cat(outputs, 0);
    return all.index_select(0, torch::argsort(torch::cat(order, 0)));
}

// Where each patch sits: (h, w) in patches, listed merge block by merge block, as the processor
// flattens them.
torch::Tensor visionPositions(const std::vector<std::array<int64_t, 3>> &grids, int64_t m)
{
    std::vector<int64_t> pos;
    for (const auto &[t, h, w] : grids)
        for (int64_t f = 0; f < t; ++f)
            for (int64_t bh = 0; bh < h / m; ++bh)
                for (int64_t bw = 0; bw < w / m; ++bw)
                    for (int64_t i = 0; i < m; ++i)
                        for (int64_t j = 0; j < m; ++j) {
                            pos.push_back(bh * m + i);
                            pos.push_back(bw * m + j);
                        }
    return torch::tensor(pos, torch::kLong).view({-1, 2});
}

// Qwen2.5-VL: order of merged patches grouped window by window, and the windows' lengths in patches.
void windowPlan(const std::vector<std::array<int64_t, 3>> &grids, const QwenVisionConfig &c,
                std::vector<int64_t> &index, std::vector<int64_t> &segments)
{
    const int64_t m = c.spatialMergeSize, unit = m * m;
    const int64_t win = c.windowSize / m / c.patchSize;
    int64_t offset = 0;
    for (const auto &[t, h, w] : grids) {
        const int64_t gh = h / m, gw = w / m;
        const int64_t nwh = (gh + win - 1) / win, nww = (gw + win - 1) / win;
        for (int64_t f = 0; f < t; ++f)
            for (int64_t wy = 0; wy < nwh; ++wy)
                for (int64_t wx = 0; wx < nww; ++wx) {
                    int64_t count = 0;
                    for (int64_t r = wy * win; r < std::min(gh, (wy + 1) * win); ++r)
                        for (int64_t col = wx * win; col < std::min(gw, (wx + 1) * win); ++col) {
                            index.push_back(offset + f * gh * gw + r * gw + col);
                            ++count;
                        }
                    if (count)
                        segments.push_back(count * unit);
                }
        offset += t * gh * gw;
    }
}

} // namespace

VisionAttentionImpl::VisionAttentionImpl(int64_t dim, int64_t heads_) : heads(heads_)
{
    qkv = register_module("qkv", Linear(dim, 3 * dim, true));
    proj = register_module("proj", Linear(dim, dim, true));
}

torch::Tensor VisionAttentionImpl::forward(const torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin,
                                           const std::vector<int64_t> &segments)
{
    const int64_t n = x.size(0);
    std::vector<torch::Tensor> parts = qkv(x).view({n, 3, heads, -1}).unbind(1);
    // Rotary in fp32 (as the reference), back to the compute dtype for attention.
    const auto rotate = [&](const torch::Tensor &t) {
        torch::Tensor f = t.to(torch::kFloat);
        return (f * cos.unsqueeze(1) + rotateHalf(f) * sin.unsqueeze(1)).to(t.scalar_type());
    };
    torch::Tensor o = segmentAttention(rotate(parts[0]), rotate(parts[1]), parts[2], segments);
    return proj(o);
}

VisionMlpImpl::VisionMlpImpl(const QwenVisionConfig &c, bool gated) : act(c.hiddenAct)
{
    if (gated) {
        gate_proj = register_module("gate_proj", Linear(c.hiddenSize, c.intermediateSize, true));
        up_proj = register_module("up_proj", Linear(c.hiddenSize, c.intermediateSize, true));
        down_proj = register_module("down_proj", Linear(c.intermediateSize, c.hiddenSize, true));
    } else {
        fc1 = register_module("fc1", Linear(c.hiddenSize, c.intermediateSize, true));
        fc2 = register_module("fc2", Linear(c.intermediateSize, c.hiddenSize, true));
    }
}

torch::Tensor VisionMlpImpl::forward(const torch::Tensor &x)
{
    if (fc1)
        return fc2(activate(act, fc1(x)));
    return down_proj(activate(act, gate_proj(x)) * up_proj(x));
}

VisionBlockImpl::VisionBlockImpl(const QwenVisionConfig &c, bool qwen25)
{
    norm1 = register_module("norm1", Norm(c.hiddenSize, 1e-6, qwen25));
    norm2 = register_module("norm2", Norm(c.hiddenSize, 1e-6, qwen25));
    attn = register_module("attn", VisionAttention(c.hiddenSize, c.numHeads));
    mlp = register_module("mlp", VisionMlp(c, qwen25));
}

torch::Tensor VisionBlockImpl::forward(const torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin,
                                       const std::vector<int64_t> &segments)
{
    torch::Tensor h = x + attn(norm1(x), cos, sin, segments);
    return h + mlp(norm2(h));
}

VisionTowerImpl::VisionTowerImpl(const QwenVisionConfig &c, bool qwen25_) : config(c), qwen25(qwen25_)
{
    auto patchEmbed = register_module("patch_embed", std::make_shared<torch::nn::Module>());
    auto proj = patchEmbed->register_module("proj", std::make_shared<torch::nn::Module>());
    patchWeight = proj->register_parameter(
        "weight", torch::empty({c.hiddenSize, c.inChannels, c.temporalPatchSize, c.patchSize, c.patchSize}));
    blocks = register_module("blocks", torch::nn::ModuleList());
    for (int64_t i = 0; i < c.depth; ++i)
        blocks->push_back(VisionBlock(c, qwen25));
    const int64_t merged = c.hiddenSize * c.spatialMergeSize * c.spatialMergeSize;
    auto merger = register_module("merger", std::make_shared<torch::nn::Module>());
    mergerNorm = merger->register_module("ln_q", Norm(c.hiddenSize, 1e-6, qwen25));
    auto mlp = merger->register_module("mlp", std::make_shared<torch::nn::Module>());
    mergerFc1 = mlp->register_module("0", Linear(merged, merged, true));
    mergerFc2 = mlp->register_module("2", Linear(merged, c.outHiddenSize, true));
}

torch::Tensor VisionTowerImpl::forward(const torch::Tensor &pixels, const torch::Tensor &grid)
{
    const int64_t m = config.spatialMergeSize, unit = m * m;
    torch::Tensor gridCpu = grid.to(torch::kCPU).to(torch::kLong).contiguous();
    std::vector<std::array<int64_t, 3>> grids;
    int64_t expected = 0;
    std::vector<int64_t> fullSegments;
    for (int64_t i = 0; i < gridCpu.size(0); ++i) {
        const int64_t t = gridCpu[i][0].item<int64_t>(), h = gridCpu[i][1].item<int64_t>(), w = gridCpu[i][2].item<int64_t>();
        if (t <= 0 || h <= 0 || w <= 0 || h % m || w % m)
            throw std::runtime_error("image grid " + std::to_string(i) + " (" + std::to_string(t) + "x" + std::to_string(h) +
                                     "x" + std::to_string(w) + ") is not a multiple of the merge size");
        grids.push_back({t, h, w});
        for (int64_t f = 0; f < t; ++f)
            fullSegments.push_back(h * w);
        expected += t * h * w;
    }
    if (pixels.dim() != 2 || pixels.size(0) != expected || pixels.size(1) != config.patchDim())
        throw std::runtime_error("pixel values " + c10::str(pixels.sizes()) + " do not match the image grids (" +
                                 std::to_string(expected) + " patches of " + std::to_string(config.patchDim()) + ")");

    const auto dtype = patchWeight.scalar_type();
    const auto device = patchWeight.device();
    // Conv3d with stride = kernel over one patch is a matmul with the flattened kernel.
    torch::Tensor x = torch::matmul(pixels.to(device, dtype), patchWeight.view({config.hiddenSize, -1}).t());

    const int64_t headDim = config.hiddenSize / config.numHeads;
    const int64_t spatialDim = headDim / 2;
    torch::Tensor invFreq =
        1.0 / torch::pow(config.ropeTheta, torch::arange(0, spatialDim, 2, torch::kFloat) / double(spatialDim));
    torch::Tensor pos = visionPositions(grids, m).to(torch::kFloat);
    torch::Tensor freqs = torch::cat({pos.select(1, 0).unsqueeze(1) * invFreq, pos.select(1, 1).unsqueeze(1) * invFreq}, 1);
    torch::Tensor emb = torch::cat({freqs, freqs}, 1).to(device);
    torch::Tensor cos = emb.cos(), sin = emb.sin();

    std::vector<int64_t> windowSegments;
    torch::Tensor windowIndex;
    const auto byWindow = [&](const torch::Tensor &t) {
        return t.view({-1, unit, t.size(-1)}).index_select(0, windowIndex).view({-1, t.size(-1)});
    };
    if (qwen25) {
        std::vector<int64_t> index;
        windowPlan(grids, config, index, windowSegments);
        windowIndex = torch::tensor(index, torch::kLong).to(device);
        x = byWindow(x);
        cos = byWindow(cos);
        sin = byWindow(sin);
    }
    for (size_t i = 0; i < blocks->size(); ++i) {
        bool full = !qwen25;
        for (int64_t b : config.fullattBlockIndexes)
            full = full || b == int64_t(i);
        x = blocks[i]->as<VisionBlock>()->forward(x, cos, sin, full ? fullSegments : windowSegments);
    }
    torch::Tensor merged = mergerFc2(torch::gelu(mergerFc1(mergerNorm(x).view({-1, config.hiddenSize * unit}))));
    if (qwen25)
        merged = merged.index_select(0, torch::argsort(windowIndex));
    return merged;
}

} // namespace ost::model
