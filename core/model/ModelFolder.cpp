// Torch-free model checks for the model picker and early CLI errors (weights are not loaded).
#include "core/model/ModelFolder.h"

#include "core/model/Gguf.h"
#include "core/model/internal/BuiltinTiny.h"
#include "core/model/internal/GgufProxy.h"
#include "core/model/internal/QwenVLConfig.h"
#include "core/text/Tokenizer.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>
#include <torch/version.h>

#include <filesystem>
#include <fstream>
#include <set>

namespace ost {

namespace fs = std::filesystem;

Result<ModelFolderInfo> inspectModel(const std::string &spec)
{
    if (spec == model::kBuiltinTinySpec) {
        const model::QwenVLConfig c = model::builtinTinyConfig(*makeByteTokenizer());
        return ModelFolderInfo{"builtin-tiny", "built-in tiny " + c.summary() + " (byte tokenizer, CPU)", c.parameterCount()};
    }
    if (model::isGgufSpec(spec)) {
        auto file = GgufFile::open(spec);
        if (!file.ok())
            return file.error();
        auto config = model::configFromGguf(*file.value());
        if (!config.ok())
            return config.error();
        if (!file.value()->find("tokenizer.ggml.tokens"))
            return Error{spec + ": no tokenizer in the GGUF metadata (tokenizer.ggml.tokens)"};
        ModelFolderInfo info;
        info.architecture = config->architecture;
        info.summary = config->summary() + ", GGUF"; // the file's own general.name is often a training tag
        info.parameterCount = config->parameterCount();
        info.textOnly = config->isTextOnly();
        info.pretrained = true;
        return info;
    }
    const fs::path root(spec);
    if (!fs::is_directory(root))
        return Error{"model " + spec + " is neither builtin-tiny, a .gguf file nor an existing folder"};
    const fs::path configPath = root / "config.json";
    if (!fs::exists(configPath))
        return Error{"no config.json in model folder " + spec};
    auto config = model::QwenVLConfig::load(configPath.string());
    if (!config)
        return config.error();
    if (config->tokenizerKind.empty() && !fs::exists(root / "tokenizer.json"))
        return Error{"no tokenizer.json in model folder " + spec};

    int64_t shards = 0;
    if (fs::exists(root / "model.safetensors")) {
        shards = 1;
    } else if (fs::exists(root / "model.safetensors.index.json")) {
        const std::string indexPath = (root / "model.safetensors.index.json").string();
        try {
            std::ifstream in(indexPath);
            const nlohmann::json index = nlohmann::json::parse(in);
            std::set<std::string> files;
            for (const auto &item : index.at("weight_map").items())
                files.insert(item.value().get<std::string>());
            for (const std::string &f : files)
                if (!fs::exists(root / f))
                    return Error{"shard " + f + " listed in " + indexPath + " is missing"};
            shards = int64_t(files.size());
        } catch (const std::exception &e) {
            return Error{indexPath + " is not a valid safetensors index: " + e.what()};
        }
    } else {
        return Error{"no model.safetensors or model.safetensors.index.json in model folder " + spec};
    }
    ModelFolderInfo info;
    info.architecture = config->architecture;
    info.summary = config->summary() + ", " + std::to_string(shards) + (shards == 1 ? " shard" : " shards");
    info.parameterCount = config->parameterCount();
    info.textOnly = config->isTextOnly();
    info.pretrained = true;
    return info;
}

std::vector<std::string> availableDevices()
{
    std::vector<std::string> out{"cpu"};
    if (torch::cuda::is_available())
        for (int64_t i = 0; i < static_cast<int64_t>(torch::cuda::device_count()); ++i) // DeviceIndex on 2.x
            out.push_back("cuda:" + std::to_string(i));
    return out;
}

std::string torchVersion()
{
    return TORCH_VERSION;
}

bool cudaAvailable()
{
    return torch::cuda::is_available();
}

} // namespace ost
