#include "core/model/internal/GgufProxy.h"

#include "core/model/GgufQuants.h"
#include "core/model/internal/ConfigBounds.h"
#include "core/model/internal/QwenSampleEncoder.h"
#include "core/model/internal/QwenVisionLanguageModel.h"
#include "core/text/BpeTokenizer.h"

#include <map>
#include <set>

namespace ost::model {

namespace {

const std::string kLayers = "model.language_model.layers.";

std::string shapeText(const std::vector<int64_t> &shape)
{
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

// Our names for the parts of one block, and GGUF's.
const std::vector<std::pair<std::string, std::string>> &blockParts()
{
    static const std::vector<std::pair<std::string, std::string>> parts{
        {"input_layernorm.weight", "attn_norm.weight"},
        {"post_attention_layernorm.weight", "ffn_norm.weight"},
        {"self_attn.q_proj.weight", "attn_q.weight"},
        {"self_attn.q_proj.bias", "attn_q.bias"},
        {"self_attn.k_proj.weight", "attn_k.weight"},
        {"self_attn.k_proj.bias", "attn_k.bias"},
        {"self_attn.v_proj.weight", "attn_v.weight"},
        {"self_attn.v_proj.bias", "attn_v.bias"},
        {"self_attn.o_proj.weight", "attn_output.weight"},
        {"self_attn.q_norm.weight", "attn_q_norm.weight"},
        {"self_attn.k_norm.weight", "attn_k_norm.weight"},
        {"mlp.gate_proj.weight", "ffn_gate.weight"},
        {"mlp.up_proj.weight", "ffn_up.weight"},
        {"mlp.down_proj.weight", "ffn_down.weight"},
    };
    return parts;
}

// The tensors a config implies, with their PyTorch shapes, in GGUF names.
std::vector<std::pair<std::string, std::vector<int64_t>>> expectedTensors(const QwenVLConfig &c)
{
    const QwenTextConfig &t = c.text;
    const int64_t h = t.hiddenSize, q = t.numHeads * t.headDim(), kv = t.numKvHeads * t.headDim();
    std::vector<std::pair<std::string, std::vector<int64_t>>> out{{"token_embd.weight", {t.vocabSize, h}},
                                                                  {"output_norm.weight", {h}}};
    if (!t.tieWordEmbeddings)
        out.push_back({"output.weight", {t.vocabSize, h}});
    const std::map<std::string, std::vector<int64_t>> shapes{
        {"attn_norm.weight", {h}},        {"ffn_norm.weight", {h}},         {"attn_q.weight", {q, h}},
        {"attn_q.bias", {q}},             {"attn_k.weight", {kv, h}},       {"attn_k.bias", {kv}},
        {"attn_v.weight", {kv, h}},       {"attn_v.bias", {kv}},            {"attn_output.weight", {h, q}},
        {"attn_q_norm.weight", {t.headDim()}}, {"attn_k_norm.weight", {t.headDim()}},
        {"ffn_gate.weight", {t.intermediateSize, h}}, {"ffn_up.weight", {t.intermediateSize, h}},
        {"ffn_down.weight", {h, t.intermediateSize}}};
    for (int64_t l = 0; l < t.numLayers; ++l)
        for (const auto &[part, shape] : shapes) {
            const bool bias = part.size() > 5 && part.compare(part.size() - 5, 5, ".bias") == 0;
            const bool qkNorm = part == "attn_q_norm.weight" || part == "attn_k_norm.weight";
            if ((bias && !t.attentionBias) || (qkNorm && !t.qkNorm))
                continue;
            out.push_back({"blk." + std::to_string(l) + "." + part, shape});
        }
    return out;
}

// llama.cpp's converter stores q and k of llama-architecture models with the two rotary halves of
// each head interleaved (its rope pairs neighbours); transformers rotates halves. Undo it:
// [heads, 2, d/2, in] was written as [heads, d/2, 2, in].
torch::Tensor unpermuteRotary(const torch::Tensor &w, int64_t heads)
{
    const int64_t out = w.size(0), in = w.size(1);
    return w.reshape({heads, out / heads / 2, 2, in}).transpose(1, 2).reshape({out, in}).contiguous();
}

Status checkTensors(const GgufFile &file, const QwenVLConfig &c)
{
    // Block counts first, so that a header claiming 10^9 blocks fails on the first missing one.
    for (int64_t l = 0; l < c.text.numLayers; ++l)
        if (!file.tensor("blk." + std::to_string(l) + ".attn_norm.weight"))
            return Error{file.path() + ": the metadata says " + std::to_string(c.text.numLayers) +
                         " blocks but tensor 'blk." + std::to_string(l) + ".attn_norm.weight' is missing"};
    std::set<std::string> expected;
    for (const auto &[name, shape] : expectedTensors(c)) {
        const GgufTensorInfo *info = file.tensor(name);
        if (!info)
            return Error{file.path() + ": missing tensor '" + name + "' (a " + c.architecture + " model with these settings has it)"};
        if (info->torchShape() != shape)
            return Error{file.path() + ": tensor '" + name + "' has shape " + shapeText(info->torchShape()) +
                         ", the metadata implies " + shapeText(shape)};
        if (!ggmlCanDequantise(info->type))
            return Error{file.path() + ": tensor '" + name + "' has type " + ggmlTypeName(info->type) +
                         ", which this reader cannot dequantise"};
        expected.insert(name);
    }
    for (const GgufTensorInfo &info : file.tensors())
        if (!expected.count(info.name))
            return Error{file.path() + ": tensor '" + info.name + "' is not part of a " + c.architecture + " model with " +
                         std::to_string(c.text.numLayers) + " blocks" +
                         (info.name == "rope_freqs.weight" ? " (rope frequency factors are not supported)" : "")};
    return Status::success();
}

Result<LoadedProxy> fail(const Error &e) { return e; }

} // namespace

std::string ggufTensorName(const std::string &name)
{
    if (name == "model.language_model.embed_tokens.weight")
        return "token_embd.weight";
    if (name == "model.language_model.norm.weight")
        return "output_norm.weight";
    if (name == "lm_head.weight")
        return "output.weight";
    if (name.compare(0, kLayers.size(), kLayers) != 0)
        return "";
    const size_t dot = name.find('.', kLayers.size());
    if (dot == std::string::npos)
        return "";
    const std::string block = name.substr(kLayers.size(), dot - kLayers.size()), part = name.substr(dot + 1);
    for (const auto &[ours, theirs] : blockParts())
        if (ours == part)
            return "blk." + block + "." + theirs;
    return "";
}

Result<QwenVLConfig> configFromGguf(const GgufFile &f)
{
    auto arch = f.getString("general.architecture");
    if (!arch)
        return arch.error();
    const std::string a = arch.value();
    if (a != "llama" && a != "qwen2" && a != "qwen3")
        return Error{f.path() + ": architecture '" + a + "' is not supported (llama, qwen2, qwen3)"};
    QwenTextConfig t;
    const std::string p = a + ".";
    auto layers = f.getInt(p + "block_count");
    auto hidden = f.getInt(p + "embedding_length");
    auto ffn = f.getInt(p + "feed_forward_length");
    auto heads = f.getInt(p + "attention.head_count");
    auto eps = f.getReal(p + "attention.layer_norm_rms_epsilon");
    for (const auto *r : {&layers, &hidden, &ffn, &heads})
        if (!*r)
            return r->error();
    if (!eps)
        return eps.error();
    t.numLayers = layers.value();
    t.hiddenSize = hidden.value();
    t.intermediateSize = ffn.value();
    t.numHeads = heads.value();
    auto kv = f.getInt(p + "attention.head_count_kv", t.numHeads);
    auto theta = f.getReal(p + "rope.freq_base", 10000.0);
    auto keyLength = f.getInt(p + "attention.key_length", 0);
    auto scaling = f.getString(p + "rope.scaling.type", "none");
    if (!kv)
        return kv.error();
    if (!theta)
        return theta.error();
    if (!keyLength)
        return keyLength.error();
    if (!scaling)
        return scaling.error();
    if (scaling.value() != "none")
        return Error{f.path() + ": rope scaling '" + scaling.value() + "' is not supported"};
    t.numKvHeads = kv.value();
    t.rmsNormEps = eps.value();
    t.ropeTheta = theta.value();
    const GgufTensorInfo *embed = f.tensor("token_embd.weight");
    if (!embed || embed->dims.size() != 2)
        return Error{f.path() + ": no 2-D tensor 'token_embd.weight'"};
    t.vocabSize = embed->dims[1];
    t.tieWordEmbeddings = f.tensor("output.weight") == nullptr;
    QwenVLConfig c = QwenVLConfig::textOnly(a, t);
    if (t.numHeads > 0 && keyLength.value() > 0 && keyLength.value() * t.numHeads != t.hiddenSize)
        c.text.headDimOverride = keyLength.value();
    c.text.mropeSection = {c.text.headDim() / 2};
    return QwenVLConfig::validated(c, f.path());
}

Result<std::shared_ptr<Tokenizer>> tokenizerFromGguf(const GgufFile &f)
{
    auto model = f.getString("tokenizer.ggml.model");
    if (!model)
        return model.error();
    if (model.value() != "gpt2")
        return Error{f.path() + ": tokenizer model '" + model.value() + "' is not supported (only gpt2-style byte-level BPE)"};
    auto pre = f.getString("tokenizer.ggml.pre", "default");
    if (!pre)
        return pre.error();
    BpeConfig config;
    if (pre.value() == "qwen2") {
        config.preTokenizer = BpeConfig::PreTokenizer::Qwen2;
        config.nfc = true;
    } else if (pre.value() == "smollm") {
        config.preTokenizer = BpeConfig::PreTokenizer::Gpt2Digits;
        config.nfc = false;
    } else if (pre.value() == "gpt2" || pre.value() == "default") {
        config.preTokenizer = BpeConfig::PreTokenizer::Gpt2;
        config.nfc = false;
    } else {
        return Error{f.path() + ": pre-tokenizer '" + pre.value() + "' is not supported (qwen2, smollm, gpt2)"};
    }
    const GgufValue *tokens = f.find("tokenizer.ggml.tokens");
    const GgufValue *types = f.find("tokenizer.ggml.token_type");
    const GgufValue *merges = f.find("tokenizer.ggml.merges");
    if (!tokens || !tokens->isArray() || tokens->strings.empty())
        return Error{f.path() + ": no string array 'tokenizer.ggml.tokens'"};
    if (merges && !merges->isArray())
        return Error{f.path() + ": 'tokenizer.ggml.merges' is not a string array"};
    if (types && types->integers.size() != tokens->strings.size())
        return Error{f.path() + ": 'tokenizer.ggml.token_type' has " + std::to_string(types->integers.size()) +
                     " entries for " + std::to_string(tokens->strings.size()) + " tokens"};
    // Control (3) and user-defined (4) tokens are matched whole in the text, as Hugging Face's
    // added tokens are; the rest is the BPE vocabulary.
    for (size_t i = 0; i < tokens->strings.size(); ++i) {
        const int64_t type = types ? types->integers[i] : 1;
        if (type == 3 || type == 4)
            config.addedTokens.push_back({tokens->strings[i], int64_t(i), type == 3});
        else
            config.vocab.emplace_back(tokens->strings[i], int64_t(i));
    }
    const std::vector<std::string> none;
    const std::vector<std::string> &mergeList = merges ? merges->strings : none;
    config.merges.reserve(mergeList.size());
    for (size_t i = 0; i < mergeList.size(); ++i) {
        const std::string &m = mergeList[i];
        const size_t sp = m.find(' ', 1);
        if (sp == std::string::npos || sp + 1 >= m.size())
            return Error{f.path() + ": merge " + std::to_string(i) + " '" + m + "' is not two tokens separated by a space"};
        config.merges.emplace_back(m.substr(0, sp), m.substr(sp + 1));
    }
    auto tok = BpeTokenizer::create(config);
    if (!tok)
        return Error{f.path() + ": tokenizer: " + tok.error().message};
    return std::shared_ptr<Tokenizer>(tok.takeValue());
}

Result<LoadedProxy> loadGgufProxy(const std::string &path, const ProxyOptions &options, torch::ScalarType dtype)
{
    auto file = GgufFile::open(path);
    if (!file)
        return file.error();
    const GgufFile &f = *file.value();
    auto config = configFromGguf(f);
    if (!config)
        return config.error();
    if (Status sane = checkSaneBounds(config.value(), path); !sane)
        return sane.error();
    if (Status checked = checkTensors(f, config.value()); !checked)
        return checked.error();
    auto tokenizer = tokenizerFromGguf(f);
    if (!tokenizer)
        return tokenizer.error();

    std::string systemPrompt;
    if (options.chatTemplate.empty() || options.chatTemplate == "auto") {
        auto jinja = f.getString("tokenizer.chat_template");
        if (!jinja)
            return Error{jinja.error().message + " (choose a layout with --template chatml)"};
        auto prompt = chatmlDefaultSystemPrompt(jinja.value(), path);
        if (!prompt)
            return prompt.error();
        systemPrompt = prompt.value();
    } else if (options.chatTemplate == "chatml") {
        auto jinja = f.getString("tokenizer.chat_template", "");
        auto prompt = jinja ? chatmlDefaultSystemPrompt(jinja.value(), path) : Result<std::string>(std::string());
        systemPrompt = prompt ? prompt.value() : std::string();
    } else {
        return Error{"chat template '" + options.chatTemplate + "' is not one of auto, chatml"};
    }

    auto model = std::make_shared<QwenVisionLanguageModel>(config.value());
    {
        torch::NoGradGuard noGrad;
        const QwenTextConfig &t = config->text;
        for (auto &item : model->net()->named_parameters()) {
            const std::string gguf = ggufTensorName(item.key());
            const GgufTensorInfo *info = gguf.empty() ? nullptr : f.tensor(gguf);
            if (!info)
                return Error{path + ": no tensor for parameter '" + item.key() + "'"};
            torch::Tensor values = torch::empty(info->torchShape(), torch::kFloat);
            Status decoded = ggmlDequantise(info->type, info->data, info->bytes, info->numel(), values.data_ptr<float>());
            if (!decoded)
                return Error{path + ": tensor '" + gguf + "': " + decoded.error().message};
            if (config->architecture == "llama" && (gguf.find(".attn_q.weight") != std::string::npos))
                values = unpermuteRotary(values, t.numHeads);
            else if (config->architecture == "llama" && (gguf.find(".attn_k.weight") != std::string::npos))
                values = unpermuteRotary(values, t.numKvHeads);
            item.value().set_data(values.to(dtype));
        }
    }
    auto encoder = QwenSampleEncoder::create(tokenizer.value(), ImageProcessorConfig{}, config.value(), options);
    if (!encoder)
        return Error{path + ": " + encoder.error().message};
    encoder.value()->setDefaultSystemPrompt(systemPrompt);
    LoadedProxy out;
    out.model = model;
    out.encoder = encoder.value();
    out.description = config->architecture + " from " + path;
    return out;
}

} // namespace ost::model
