// loadProxy: the built-in tiny model or a Hugging Face folder, with the matching sample encoder.
#include "core/model/internal/ConfigBounds.h"
#include "core/model/internal/BuiltinTiny.h"
#include "core/model/internal/GgufProxy.h"
#include "core/model/internal/QwenSampleEncoder.h"
#include "core/model/internal/QwenVisionLanguageModel.h"
#include "core/model/internal/VisionLanguageModel.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace ost::model {

namespace fs = std::filesystem;

namespace {

Result<torch::Device> parseDevice(const std::string &name)
{
    try {
        torch::Device device(name);
        if (device.is_cuda()) {
            if (!torch::cuda::is_available())
                return Error{"device '" + name + "': CUDA is not available (no GPU, or LibTorch built without CUDA)"};
            const int64_t count = int64_t(torch::cuda::device_count());
            if (device.has_index() && device.index() >= count)
                return Error{"device '" + name + "': only " + std::to_string(count) + " CUDA device(s)"};
        } else if (!device.is_cpu()) {
            return Error{"device '" + name + "' is not supported (use cpu or cuda[:N])"};
        }
        return device;
    } catch (const std::exception &) {
        return Error{"device '" + name + "' is not a device name (use cpu or cuda[:N])"};
    }
}

Result<torch::ScalarType> parsePrecision(const std::string &name)
{
    if (name == "fp32" || name.empty())
        return torch::kFloat;
    if (name == "bf16")
        return torch::kBFloat16;
    if (name == "fp16")
        return torch::kHalf;
    return Error{"precision '" + name + "' is not one of fp32, bf16, fp16"};
}

std::string describe(const std::string &what, const QwenVisionLanguageModel &model, const std::string &precision,
                     const torch::Device &device)
{
    int64_t params = 0;
    for (const auto &p : model.net()->parameters())
        params += p.numel();
    std::ostringstream s;
    s << model.architecture() << " " << what << " (";
    if (params >= 1000000000)
        s << double(params / 10000000) / 100.0 << "B";
    else
        s << double(params / 10000) / 100.0 << "M";
    s << " params, " << (precision.empty() ? "fp32" : precision) << ", " << device.str() << ")";
    return s.str();
}

// The default system prompt of a text-only folder's chat template (tokenizer_config.json), or the
// Qwen2-VL default when the folder has no template.
Result<std::string> folderSystemPrompt(const fs::path &root, const ProxyOptions &options)
{
    const fs::path path = root / "tokenizer_config.json";
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::string(kDefaultSystemPrompt);
    std::stringstream ss;
    ss << in.rdbuf();
    const auto j = nlohmann::json::parse(ss.str(), nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return Error{path.string() + " is not a JSON object"};
    if (!j.contains("chat_template") || !j["chat_template"].is_string())
        return std::string(kDefaultSystemPrompt);
    auto prompt = chatmlDefaultSystemPrompt(j["chat_template"].get<std::string>(), path.string());
    if (!prompt && options.chatTemplate == "chatml")
        return std::string();
    return prompt;
}

Result<LoadedProxy> loadFolder(const std::string &dir, const ProxyOptions &options, torch::ScalarType dtype)
{
    const fs::path root(dir);
    const fs::path configPath = root / "config.json";
    if (!fs::is_directory(root))
        return Error{"model folder " + dir + " does not exist (or is not a folder)"};
    if (!fs::exists(configPath))
        return Error{"no config.json in model folder " + dir};
    auto config = QwenVLConfig::load(configPath.string());
    if (!config)
        return config.error();

    std::shared_ptr<Tokenizer> tokenizer;
    if (config->tokenizerKind == "bytes") {
        tokenizer = makeByteTokenizer();
    } else if (!config->tokenizerKind.empty()) {
        return Error{"unknown ost_tokenizer '" + config->tokenizerKind + "' in " + configPath.string()};
    } else {
        const fs::path tokPath = root / "tokenizer.json";
        if (!fs::exists(tokPath))
            return Error{"no tokenizer.json in model folder " + dir};
        auto tok = loadTokenizerJson(tokPath.string());
        if (!tok)
            return tok.error();
        tokenizer = std::shared_ptr<Tokenizer>(tok.takeValue());
    }

    ImageProcessorConfig imageConfig = config->tokenizerKind == "bytes" ? builtinTinyImageConfig() : ImageProcessorConfig{};
    const fs::path prePath = root / "preprocessor_config.json";
    if (fs::exists(prePath)) {
        auto pre = loadImageProcessorConfig(prePath.string());
        if (!pre)
            return pre.error();
        imageConfig = pre.value();
    }

    auto checkpoint = SafetensorsCheckpoint::open(dir);
    if (!checkpoint)
        return checkpoint.error();
    const std::string source = fs::exists(root / "model.safetensors") ? (root / "model.safetensors").string()
                                                                        : (root / "model.safetensors.index.json").string();
    if (Status fits = checkAgainstCheckpoint(*config, checkpoint.value(), configPath.string()); !fits.ok())
        return fits.error(); // before anything is allocated from the config's sizes
    auto model = QwenVisionLanguageModel::load(*config, checkpoint.value(), source, dtype);
    if (!model)
        return model.error();

    auto encoder = QwenSampleEncoder::create(tokenizer, imageConfig, *config, options);
    if (!encoder)
        return encoder.error();
    if (config->isTextOnly()) {
        auto prompt = folderSystemPrompt(root, options);
        if (!prompt)
            return prompt.error();
        encoder.value()->setDefaultSystemPrompt(prompt.value());
    }
    if (config->tokenizerKind == "bytes")
        model.value()->setExtraFiles({{"preprocessor_config.json", imageProcessorConfigJson(imageConfig)}});
    LoadedProxy out;
    out.model = model.value();
    out.encoder = encoder.value();
    out.description = describe("from " + dir, *model.value(), options.precision, torch::Device(options.device));
    return out;
}

} // namespace

bool isGgufSpec(const std::string &spec)
{
    if (spec.size() >= 5 && spec.compare(spec.size() - 5, 5, ".gguf") == 0)
        return true;
    std::error_code ec;
    if (!fs::is_regular_file(spec, ec))
        return false;
    std::ifstream in(spec, std::ios::binary);
    char magic[4] = {};
    return in.read(magic, 4) && std::string(magic, 4) == "GGUF";
}

Result<LoadedProxy> loadProxy(const std::string &spec, const ProxyOptions &options)
{
    auto device = parseDevice(options.device);
    if (!device)
        return device.error();
    auto dtype = parsePrecision(options.precision);
    if (!dtype)
        return dtype.error();
    try {
        Result<LoadedProxy> loaded = Error{""};
        if (spec == kBuiltinTinySpec) {
            auto tokenizer = std::shared_ptr<Tokenizer>(makeByteTokenizer());
            const QwenVLConfig config = builtinTinyConfig(*tokenizer);
            auto model = QwenVisionLanguageModel::create(config, options.seed);
            const ImageProcessorConfig imageConfig = builtinTinyImageConfig();
            model->setExtraFiles({{"preprocessor_config.json", imageProcessorConfigJson(imageConfig)}});
            auto encoder = QwenSampleEncoder::create(tokenizer, imageConfig, config, options);
            if (!encoder)
                return encoder.error();
            LoadedProxy out;
            out.model = model;
            out.encoder = encoder.value();
            out.description = describe("builtin-tiny, seed " + std::to_string(options.seed), *model, options.precision,
                                       device.value());
            loaded = out;
        } else if (isGgufSpec(spec)) {
            loaded = loadGgufProxy(spec, options, dtype.value());
            if (loaded) {
                auto *model = dynamic_cast<QwenVisionLanguageModel *>(loaded->model.get());
                loaded->description = describe("from " + spec, *model, options.precision, device.value());
            }
        } else {
            loaded = loadFolder(spec, options, dtype.value());
        }
        if (!loaded)
            return loaded;
        loaded->model->module().to(device.value(), dtype.value());
        return loaded;
    } catch (const c10::Error &e) {
        return Error{"loading model " + spec + ": " + e.what_without_backtrace()};
    } catch (const std::exception &e) {
        return Error{"loading model " + spec + ": " + e.what()};
    }
}

} // namespace ost::model
