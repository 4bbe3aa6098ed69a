#pragma once
// Sample -> EncodedSample for the Qwen2-VL family: images through the Qwen2-VL image processor,
// text through the chat template with answer-only labels. For a text-only decoder (Qwen2.5,
// SmolLM2, ...) the same ChatML template without images: placeholders removed, images not read.
#include "core/model/internal/QwenVLConfig.h"
#include "core/model/internal/VisionLanguageModel.h"
#include "core/vision/ImageProcessor.h"

#include <memory>

namespace ost::model {

class QwenSampleEncoder : public SampleEncoder {
public:
    // Fails when the tokenizer and the model disagree on the image token or the patch layout.
    static Result<std::shared_ptr<QwenSampleEncoder>> create(std::shared_ptr<Tokenizer> tokenizer,
                                                             const ImageProcessorConfig &imageConfig,
                                                             const QwenVLConfig &modelConfig,
                                                             const ProxyOptions &options);

    Result<EncodedSample> encode(const Sample &sample, const ChatTemplateOptions &options = {}) const override;
    const Tokenizer &tokenizer() const override { return *m_tokenizer; }
    int64_t padTokenId() const override { return m_padId; }
    const ImageProcessor &imageProcessor() const { return m_processor; }
    // The system prompt used when a sample has none and the caller does not set one: the model's
    // chat template default (Qwen2.5: "You are Qwen, created by Alibaba Cloud. ...").
    void setDefaultSystemPrompt(std::string prompt) { m_systemPrompt = std::move(prompt); }
    const std::string &defaultSystemPrompt() const { return m_systemPrompt; }

private:
    QwenSampleEncoder(std::shared_ptr<Tokenizer> tokenizer, const ImageProcessorConfig &imageConfig);

    std::shared_ptr<Tokenizer> m_tokenizer;
    ImageProcessor m_processor;
    int64_t m_imageTokenId = 0;
    int64_t m_padId = 0;
    int64_t m_maxTokens = 0;
    bool m_textOnly = false;
    std::string m_systemPrompt = kDefaultSystemPrompt;
};

} // namespace ost::model
