#include "core/text/internal/ChatSegments.h"
#include "core/common/MessageText.h"

namespace ost::text {

const char *const kImStart = "<|im_start|>";
const char *const kImEnd = "<|im_end|>";
const char *const kVisionStart = "<|vision_start|>";
const char *const kVisionEnd = "<|vision_end|>";
const char *const kImagePad = "<|image_pad|>";
const char *const kImagePlaceholder = "<image>";

namespace {

size_t countPlaceholders(const std::string &text)
{
    size_t n = 0;
    for (size_t p = text.find(kImagePlaceholder); p != std::string::npos; p = text.find(kImagePlaceholder, p + 1))
        ++n;
    return n;
}

class Layout {
public:
    void text(const std::string &t, bool trained) { m_out.push_back({ChatSegment::Text, t, 0, trained}); }
    void special(const char *t, bool trained) { m_out.push_back({ChatSegment::Special, t, 0, trained}); }
    void image(int64_t pads)
    {
        special(kVisionStart, false);
        m_out.push_back({ChatSegment::ImagePads, {}, pads, false});
        special(kVisionEnd, false);
    }
    // "<|im_start|>role\n" ... "<|im_end|>\n": the header is never trained; the end marker and
    // its newline are trained with an assistant answer.
    void open(const std::string &role) { special(kImStart, false), text(role + "\n", false); }
    void close(bool trained) { special(kImEnd, trained), text("\n", trained); }
    std::vector<ChatSegment> take() { return std::move(m_out); }

private:
    std::vector<ChatSegment> m_out;
};

} // namespace

Result<std::vector<ChatSegment>> layoutChat(const Sample &sample, const std::vector<int64_t> &imageTokenCounts,
                                            const ChatTemplateOptions &options)
{
    const std::string who = "sample " + quotedValue(sample.id);
    if (!options.includeQuestion && !options.includeAnswer)
        return Error{who + ": includeQuestion and includeAnswer are both off: nothing to encode"};
    for (const Turn &t : sample.turns)
        if (t.role != "system" && t.role != "user" && t.role != "assistant")
            return Error{who + ": unknown role " + quotedValue(t.role) + " (expected system, user or assistant)"};

    int lastAssistant = -1;
    for (size_t i = 0; i < sample.turns.size(); ++i)
        if (sample.turns[i].role == "assistant")
            lastAssistant = static_cast<int>(i);

    Layout out;
    // IFD's "answer alone": the last answer with no system prompt, question or image.
    if (!options.includeQuestion) {
        if (lastAssistant < 0)
            return Error{who + ": has no assistant turn to encode"};
        out.open("assistant");
        out.text(sample.turns[lastAssistant].content, true);
        out.close(true);
        return out.take();
    }

    if (options.textOnly) {
        Sample textOnly = sample;
        textOnly.images.clear();
        textOnly.resolvedImages.clear();
        const std::string placeholder = kImagePlaceholder;
        for (Turn &t : textOnly.turns) {
            if (t.role != "user")
                continue;
            for (size_t p = t.content.find(placeholder); p != std::string::npos; p = t.content.find(placeholder, p)) {
                size_t len = placeholder.size();
                if (p + len < t.content.size() && t.content[p + len] == '\n')
                    ++len;
                t.content.erase(p, len);
            }
        }
        ChatTemplateOptions rest = options;
        rest.textOnly = false;
        return layoutChat(textOnly, {}, rest);
    }

    if (imageTokenCounts.size() != sample.images.size())
        return Error{who + ": has " + std::to_string(sample.images.size()) + " image(s) but " +
                     std::to_string(imageTokenCounts.size()) + " image token count(s) were given"};
    for (size_t i = 0; i < imageTokenCounts.size(); ++i)
        if (imageTokenCounts[i] <= 0)
            return Error{who + ": image " + std::to_string(i) + " has no image tokens (" +
                         std::to_string(imageTokenCounts[i]) + ")"};

    size_t placeholders = 0;
    int firstUser = -1;
    for (size_t i = 0; i < sample.turns.size(); ++i)
        if (sample.turns[i].role == "user") {
            placeholders += countPlaceholders(sample.turns[i].content);
            if (firstUser < 0)
                firstUser = static_cast<int>(i);
        }
    if (placeholders > 0 && placeholders != sample.images.size())
        return Error{who + ": " + std::to_string(placeholders) + " <image> placeholder(s) for " +
                     std::to_string(sample.images.size()) + " image(s)"};
    if (!sample.images.empty() && firstUser < 0)
        return Error{who + ": has images but no user turn to put them in"};

    // Without the answer: everything before the last assistant turn, then the generation prompt.
    const size_t end = options.includeAnswer || lastAssistant < 0 ? sample.turns.size() : static_cast<size_t>(lastAssistant);

    if (sample.turns.empty() || sample.turns.front().role != "system") {
        const std::string system = options.systemPrompt.value_or(kDefaultSystemPrompt);
        if (!system.empty()) {
            out.open("system");
            out.text(system, false);
            out.close(false);
        }
    }
    size_t nextImage = 0;
    for (size_t i = 0; i < end; ++i) {
        const Turn &t = sample.turns[i];
        const bool trained = t.role == "assistant";
        out.open(t.role);
        if (t.role != "user") {
            out.text(t.content, trained);
            out.close(trained);
            continue;
        }
        if (placeholders == 0 && static_cast<int>(i) == firstUser)
            while (nextImage < sample.images.size())
                out.image(imageTokenCounts[nextImage++]);
        // "<image>" is replaced exactly; text around it (e.g. the "\n" of "<image>\n") is kept.
        size_t pos = 0;
        for (size_t p = t.content.find(kImagePlaceholder); p != std::string::npos;
             p = t.content.find(kImagePlaceholder, pos)) {
            if (p > pos)
                out.text(t.content.substr(pos, p - pos), false);
            out.image(imageTokenCounts[nextImage++]);
            pos = p + std::string(kImagePlaceholder).size();
        }
        if (pos < t.content.size())
            out.text(t.content.substr(pos), false);
        out.close(false);
    }
    if (!options.includeAnswer) {
        out.open("assistant");
    }
    return out.take();
}

} // namespace ost::text
