#include "core/model/internal/QwenVisionLanguageModel.h"

#include "core/model/internal/SafetensorsTorch.h"

#include <filesystem>
#include <fstream>

namespace ost::model {

namespace {

const std::string kVisualPrefix = "model.visual.";
const std::string kLanguagePrefix = "model.language_model.";

bool startsWith(const std::string &s, const std::string &prefix)
{
    return s.compare(0, prefix.size(), prefix) == 0;
}

std::string shapeText(const std::vector<int64_t> &shape)
{
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

} // namespace

std::string legacyParameterName(const std::string &name)
{
    if (startsWith(name, kVisualPrefix))
        return "visual." + name.substr(kVisualPrefix.size());
    if (startsWith(name, kLanguagePrefix))
        return "model." + name.substr(kLanguagePrefix.size());
    return "";
}

QwenVisionLanguageModel::QwenVisionLanguageModel(const QwenVLConfig &config) : m_net(QwenVLNet(config)) {}

std::shared_ptr<QwenVisionLanguageModel> QwenVisionLanguageModel::create(const QwenVLConfig &config, uint64_t seed)
{
    auto model = std::make_shared<QwenVisionLanguageModel>(config);
    initialiseWeights(*model->m_net, seed);
    return model;
}

Result<std::shared_ptr<QwenVisionLanguageModel>> QwenVisionLanguageModel::load(const QwenVLConfig &config,
                                                                                const SafetensorsCheckpoint &checkpoint,
                                                                                const std::string &source,
                                                                                torch::ScalarType dtype)
{
    auto model = std::make_shared<QwenVisionLanguageModel>(config);
    torch::NoGradGuard noGrad;
    for (auto &item : model->m_net->named_parameters()) {
        const std::string &name = item.key();
        const std::string legacy = legacyParameterName(name);
        const TensorView *view = checkpoint.find(name);
        std::string found = name;
        if (!view && !legacy.empty()) {
            view = checkpoint.find(legacy);
            found = legacy;
        }
        if (!view)
            return Error{"missing tensor '" + name + "'" + (legacy.empty() ? "" : " (or '" + legacy + "')") + " in " +
                         source};
        torch::Tensor p = item.value();
        if (view->shape != p.sizes().vec())
            return Error{"tensor '" + found + "' in " + checkpoint.fileOf(found) + " has shape " + shapeText(view->shape) +
                         ", config.json implies " + shapeText(p.sizes().vec())};
        const std::string &dt = view->dtype;
        if (dt != "F32" && dt != "F16" && dt != "BF16" && dt != "F64")
            return Error{"tensor '" + found + "' in " + checkpoint.fileOf(found) + " has non-float dtype " + dt};
        p.set_data(toTensor(*view, dtype));
    }
    return model;
}

torch::Tensor QwenVisionLanguageModel::logits(const ModelBatch &batch)
{
    torch::Tensor h = m_net->hidden(batch.inputIds, batch.attentionMask, batch.pixelValues, batch.imageGridThw);
    return torch::matmul(h, m_net->lmHeadWeight().t()).to(torch::kFloat);
}

torch::Tensor QwenVisionLanguageModel::perSampleLoss(const ModelBatch &batch)
{
    return lossFromFinalHidden(batch, m_net->hidden(batch.inputIds, batch.attentionMask, batch.pixelValues, batch.imageGridThw));
}

torch::Tensor QwenVisionLanguageModel::hiddenBeforeBlock(const ModelBatch &batch, int block)
{
    torch::NoGradGuard noGrad;
    return m_net->hiddenBefore(batch.inputIds, batch.attentionMask, batch.pixelValues, batch.imageGridThw, block);
}

torch::Tensor QwenVisionLanguageModel::perSampleLossFrom(const ModelBatch &batch, const torch::Tensor &hidden, int block)
{
    return lossFromFinalHidden(batch, m_net->hiddenFrom(hidden, batch.inputIds, batch.attentionMask, batch.imageGridThw, block));
}

torch::Tensor QwenVisionLanguageModel::lossFromFinalHidden(const ModelBatch &batch, const torch::Tensor &h)
{
    const int64_t b = h.size(0), t = h.size(1);
    // Position i predicts token i+1: targets are the labels shifted left, the last position has none.
    torch::Tensor labels = batch.labels.to(h.device()).to(torch::kLong);
    torch::Tensor targets = torch::full({b, t}, kIgnoreIndex, labels.options());
    if (t > 1)
        targets.narrow(1, 0, t - 1).copy_(labels.narrow(1, 1, t - 1));
    torch::Tensor selected = targets != kIgnoreIndex;
    // Only labelled positions go through lm_head: with a 150k vocabulary the full logits tensor
    // would dominate memory.
    torch::Tensor rows = h.index({selected});
    torch::Tensor out = torch::zeros({b}, h.options().dtype(torch::kFloat));
    if (rows.size(0) == 0)
        return out + h.sum().to(torch::kFloat) * 0.0; // keeps the graph so backward() works
    torch::Tensor logits = torch::matmul(rows, m_net->lmHeadWeight().t()).to(torch::kFloat);
    torch::Tensor ce = torch::nn::functional::cross_entropy(
        logits, targets.index({selected}), torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kNone));
    torch::Tensor sampleOf = selected.nonzero().select(1, 0);
    torch::Tensor sums = out.index_add(0, sampleOf, ce);
    torch::Tensor counts = selected.sum(1).to(torch::kFloat).clamp_min(1.0);
    return sums / counts;
}

bool QwenVisionLanguageModel::isLanguageParameter(const std::string &name) const
{
    if (startsWith(name, kVisualPrefix) || startsWith(name, "visual."))
        return false;
    return startsWith(name, kLanguagePrefix) || startsWith(name, "lm_head.") || startsWith(name, "model.");
}

int QwenVisionLanguageModel::decoderBlockOf(const std::string &name) const
{
    for (const std::string &prefix : {kLanguagePrefix + "layers.", std::string("model.layers.")}) {
        if (!startsWith(name, prefix))
            continue;
        const size_t end = name.find('.', prefix.size());
        try {
            return std::stoi(name.substr(prefix.size(), end - prefix.size()));
        } catch (const std::exception &) {
            return -1;
        }
    }
    return -1;
}

Status QwenVisionLanguageModel::save(const std::string &folder) const
{
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec)
        return Error{"cannot create folder " + folder + ": " + ec.message()};
    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    for (const auto &item : m_net->named_parameters())
        tensors.emplace_back(item.key(), item.value().detach());
    Status written = writeSafetensors((fs::path(folder) / "model.safetensors").string(), tensors, {{"format", "pt"}});
    if (!written)
        return written;
    std::map<std::string, std::string> files = m_extraFiles;
    files["config.json"] = m_net->config.toJson() + "\n";
    for (const auto &[name, content] : files) {
        const fs::path path = fs::path(folder) / name;
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << content;
        if (!out.flush())
            return Error{"cannot write " + path.string()};
    }
    return Status::success();
}

} // namespace ost::model
