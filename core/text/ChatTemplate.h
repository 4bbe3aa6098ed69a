#pragma once
// The Qwen2-VL chat template for SFT samples and the label mask that trains only the assistant
// answers, each with its <|im_end|> and the "\n" after it, as Qwen's own fine-tuning code
// (qwen-vl-finetune: every assistant turn but its "<|im_start|>assistant\n" header) and
// LLaMA-Factory's qwen2_vl template ("{{content}}<|im_end|>\n" is the response) both do.
//
// Rendering (Qwen2-VL's chat_template):
//   <|im_start|>system\nSYSTEM<|im_end|>\n            (the sample's own system turn, else
//                                                   options.systemPrompt; none when empty)
//   <|im_start|>user\nQUESTION<|im_end|>\n            ("<image>" -> vision block, exactly)
//   <|im_start|>assistant\nANSWER<|im_end|>\n
// includeAnswer=false: turns before the last assistant turn, then "<|im_start|>assistant\n";
// no token is trained. includeQuestion=false: "<|im_start|>assistant\nANSWER<|im_end|>\n" for
// the last answer only (no system turn, no images), trained as usual.
// "<image>" is expanded in user turns only; elsewhere it stays literal text.
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
    int64_t maxTokens = 0;        // > 0: truncate (the answer end is cut, never the image tokens;
                                  // an image block that does not fit is dropped whole, and it is
                                  // an error when no trained token would be left)
};

struct EncodedChat {
    std::vector<int64_t> inputIds;
    std::vector<int64_t> labels;  // kIgnoreIndex where not trained
    int64_t imageCount = 0; // image blocks kept (after truncation): the images to feed the vision tower
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
