#pragma once
// The Qwen2-VL chat template for SFT samples and the label mask that trains only the assistant
// answer (and its <|im_end|>), as Qwen's own fine-tuning code does.
#include "core/data/Sample.h"
#include "core/text/Tokenizer.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ost {

constexpr int64_t kIgnoreIndex = -100;

struct ChatTemplateOptions {
    std::string systemPrompt = "You are a helpful assistant."; // empty: no system turn
    bool includeAnswer = true;    // false: prompt only (for instruction-following difficulty)
    bool includeQuestion = true;  // false: answer without the question (IFD's conditional-free loss)
    int64_t maxTokens = 0;        // > 0: truncate (the answer end is cut, never the image tokens)
};

struct EncodedChat {
    std::vector<int64_t> inputIds;
    std::vector<int64_t> labels;  // kIgnoreIndex where not trained
    int64_t imageCount = 0;
    bool truncated = false;
};

// imageTokenCounts[i]: how many <|image_pad|> tokens image i takes (from the image processor:
// grid_t*grid_h*grid_w / merge_size^2). Each "<image>" placeholder in the text is replaced, in order,
// by <|vision_start|><|image_pad|>xN<|vision_end|>; images without a placeholder go first in the
// first user turn. Fails when placeholders and images disagree, naming the sample.
Result<EncodedChat> encodeChat(const Sample &sample, const Tokenizer &tokenizer,
                               const std::vector<int64_t> &imageTokenCounts,
                               const ChatTemplateOptions &options = {});

// The templated text itself (for inspection and tests), with image pads expanded.
Result<std::string> renderChat(const Sample &sample, const std::vector<int64_t> &imageTokenCounts,
                               const ChatTemplateOptions &options = {});

} // namespace ost
