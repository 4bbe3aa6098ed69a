#include "core/model/internal/QwenVLConfig.h"
#include "core/common/MessageText.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

namespace ost::model {

namespace {

using nlohmann::json;

// Reads `key` from the first object in `sources` that has it (nested text_config first, then the
// top level), so both config layouts work.
template <class T>
bool readFirst(const std::vector<const json *> &sources, const char *key, T &out)
{
    for (const json *s : sources) {
        if (s && s->is_object() && s->contains(key) && !(*s)[key].is_null()) {
            out = (*s)[key].get<T>();
            return true;
        }
    }
    return false;
}

// nlohmann converts a JSON float to an integer with a plain cast, which is undefined behaviour
// beyond the int64 range ("image_token_id": 3104444...4, 51 digits, is read as a float; found by
// fuzz_config). No config value is that large: such a number is refused before any field is read.
bool hasHugeNumber(const json &j)
{
    if (j.is_number_float())
        return !(std::fabs(j.get<double>()) < 9.0e18);
    if (j.is_structured())
        for (const json &v : j)
            if (hasHugeNumber(v))
                return true;
    return false;
}

std::string architectureOf(const json &j)
{
    // model_type is authoritative; architectures is the fallback for hand-written configs.
    // Not j.value(): a model_type that is not a string would throw out of fromJson (found by fuzz_config).
    const auto mt = j.find("model_type");
    std::string type = mt != j.end() && mt->is_string() ? mt->get<std::string>() : std::string();
    if (type == "qwen2_vl" || type == "qwen2_5_vl" || type == "qwen2" || type == "llama" || type == "qwen3")
        return type;
    if (j.contains("architectures") && j["architectures"].is_array()) {
        for (const json &a : j["architectures"]) {
            const std::string name = a.is_string() ? a.get<std::string>() : std::string();
            if (name == "Qwen2VLForConditionalGeneration" || name == "Qwen2VLModel")
                return "qwen2_vl";
            if (name == "Qwen2_5_VLForConditionalGeneration" || name == "Qwen2_5_VLModel")
                return "qwen2_5_vl";
            if (name == "Qwen2ForCausalLM")
                return "qwen2";
            if (name == "LlamaForCausalLM")
                return "llama";
            if (name == "Qwen3ForCausalLM")
                return "qwen3";
        }
        if (type.empty() && !j["architectures"].empty() && j["architectures"][0].is_string())
            type = j["architectures"][0].get<std::string>();
    }
    return type.empty() ? std::string("(none)") : "!" + type;
}

} // namespace

Result<QwenVLConfig> QwenVLConfig::load(const std::string &configPath)
{
    std::ifstream in(configPath, std::ios::binary);
    if (!in)
        return Error{"cannot read " + configPath};
    std::stringstream ss;
    ss << in.rdbuf();
    return fromJson(ss.str(), configPath);
}

Result<QwenVLConfig> QwenVLConfig::fromJson(const std::string &text, const std::string &source)
{
    json j;
    try {
        j = json::parse(text);
    } catch (const std::exception &e) {
        return Error{source + " is not valid JSON: " + e.what()};
    }
    if (!j.is_object())
        return Error{source + " is not a JSON object"};
    if (hasHugeNumber(j))
        return Error{source + " holds a number beyond 9e18, which no config value can be"};

    QwenVLConfig c;
    c.architecture = architectureOf(j);
    if (c.architecture[0] == '!' || c.architecture == "(none)")
        return Error{"unsupported architecture " + escapeControls(c.architecture[0] == '!' ? c.architecture.substr(1) : c.architecture) +
                     " in " + source + " (supported: qwen2_vl, qwen2_5_vl, qwen2, llama, qwen3)"};
    if (c.isTextOnly())
        c = textOnly(c.architecture, {});

    try {
        const json *textCfg = j.contains("text_config") && j["text_config"].is_object() ? &j["text_config"] : nullptr;
        const std::vector<const json *> textSources{textCfg, &j};
        QwenTextConfig &t = c.text;
        readFirst(textSources, "vocab_size", t.vocabSize);
        readFirst(textSources, "hidden_size", t.hiddenSize);
        readFirst(textSources, "intermediate_size", t.intermediateSize);
        readFirst(textSources, "num_hidden_layers", t.numLayers);
        readFirst(textSources, "num_attention_heads", t.numHeads);
        if (!readFirst(textSources, "num_key_value_heads", t.numKvHeads))
            t.numKvHeads = t.numHeads;
        readFirst(textSources, "rms_norm_eps", t.rmsNormEps);
        readFirst(textSources, "hidden_act", t.hiddenAct);
        // The top-level flag wins when true (transformers ties when either says so).
        bool tieTop = false, tieText = false;
        readFirst({&j}, "tie_word_embeddings", tieTop);
        readFirst({textCfg}, "tie_word_embeddings", tieText);
        t.tieWordEmbeddings = tieTop || tieText;

        readFirst(textSources, "rope_theta", t.ropeTheta);
        for (const char *key : {"rope_parameters", "rope_scaling"}) {
            json rope;
            if (!readFirst(textSources, key, rope) || !rope.is_object())
                continue;
            const std::string type = rope.value("rope_type", rope.value("type", std::string("default")));
            if (type == "llama3") {
                t.ropeScaling.factor = rope.value("factor", 0.0);
                t.ropeScaling.lowFreqFactor = rope.value("low_freq_factor", 1.0);
                t.ropeScaling.highFreqFactor = rope.value("high_freq_factor", 4.0);
                t.ropeScaling.originalMaxPositions = rope.value("original_max_position_embeddings", int64_t(8192));
                if (t.ropeScaling.factor <= 0 || t.ropeScaling.highFreqFactor <= t.ropeScaling.lowFreqFactor)
                    return Error{"llama3 rope scaling in " + source + " needs factor > 0 and high_freq_factor > low_freq_factor"};
            } else if (type != "default" && type != "mrope") {
                return Error{"unsupported rope type " + quotedValue(type) + " in " + source};
            }
            if (rope.contains("rope_theta"))
                t.ropeTheta = rope["rope_theta"].get<double>();
            if (rope.contains("mrope_section"))
                t.mropeSection = rope["mrope_section"].get<std::vector<int64_t>>();
        }

        readFirst({&j, textCfg}, "image_token_id", c.imageTokenId);
        readFirst({&j, textCfg}, "video_token_id", c.videoTokenId);
        readFirst({&j, textCfg}, "vision_start_token_id", c.visionStartTokenId);
        readFirst({&j, textCfg}, "vision_end_token_id", c.visionEndTokenId);
        c.tokenizerKind = j.value("ost_tokenizer", std::string());
        if (c.isTextOnly()) {
            if (c.architecture != "qwen2")
                readFirst(textSources, "attention_bias", t.attentionBias);
            readFirst(textSources, "head_dim", t.headDimOverride);
            bool mlpBias = false;
            readFirst(textSources, "mlp_bias", mlpBias);
            if (mlpBias)
                return Error{source + ": mlp_bias is not supported"};
        }
    } catch (const std::exception &e) {
        return Error{source + ": unexpected value type: " + e.what()};
    }
    if (c.isTextOnly()) {
        if (c.text.headDim() > 0)
            c.text.mropeSection = {c.text.headDim() / 2};
        return validated(c, source);
    }
    try {
        if (!j.contains("vision_config") || !j["vision_config"].is_object())
            return Error{source + " has no vision_config"};
        const json &vj = j["vision_config"];
        QwenVisionConfig &v = c.vision;
        v.depth = vj.value("depth", int64_t(0));
        v.numHeads = vj.value("num_heads", int64_t(0));
        v.inChannels = vj.value("in_channels", vj.value("in_chans", int64_t(3)));
        v.patchSize = vj.value("patch_size", vj.value("spatial_patch_size", int64_t(14)));
        v.temporalPatchSize = vj.value("temporal_patch_size", int64_t(2));
        v.spatialMergeSize = vj.value("spatial_merge_size", int64_t(2));
        if (vj.contains("rope_parameters") && vj["rope_parameters"].is_object())
            v.ropeTheta = vj["rope_parameters"].value("rope_theta", v.ropeTheta);
        if (c.isQwen25()) {
            v.hiddenSize = vj.value("hidden_size", int64_t(0));
            v.intermediateSize = vj.value("intermediate_size", int64_t(0));
            v.outHiddenSize = vj.value("out_hidden_size", c.text.hiddenSize);
            v.hiddenAct = vj.value("hidden_act", std::string("silu"));
            v.windowSize = vj.value("window_size", int64_t(112));
            v.fullattBlockIndexes = vj.value("fullatt_block_indexes", std::vector<int64_t>{});
        } else {
            // Qwen2-VL: embed_dim is the block width, hidden_size the merger's output.
            v.hiddenSize = vj.value("embed_dim", int64_t(0));
            v.intermediateSize = v.hiddenSize * vj.value("mlp_ratio", int64_t(4));
            v.outHiddenSize = vj.value("hidden_size", c.text.hiddenSize);
            v.hiddenAct = vj.value("hidden_act", std::string("quick_gelu"));
        }
    } catch (const std::exception &e) {
        return Error{source + ": unexpected value type: " + e.what()};
    }

    return validated(c, source);
}

Result<QwenVLConfig> QwenVLConfig::validated(QwenVLConfig c, const std::string &source)
{
    const auto positive = [&](int64_t value, const char *name) -> std::optional<Error> {
        if (value <= 0)
            return Error{source + ": '" + name + "' is missing or not positive"};
        return std::nullopt;
    };
    std::vector<std::pair<int64_t, const char *>> sizes{
        {c.text.vocabSize, "vocab_size"}, {c.text.hiddenSize, "hidden_size"},
        {c.text.intermediateSize, "intermediate_size"}, {c.text.numLayers, "num_hidden_layers"},
        {c.text.numHeads, "num_attention_heads"}, {c.text.numKvHeads, "num_key_value_heads"}};
    if (!c.isTextOnly())
        sizes.insert(sizes.end(), {{c.vision.depth, "vision_config.depth"}, {c.vision.hiddenSize, "vision_config hidden width"},
                                   {c.vision.numHeads, "vision_config.num_heads"},
                                   {c.vision.intermediateSize, "vision_config MLP width"},
                                   {c.vision.outHiddenSize, "vision_config output width"}});
    for (auto [value, name] : sizes) {
        if (auto e = positive(value, name))
            return *e;
    }
    if ((!c.text.headDimOverride && c.text.hiddenSize % c.text.numHeads) || c.text.numHeads % c.text.numKvHeads ||
        c.text.headDim() % 2)
        return Error{source + ": hidden_size / num_attention_heads / num_key_value_heads / head_dim do not divide"};
    if (!(c.text.rmsNormEps > 0) || !std::isfinite(c.text.rmsNormEps))
        return Error{source + ": rms_norm_eps must be a positive number"};
    if (!(c.text.ropeTheta > 0) || !std::isfinite(c.text.ropeTheta))
        return Error{source + ": rope_theta must be a positive number"};
    int64_t sectionSum = 0;
    for (int64_t s : c.text.mropeSection)
        sectionSum += s;
    const size_t sections = c.isTextOnly() ? 1 : 3;
    if (c.text.mropeSection.size() != sections || sectionSum * 2 != c.text.headDim())
        return Error{source + ": mrope_section must have " + std::to_string(sections) + " entries summing to head_dim/2 (" +
                     std::to_string(c.text.headDim() / 2) + ")"};
    if (c.isTextOnly())
        return c;
    if (c.vision.hiddenSize % c.vision.numHeads || (c.vision.hiddenSize / c.vision.numHeads) % 4)
        return Error{source + ": vision head dim must be a multiple of 4"};
    if (c.vision.outHiddenSize != c.text.hiddenSize)
        return Error{source + ": vision output width " + std::to_string(c.vision.outHiddenSize) +
                     " differs from text hidden_size " + std::to_string(c.text.hiddenSize)};
    if (c.isQwen25() && c.vision.windowSize < c.vision.patchSize * c.vision.spatialMergeSize)
        return Error{source + ": vision window_size is smaller than one merged patch"};
    return c;
}

QwenVLConfig QwenVLConfig::textOnly(const std::string &architecture, const QwenTextConfig &text)
{
    QwenVLConfig c;
    c.architecture = architecture;
    c.text = text;
    c.text.attentionBias = architecture == "qwen2";
    c.text.qkNorm = architecture == "qwen3";
    c.text.mropeSection = {c.text.headDim() / 2};
    c.vision = QwenVisionConfig{};
    c.imageTokenId = c.videoTokenId = c.visionStartTokenId = c.visionEndTokenId = -1;
    return c;
}

int64_t QwenVLConfig::parameterCount() const
{
    const QwenTextConfig &t = text;
    const int64_t kv = t.numKvHeads * t.headDim();
    int64_t layer = t.hiddenSize * t.hiddenSize * 2 + t.hiddenSize + 2 * (t.hiddenSize * kv + kv) +
                    3 * t.hiddenSize * t.intermediateSize + 2 * t.hiddenSize;
    int64_t n = t.vocabSize * t.hiddenSize * (t.tieWordEmbeddings ? 1 : 2) + t.numLayers * layer + t.hiddenSize;
    if (isTextOnly())
        return n;

    const QwenVisionConfig &v = vision;
    const int64_t e = v.hiddenSize;
    const int64_t normParams = isQwen25() ? e : 2 * e;
    const int64_t mlp = isQwen25() ? 3 * e * v.intermediateSize + 2 * v.intermediateSize + e
                                   : 2 * e * v.intermediateSize + v.intermediateSize + e;
    const int64_t block = 2 * normParams + 3 * e * e + 3 * e + e * e + e + mlp;
    const int64_t merged = e * v.spatialMergeSize * v.spatialMergeSize;
    n += e * v.patchDim() + v.depth * block + normParams + merged * merged + merged + merged * v.outHiddenSize +
         v.outHiddenSize;
    return n;
}

std::string QwenVLConfig::summary() const
{
    std::ostringstream s;
    if (isTextOnly()) {
        s << architecture << ", " << text.numLayers << " layers, hidden " << text.hiddenSize << ", vocab " << text.vocabSize;
        return s.str();
    }
    s << (isQwen25() ? "Qwen2.5-VL" : "Qwen2-VL") << ", " << text.numLayers << " layers, hidden " << text.hiddenSize
      << ", vocab " << text.vocabSize << ", vision " << vision.depth << "x" << vision.hiddenSize;
    return s.str();
}

namespace {
// The language model's fields, the same in a text-only config.json and a Qwen2-VL one.
json languageModelFields(const QwenTextConfig &text)
{
    json j;
    j["vocab_size"] = text.vocabSize;
    j["hidden_size"] = text.hiddenSize;
    j["intermediate_size"] = text.intermediateSize;
    j["num_hidden_layers"] = text.numLayers;
    j["num_attention_heads"] = text.numHeads;
    j["num_key_value_heads"] = text.numKvHeads;
    j["rms_norm_eps"] = text.rmsNormEps;
    j["hidden_act"] = text.hiddenAct;
    j["rope_theta"] = text.ropeTheta;
    j["tie_word_embeddings"] = text.tieWordEmbeddings;
    j["torch_dtype"] = "float32";
    return j;
}
} // namespace

std::string QwenVLConfig::toJson() const
{
    if (isTextOnly()) {
        static const std::map<std::string, std::string> classes{
            {"qwen2", "Qwen2ForCausalLM"}, {"llama", "LlamaForCausalLM"}, {"qwen3", "Qwen3ForCausalLM"}};
        json j = languageModelFields(text);
        j["architectures"] = {classes.at(architecture)};
        j["model_type"] = architecture;
        j["head_dim"] = text.headDim();
        if (text.ropeScaling.factor > 0)
            j["rope_scaling"] = {{"rope_type", "llama3"},
                                 {"factor", text.ropeScaling.factor},
                                 {"low_freq_factor", text.ropeScaling.lowFreqFactor},
                                 {"high_freq_factor", text.ropeScaling.highFreqFactor},
                                 {"original_max_position_embeddings", text.ropeScaling.originalMaxPositions}};
        if (architecture != "qwen2")
            j["attention_bias"] = text.attentionBias;
        return j.dump(2);
    }
    json vj;
    vj["depth"] = vision.depth;
    vj["num_heads"] = vision.numHeads;
    vj["in_channels"] = vision.inChannels;
    vj["in_chans"] = vision.inChannels;
    vj["patch_size"] = vision.patchSize;
    vj["spatial_patch_size"] = vision.patchSize;
    vj["temporal_patch_size"] = vision.temporalPatchSize;
    vj["spatial_merge_size"] = vision.spatialMergeSize;
    vj["hidden_act"] = vision.hiddenAct;
    if (isQwen25()) {
        vj["model_type"] = "qwen2_5_vl";
        vj["hidden_size"] = vision.hiddenSize;
        vj["intermediate_size"] = vision.intermediateSize;
        vj["out_hidden_size"] = vision.outHiddenSize;
        vj["window_size"] = vision.windowSize;
        vj["fullatt_block_indexes"] = vision.fullattBlockIndexes;
    } else {
        vj["model_type"] = "qwen2_vl";
        vj["embed_dim"] = vision.hiddenSize;
        vj["mlp_ratio"] = vision.intermediateSize / vision.hiddenSize;
        vj["hidden_size"] = vision.outHiddenSize;
    }

    json j = languageModelFields(text);
    j["architectures"] = {isQwen25() ? "Qwen2_5_VLForConditionalGeneration" : "Qwen2VLForConditionalGeneration"};
    j["model_type"] = architecture;
    j["rope_scaling"] = {{"type", "mrope"}, {"mrope_section", text.mropeSection}};
    j["max_position_embeddings"] = 32768;
    j["image_token_id"] = imageTokenId;
    j["video_token_id"] = videoTokenId;
    j["vision_start_token_id"] = visionStartTokenId;
    j["vision_end_token_id"] = visionEndTokenId;
    j["vision_config"] = vj;
    if (!tokenizerKind.empty())
        j["ost_tokenizer"] = tokenizerKind;
    return j.dump(2);
}

} // namespace ost::model
