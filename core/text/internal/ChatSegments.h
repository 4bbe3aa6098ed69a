#pragma once
// A chat sample laid out as the Qwen2-VL template renders it, before tokenisation: text runs,
// special tokens and image pad blocks, each marked trained or not. renderChat() prints it,
// encodeChat() tokenises it, so both always agree on the template.
#include "core/common/Result.h"
#include "core/data/Sample.h"
#include "core/text/ChatTemplate.h"

#include <string>
#include <vector>

namespace ost::text {

struct ChatSegment {
    enum Kind { Text, Special, ImagePads };
    Kind kind;
    std::string text;  // Text: the text; Special: the token ("<|im_start|>")
    int64_t count = 0; // ImagePads: how many <|image_pad|>
    bool trained = false;
};

extern const char *const kImStart;
extern const char *const kImEnd;
extern const char *const kVisionStart;
extern const char *const kVisionEnd;
extern const char *const kImagePad;
extern const char *const kImagePlaceholder; // "<image>" in dataset text

Result<std::vector<ChatSegment>> layoutChat(const Sample &sample, const std::vector<int64_t> &imageTokenCounts,
                                            const ChatTemplateOptions &options);

} // namespace ost::text
