#include "core/model/internal/QwenSampleEncoder.h"

#include <algorithm>

namespace ost::model {

QwenSampleEncoder::QwenSampleEncoder(std::shared_ptr<Tokenizer> tokenizer, const ImageProcessorConfig &imageConfig)
    : m_tokenizer(std::move(tokenizer)), m_processor(imageConfig)
{
}

Result<std::shared_ptr<QwenSampleEncoder>> QwenSampleEncoder::create(std::shared_ptr<Tokenizer> tokenizer,
                                                                     const ImageProcessorConfig &imageConfig,
                                                                     const QwenVLConfig &modelConfig,
                                                                     const ProxyOptions &options)
{
    if (tokenizer->vocabSize() > modelConfig.text.vocabSize)
        return Error{"the tokenizer has " + std::to_string(tokenizer->vocabSize()) + " tokens, more than the model's vocab_size " +
                     std::to_string(modelConfig.text.vocabSize)};
    if (modelConfig.isTextOnly()) {
        std::shared_ptr<QwenSampleEncoder> encoder(new QwenSampleEncoder(std::move(tokenizer), imageConfig));
        encoder->m_textOnly = true;
        encoder->m_imageTokenId = -1;
        encoder->m_padId = encoder->m_tokenizer->tokenId("<|endoftext|>").value_or(0);
        encoder->m_maxTokens = options.maxTokens;
        return encoder;
    }
    const auto imageId = tokenizer->tokenId("<|image_pad|>");
    if (!imageId)
        return Error{"the tokenizer has no <|image_pad|> token"};
    if (*imageId != modelConfig.imageTokenId)
        return Error{"the tokenizer's <|image_pad|> is id " + std::to_string(*imageId) + " but config.json says image_token_id " +
                     std::to_string(modelConfig.imageTokenId)};
    if (imageConfig.patchDim() != modelConfig.vision.patchDim() || imageConfig.mergeSize != modelConfig.vision.spatialMergeSize)
        return Error{"preprocessor_config.json patch layout (" + std::to_string(imageConfig.patchDim()) + " values, merge " +
                     std::to_string(imageConfig.mergeSize) + ") does not match the vision tower (" +
                     std::to_string(modelConfig.vision.patchDim()) + ", merge " +
                     std::to_string(modelConfig.vision.spatialMergeSize) + ")"};
    std::shared_ptr<QwenSampleEncoder> encoder(new QwenSampleEncoder(std::move(tokenizer), imageConfig));
    encoder->m_imageTokenId = *imageId;
    // Qwen pads with <|endoftext|>; pads are masked and never trained, any id would do.
    encoder->m_padId = encoder->m_tokenizer->tokenId("<|endoftext|>").value_or(0);
    encoder->m_maxTokens = options.maxTokens;
    encoder->m_processor.setMaxPixelsCap(options.maxPixels);
    return encoder;
}

Result<EncodedSample> QwenSampleEncoder::encode(const Sample &sample, const ChatTemplateOptions &optionsIn) const
{
    ChatTemplateOptions options = optionsIn;
    if (options.maxTokens <= 0)
        options.maxTokens = m_maxTokens;
    if (!options.systemPrompt)
        options.systemPrompt = m_systemPrompt;
    options.textOnly = options.textOnly || m_textOnly;

    std::vector<torch::Tensor> pixels;
    std::vector<std::array<int64_t, 3>> grids;
    std::vector<int64_t> tokenCounts;
    // Without the question (IFD's answer-only loss) no image is shown, so none is decoded.
    if (options.includeQuestion && !options.textOnly) {
        for (size_t i = 0; i < sample.images.size(); ++i) {
            const std::string path = i < sample.resolvedImages.size() ? sample.resolvedImages[i] : std::string();
            if (path.empty())
                return Error{"sample '" + sample.id + "': image '" + sample.images[i] + "' was not found"};
            auto image = m_processor.processFile(path);
            if (!image)
                return Error{"sample '" + sample.id + "': image " + path + ": " + image.error().message};
            const ProcessedImage &p = image.value();
            pixels.push_back(torch::from_blob(const_cast<float *>(p.pixelValues.data()), {p.rows, p.cols}, torch::kFloat).clone());
            grids.push_back(p.gridThw);
            tokenCounts.push_back(p.tokenCount());
        }
    }
    auto chat = encodeChat(sample, *m_tokenizer, tokenCounts, options);
    if (!chat)
        return chat.error();
    const EncodedChat &c = chat.value();

    EncodedSample out;
    out.id = sample.id;
    out.inputIds = torch::tensor(c.inputIds, torch::kLong);
    out.labels = torch::tensor(c.labels, torch::kLong);
    const int64_t kept = c.imageCount;
    int64_t expectedTokens = 0;
    for (int64_t i = 0; i < kept; ++i)
        expectedTokens += tokenCounts[size_t(i)];
    const int64_t imageTokens = std::count(c.inputIds.begin(), c.inputIds.end(), m_imageTokenId);
    if (imageTokens != expectedTokens)
        return Error{"sample '" + sample.id + "': " + std::to_string(imageTokens) + " <|image_pad|> tokens in the text but its " +
                     std::to_string(kept) + " image(s) need " + std::to_string(expectedTokens)};
    if (kept > 0) {
        out.pixelValues = torch::cat(std::vector<torch::Tensor>(pixels.begin(), pixels.begin() + kept), 0);
        out.imageGridThw = torch::empty({kept, 3}, torch::kLong);
        for (int64_t i = 0; i < kept; ++i)
            for (int64_t k = 0; k < 3; ++k)
                out.imageGridThw[i][k] = grids[size_t(i)][size_t(k)];
    }
    out.answerTokens = std::count_if(c.labels.begin(), c.labels.end(), [](int64_t l) { return l != kIgnoreIndex; });
    return out;
}

ModelBatch collate(const std::vector<EncodedSample> &samples, int64_t padTokenId, const torch::Device &device)
{
    ModelBatch batch;
    const int64_t b = int64_t(samples.size());
    int64_t len = 1;
    for (const EncodedSample &s : samples)
        len = std::max(len, s.inputIds.size(0));
    batch.inputIds = torch::full({b, len}, padTokenId, torch::kLong);
    batch.attentionMask = torch::zeros({b, len}, torch::kLong);
    batch.labels = torch::full({b, len}, kIgnoreIndex, torch::kLong);
    std::vector<torch::Tensor> pixels, grids;
    for (int64_t i = 0; i < b; ++i) {
        const EncodedSample &s = samples[size_t(i)];
        const int64_t n = s.inputIds.size(0);
        batch.inputIds[i].narrow(0, 0, n).copy_(s.inputIds);
        batch.attentionMask[i].narrow(0, 0, n).fill_(1);
        batch.labels[i].narrow(0, 0, n).copy_(s.labels);
        if (s.pixelValues.defined() && s.pixelValues.numel() > 0) {
            pixels.push_back(s.pixelValues);
            grids.push_back(s.imageGridThw);
        }
    }
    batch.inputIds = batch.inputIds.to(device);
    batch.attentionMask = batch.attentionMask.to(device);
    batch.labels = batch.labels.to(device);
    if (!pixels.empty()) {
        batch.pixelValues = torch::cat(pixels, 0).to(device);
        batch.imageGridThw = torch::cat(grids, 0).to(device);
    }
    return batch;
}

} // namespace ost::model
