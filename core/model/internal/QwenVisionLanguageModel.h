#pragma once
// VisionLanguageModel for Qwen2-VL and Qwen2.5-VL: the net, its SFT loss, and moving weights
// between the net and Hugging Face checkpoints in either key layout.
#include "core/model/Safetensors.h"
#include "core/model/internal/QwenVLModules.h"
#include "core/model/internal/VisionLanguageModel.h"

namespace ost::model {

class QwenVisionLanguageModel : public VisionLanguageModel {
public:
    explicit QwenVisionLanguageModel(const QwenVLConfig &config);

    // Initialised from the seed (fp32, CPU).
    static std::shared_ptr<QwenVisionLanguageModel> create(const QwenVLConfig &config, uint64_t seed);
    // Weights from a checkpoint, converted to `dtype` (CPU). `source` names it in errors.
    static Result<std::shared_ptr<QwenVisionLanguageModel>> load(const QwenVLConfig &config,
                                                                   const SafetensorsCheckpoint &checkpoint,
                                                                   const std::string &source, torch::ScalarType dtype);

    torch::Tensor logits(const ModelBatch &batch) override;
    torch::Tensor perSampleLoss(const ModelBatch &batch) override;
    torch::Tensor hiddenBeforeBlock(const ModelBatch &batch, int block) override;
    torch::Tensor perSampleLossFrom(const ModelBatch &batch, const torch::Tensor &hidden, int block) override;
    bool readsImages() const override { return !m_net->config.isTextOnly(); }
    torch::nn::Module &module() override { return *m_net; }
    std::string architecture() const override { return m_net->config.architecture; }
    bool isLanguageParameter(const std::string &name) const override;
    int decoderBlockOf(const std::string &name) const override;
    int decoderBlockCount() const override { return int(m_net->config.text.numLayers); }
    Status save(const std::string &folder) const override;

    const QwenVLConfig &config() const { return m_net->config; }
    QwenVLNet net() const { return m_net; }
    // Extra files save() writes next to config.json (e.g. preprocessor_config.json), name -> content.
    void setExtraFiles(std::map<std::string, std::string> files) { m_extraFiles = std::move(files); }

private:
    torch::Tensor lossFromFinalHidden(const ModelBatch &batch, const torch::Tensor &h);

    QwenVLNet m_net;
    std::map<std::string, std::string> m_extraFiles;
};

// The checkpoint name of a parameter in the older layout (visual.*, model.*), "" when the same.
std::string legacyParameterName(const std::string &name);

} // namespace ost::model
