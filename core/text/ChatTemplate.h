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
#include <optional>
#include <string>
#include <vector>

namespace ost {

constexpr int64_t kIgnoreIndex = -100;
constexpr const char *kDefaultSystemPrompt = "You are a helpful assistant.";

struct ChatTemplateOptions {
    // Used when the sample has no system turn of its own; empty: no system turn. Unset: the proxy's
    // own default (its chat template's), which for Qwen2-VL is kDefaultSystemPrompt.
    std::optional<std::string> systemPrompt;
    // A text-only proxy: "<image>" placeholders (with the newline right after one) are removed and
    // the images are not laid out; the sample's image list is ignored.
    bool textOnly = false;
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

// What a model's own Jinja chat template (tokenizer.chat_template in GGUF, chat_template in
// tokenizer_config.json) means for this ChatML layout: its default system prompt, the text it
// writes as "<|im_start|>system\n...<|im_end|>" when the conversation has no system turn
// ("" when it writes none, as Qwen3's). No Jinja engine: the families we run all render one user
// turn and one answer as ChatML, and only this literal differs. Fails, naming `source`, for a
// template that is not ChatML (Llama 3's, Gemma's): such a model needs --template.
Result<std::string> chatmlDefaultSystemPrompt(const std::string &chatTemplate, const std::string &source);

// The templated text itself (for inspection and tests), with image pads expanded.
Result<std::string> renderChat(const Sample &sample, const std::vector<int64_t> &imageTokenCounts,
                               const ChatTemplateOptions &options = {});

} // namespace ost
