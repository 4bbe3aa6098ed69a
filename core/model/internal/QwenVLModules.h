#pragma once
// Qwen2-VL / Qwen2.5-VL as LibTorch modules. Module and parameter names follow the Hugging Face
// checkpoints (newer layout: model.visual.*, model.language_model.*, lm_head.*) so that loading is
// a name lookup. Layers allocate their weights uninitialised: a checkpoint overwrites them, and the
// built-in model initialises them explicitly (initialiseWeights), which keeps a 2B load fast.
#include "core/model/internal/QwenVLConfig.h"

#include <torch/torch.h>

#include <string>
#include <vector>

namespace ost::model {

class LinearImpl : public torch::nn::Module {
public:
    LinearImpl(int64_t in, int64_t out, bool withBias);
    torch::Tensor forward(const torch::Tensor &x);
    torch::Tensor weight, bias;
};
TORCH_MODULE(Linear);

// LayerNorm (Qwen2-VL vision) or RMSNorm (decoder, Qwen2.5-VL vision), computed in fp32 as the
// reference does so bf16 runs keep their statistics exact.
class NormImpl : public torch::nn::Module {
public:
    NormImpl(int64_t dim, double eps, bool rms);
    torch::Tensor forward(const torch::Tensor &x);
    torch::Tensor weight, bias;
    double eps;
    bool rms;
};
TORCH_MODULE(Norm);

torch::Tensor activate(const std::string &name, const torch::Tensor &x);

// softmax(q k^T / sqrt(d)) v with grouped kv heads. q [B,H,T,d], k/v [B,Hkv,S,d], allowed: bool
// [B,1,T,S] (true = may attend) or undefined. Returns [B,H,T,d].
torch::Tensor attention(const torch::Tensor &q, const torch::Tensor &k, const torch::Tensor &v,
                        const torch::Tensor &allowed);

// ---- vision tower ----

class VisionAttentionImpl : public torch::nn::Module {
public:
    VisionAttentionImpl(int64_t dim, int64_t heads);
    // x [N, dim]; cos/sin [N, head_dim] fp32; segments: consecutive lengths attended separately.
    torch::Tensor forward(const torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin,
                          const std::vector<int64_t> &segments);
    Linear qkv{nullptr}, proj{nullptr};
    int64_t heads;
};
TORCH_MODULE(VisionAttention);

class VisionMlpImpl : public torch::nn::Module {
public:
    VisionMlpImpl(const QwenVisionConfig &c, bool gated);
    torch::Tensor forward(const torch::Tensor &x);
    Linear fc1{nullptr}, fc2{nullptr};                        // Qwen2-VL
    Linear gate_proj{nullptr}, up_proj{nullptr}, down_proj{nullptr}; // Qwen2.5-VL
    std::string act;
};
TORCH_MODULE(VisionMlp);

class VisionBlockImpl : public torch::nn::Module {
public:
    VisionBlockImpl(const QwenVisionConfig &c, bool qwen25);
    torch::Tensor forward(const torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin,
                          const std::vector<int64_t> &segments);
    Norm norm1{nullptr}, norm2{nullptr};
    VisionAttention attn{nullptr};
    VisionMlp mlp{nullptr};
};
TORCH_MODULE(VisionBlock);

class VisionTowerImpl : public torch::nn::Module {
public:
    VisionTowerImpl(const QwenVisionConfig &c, bool qwen25);
    // pixels [patches, patchDim]; grid [n_images, 3] (t, h, w) in patches. Returns the merged
    // features [patches / merge^2, out_hidden] in the order of the image tokens.
    torch::Tensor forward(const torch::Tensor &pixels, const torch::Tensor &grid);
    QwenVisionConfig config;
    bool qwen25;
    torch::Tensor patchWeight; // patch_embed.proj.weight, Conv3d layout [E, C, Tp, P, P]
    torch::nn::ModuleList blocks;
    Norm mergerNorm{nullptr};
    Linear mergerFc1{nullptr}, mergerFc2{nullptr};
};
TORCH_MODULE(VisionTower);

// ---- text decoder ----

class DecoderLayerImpl : public torch::nn::Module {
public:
    explicit DecoderLayerImpl(const QwenTextConfig &c);
    torch::Tensor forward(const torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin,
                          const torch::Tensor &allowed);
    QwenTextConfig config;
    Linear q_proj{nullptr}, k_proj{nullptr}, v_proj{nullptr}, o_proj{nullptr};
    Linear gate_proj{nullptr}, up_proj{nullptr}, down_proj{nullptr};
    Norm input_layernorm{nullptr}, post_attention_layernorm{nullptr};
    Norm q_norm{nullptr}, k_norm{nullptr}; // Qwen3 only
};
TORCH_MODULE(DecoderLayer);

class TextModelImpl : public torch::nn::Module {
public:
    explicit TextModelImpl(const QwenTextConfig &c);
    // embeds [B,T,H]; positions [3,B,T] int64; attentionMask [B,T]. Returns normed hidden states.
    torch::Tensor forward(const torch::Tensor &embeds, const torch::Tensor &positions,
                          const torch::Tensor &attentionMask);
    // Decoder blocks [begin, end) on hidden states x (entering block `begin`), then the final norm
    // when `finalNorm`. forward() is blocks(embeds, 0, numLayers, true).
    torch::Tensor blocks(const torch::Tensor &x, const torch::Tensor &positions, const torch::Tensor &attentionMask,
                         int64_t begin, int64_t end, bool finalNorm);
    QwenTextConfig config;
    torch::Tensor embedWeight; // embed_tokens.weight
    torch::nn::ModuleList layers;
    Norm norm{nullptr};
};
TORCH_MODULE(TextModel);

// get_rope_index: 3-D (t, h, w) positions, per sample over its real (unpadded) tokens. Text runs
// continue after the largest position so far; each image block spans its merged grid.
// Pads get position 0. Throws std::runtime_error when image tokens and grids disagree.
torch::Tensor mropePositions(const torch::Tensor &inputIds, const torch::Tensor &attentionMask,
                             const torch::Tensor &imageGridThw, int64_t imageTokenId, int64_t mergeSize);

// The whole model: model.visual (absent for text-only families), model.language_model, lm_head
// (absent when tied).
class QwenVLNetImpl : public torch::nn::Module {
public:
    explicit QwenVLNetImpl(const QwenVLConfig &c);
    // Final hidden states [B,T,H] for a batch (images merged into their tokens).
    torch::Tensor hidden(const torch::Tensor &inputIds, const torch::Tensor &attentionMask,
                         const torch::Tensor &pixelValues, const torch::Tensor &imageGridThw);
    // The same in two halves: hidden states entering decoder block `block` (block 0: the token
    // embeddings with the image features merged in), and the rest of the decoder from there.
    torch::Tensor hiddenBefore(const torch::Tensor &inputIds, const torch::Tensor &attentionMask,
                               const torch::Tensor &pixelValues, const torch::Tensor &imageGridThw, int64_t block);
    torch::Tensor hiddenFrom(const torch::Tensor &x, const torch::Tensor &inputIds, const torch::Tensor &attentionMask,
                             const torch::Tensor &imageGridThw, int64_t block);
    torch::Tensor lmHeadWeight() const;
    // Token ids and mask on the model's device, and their rotary positions (M-RoPE over the image
    // blocks of `imageGridThw`, plain positions for text): what both halves of hidden() need.
    struct Inputs {
        torch::Tensor ids, mask, positions;
    };
    Inputs inputsOf(const torch::Tensor &inputIds, const torch::Tensor &attentionMask,
                    const torch::Tensor &imageGridThw) const;
    QwenVLConfig config;
    VisionTower visual{nullptr};
    TextModel languageModel{nullptr};
    Linear lmHead{nullptr};
};
TORCH_MODULE(QwenVLNet);

// Deterministic init from a seed (normal(0, 0.02) weights, zero biases, unit norms).
void initialiseWeights(torch::nn::Module &net, uint64_t seed);

} // namespace ost::model
