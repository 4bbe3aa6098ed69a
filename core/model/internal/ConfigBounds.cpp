#include "core/model/internal/ConfigBounds.h"

#include <cmath>
#include <set>

namespace ost::model {
namespace {

bool startsWith(const std::string &s, const std::string &prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

// Distinct block numbers N in names "<prefix>N.<rest>", for any of the prefixes.
std::set<int64_t> blockNumbers(const std::vector<std::string> &names, std::initializer_list<const char *> prefixes)
{
    std::set<int64_t> out;
    for (const std::string &name : names)
        for (const char *prefix : prefixes) {
            const std::string p(prefix);
            if (!startsWith(name, p))
                continue;
            int64_t n = 0;
            size_t i = p.size(), digits = 0;
            while (i < name.size() && name[i] >= '0' && name[i] <= '9' && digits < 9) {
                n = n * 10 + (name[i++] - '0');
                ++digits;
            }
            if (digits > 0 && i < name.size() && name[i] == '.')
                out.insert(n);
        }
    return out;
}

const TensorView *findAny(const SafetensorsCheckpoint &ckpt, std::initializer_list<std::string> names)
{
    for (const std::string &n : names)
        if (const TensorView *t = ckpt.find(n))
            return t;
    return nullptr;
}

std::string shapeText(const std::vector<int64_t> &shape)
{
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

} // namespace

Status checkSaneBounds(const QwenVLConfig &c, const std::string &source)
{
    struct Bound {
        int64_t value;
        int64_t max;
        const char *name;
    };
    std::vector<Bound> bounds = {
        {c.text.vocabSize, int64_t(1) << 22, "vocab_size"},
        {c.text.hiddenSize, 65536, "hidden_size"},
        {c.text.intermediateSize, 1 << 20, "intermediate_size"},
        {c.text.numLayers, 1024, "num_hidden_layers"},
        {c.text.numHeads, 1024, "num_attention_heads"},
        {c.text.numKvHeads, 1024, "num_key_value_heads"},
        {c.text.headDim(), 4096, "head_dim"},
    };
    // A text-only family (no vision tower) has vision depth 0; only a tower's sizes are bounded.
    const bool hasVision = c.vision.depth != 0;
    if (hasVision) {
        bounds.push_back({c.vision.depth, 1024, "vision_config.depth"});
        bounds.push_back({c.vision.hiddenSize, 65536, "vision_config hidden width"});
        bounds.push_back({c.vision.numHeads, 1024, "vision_config.num_heads"});
        bounds.push_back({c.vision.intermediateSize, 1 << 20, "vision_config MLP width"});
        bounds.push_back({c.vision.outHiddenSize, 65536, "vision_config output width"});
        bounds.push_back({c.vision.patchSize, 1024, "vision_config.patch_size"});
        bounds.push_back({c.vision.temporalPatchSize, 64, "vision_config.temporal_patch_size"});
        bounds.push_back({c.vision.spatialMergeSize, 64, "vision_config.spatial_merge_size"});
        bounds.push_back({c.vision.inChannels, 64, "vision_config.in_channels"});
    }
    for (const Bound &b : bounds)
        if (b.value < 0 || b.value > b.max)
            return Error{source + ": '" + b.name + "' is " + std::to_string(b.value) + ", outside 0.." +
                         std::to_string(b.max) + " (no model of this family is that large; is the file damaged?)"};
    // Each bound alone can still multiply into something no machine holds.
    const double params = static_cast<double>(c.text.numLayers) *
                              (4.0 * c.text.hiddenSize * c.text.hiddenSize + 3.0 * c.text.hiddenSize * c.text.intermediateSize) +
                          2.0 * c.text.vocabSize * c.text.hiddenSize;
    if (!(params < std::ldexp(1.0, 40)))
        return Error{source + ": the sizes describe about " + std::to_string(static_cast<int64_t>(params / 1e9)) +
                     " billion parameters, more than any model this tool can load"};
    if (!std::isfinite(c.text.rmsNormEps) || !(c.text.rmsNormEps > 0))
        return Error{source + ": 'rms_norm_eps' must be a positive number"};
    if (!std::isfinite(c.text.ropeTheta) || !(c.text.ropeTheta > 0))
        return Error{source + ": 'rope_theta' must be a positive number"};
    return Status::success();
}

Status checkAgainstCheckpoint(const QwenVLConfig &c, const SafetensorsCheckpoint &ckpt, const std::string &source)
{
    if (Status s = checkSaneBounds(c, source); !s.ok())
        return s;
    const std::vector<std::string> names = ckpt.names();
    const std::string mismatch = ": the config and the weights do not belong together";
    const auto layers = blockNumbers(names, {"model.language_model.layers.", "model.layers."});
    const int64_t layerCount = layers.empty() ? 0 : *layers.rbegin() + 1;
    if (layerCount != c.text.numLayers || static_cast<int64_t>(layers.size()) != layerCount)
        return Error{source + ": num_hidden_layers is " + std::to_string(c.text.numLayers) + " but the checkpoint holds " +
                     std::to_string(layers.size()) + " decoder layer(s)" + mismatch};
    if (c.vision.depth != 0) {
        const auto blocks = blockNumbers(names, {"model.visual.blocks.", "visual.blocks."});
        const int64_t blockCount = blocks.empty() ? 0 : *blocks.rbegin() + 1;
        if (blockCount != c.vision.depth || static_cast<int64_t>(blocks.size()) != blockCount)
            return Error{source + ": vision_config.depth is " + std::to_string(c.vision.depth) +
                         " but the checkpoint holds " + std::to_string(blocks.size()) + " vision block(s)" + mismatch};
    }
    const auto expectShape = [&](const TensorView *t, std::vector<int64_t> want, const std::string &keys) -> Status {
        if (!t || t->shape == want)
            return Status::success();
        return Error{source + ": " + keys + " give " + shapeText(want) + " but the checkpoint's " + t->name + " is " +
                     shapeText(t->shape) + mismatch};
    };
    const int64_t h = c.text.hiddenSize;
    if (Status s = expectShape(findAny(ckpt, {"model.language_model.embed_tokens.weight", "model.embed_tokens.weight"}),
                               {c.text.vocabSize, h}, "vocab_size, hidden_size");
        !s.ok())
        return s;
    if (Status s = expectShape(findAny(ckpt, {"model.language_model.layers.0.mlp.gate_proj.weight",
                                              "model.layers.0.mlp.gate_proj.weight"}),
                               {c.text.intermediateSize, h}, "intermediate_size, hidden_size");
        !s.ok())
        return s;
    if (Status s = expectShape(findAny(ckpt, {"model.language_model.layers.0.self_attn.q_proj.weight",
                                              "model.layers.0.self_attn.q_proj.weight"}),
                               {c.text.numHeads * c.text.headDim(), h}, "num_attention_heads x head_dim, hidden_size");
        !s.ok())
        return s;
    return Status::success();
}

} // namespace ost::model
