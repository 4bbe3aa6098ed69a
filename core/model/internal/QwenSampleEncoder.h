#pragma once
// Sample -> EncodedSample for the Qwen2-VL family: images through the Qwen2-VL image processor,
// text through the chat template with answer-only labels.
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

private:
    QwenSampleEncoder(std::shared_ptr<Tokenizer> tokenizer, const ImageProcessorConfig &imageConfig);

    std::shared_ptr<Tokenizer> m_tokenizer;
    ImageProcessor m_processor;
    int64_t m_imageTokenId = 0;
    int64_t m_padId = 0;
    int64_t m_maxTokens = 0;
};

} // namespace ost::model
