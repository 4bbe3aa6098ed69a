// renderChat / encodeChat over the segment layout of internal/ChatSegments.
#include "core/text/ChatTemplate.h"
#include "core/common/MessageText.h"

#include "core/text/internal/ChatSegments.h"

namespace ost {

using text::ChatSegment;

Result<std::string> renderChat(const Sample &sample, const std::vector<int64_t> &imageTokenCounts,
                               const ChatTemplateOptions &options)
{
    auto layout = text::layoutChat(sample, imageTokenCounts, options);
    if (!layout)
        return layout.error();
    std::string out;
    for (const ChatSegment &s : *layout) {
        if (s.kind == ChatSegment::ImagePads)
            for (int64_t i = 0; i < s.count; ++i)
                out += text::kImagePad;
        else
            out += s.text;
    }
    return out;
}

namespace {

// Tokenises the text between two special tokens in one piece (as encode() of the whole rendered
// string would) and labels each token by where it starts: a token that starts in a trained part
// is trained. The only untrained-to-trained boundary inside a run is after "assistant\n", which
// is ASCII and so unchanged by NFC: byte offsets before it are the same in raw and normalised text.
class Encoder {
public:
    explicit Encoder(const Tokenizer &tok) : m_tok(tok) {}

    void text(const std::string &t, bool trained)
    {
        m_parts.push_back({m_run.size(), trained});
        m_run += t;
    }
    void token(int64_t id, bool trained)
    {
        flush();
        m_out.inputIds.push_back(id);
        m_out.labels.push_back(trained ? id : kIgnoreIndex);
    }
    void flush()
    {
        if (m_run.empty())
            return;
        const std::vector<int64_t> ids = m_tok.encode(m_run);
        size_t offset = 0, part = 0;
        for (int64_t id : ids) {
            while (part + 1 < m_parts.size() && m_parts[part + 1].begin <= offset)
                ++part;
            m_out.inputIds.push_back(id);
            m_out.labels.push_back(m_parts[part].trained && offset >= m_parts[part].begin ? id : kIgnoreIndex);
            offset += m_tok.decode({id}).size();
        }
        m_run.clear();
        m_parts.clear();
    }
    EncodedChat &result() { return m_out; }

private:
    struct Part {
        size_t begin;
        bool trained;
    };
    const Tokenizer &m_tok;
    std::string m_run;
    std::vector<Part> m_parts;
    EncodedChat m_out;
};

} // namespace

Result<EncodedChat> encodeChat(const Sample &sample, const Tokenizer &tokenizer,
                               const std::vector<int64_t> &imageTokenCounts, const ChatTemplateOptions &options)
{
    auto layout = text::layoutChat(sample, imageTokenCounts, options);
    if (!layout)
        return layout.error();
    const std::string who = "sample " + quotedValue(sample.id);

    Encoder enc(tokenizer);
    std::optional<int64_t> padId;
    // Image blocks [<|vision_start|> .. <|vision_end|>] as token positions, recorded as they are
    // laid out (a "<|vision_start|>" typed in the text must not count as an image).
    std::vector<std::pair<size_t, size_t>> blocks;
    for (const ChatSegment &s : *layout) {
        switch (s.kind) {
        case ChatSegment::Text:
            enc.text(s.text, s.trained);
            break;
        case ChatSegment::Special: {
            const auto id = tokenizer.tokenId(s.text);
            if (!id)
                return Error{"the tokenizer has no " + s.text + " token (needed for " + who + ")"};
            enc.token(*id, s.trained);
            break;
        }
        case ChatSegment::ImagePads:
            if (!padId && !(padId = tokenizer.tokenId(text::kImagePad)))
                return Error{std::string("the tokenizer has no ") + text::kImagePad + " token (needed for " + who + ")"};
            // The layout always puts <|vision_start|> just before the pads and <|vision_end|> after.
            blocks.emplace_back(enc.result().inputIds.size() - 1, enc.result().inputIds.size() + s.count);
            for (int64_t i = 0; i < s.count; ++i)
                enc.token(*padId, false);
            break;
        }
    }
    enc.flush();
    EncodedChat out = std::move(enc.result());

    // Image blocks must be kept whole or dropped whole: the vision tower produces exactly one
    // feature per pad of each image it is given.
    size_t keep = out.inputIds.size();
    if (options.maxTokens > 0 && static_cast<int64_t>(keep) > options.maxTokens) {
        keep = static_cast<size_t>(options.maxTokens);
        for (const auto &[b, e] : blocks)
            if (b < keep && keep <= e)
                keep = b;
        size_t promptLength = 0; // tokens before the first trained one
        while (promptLength < out.labels.size() && out.labels[promptLength] == kIgnoreIndex)
            ++promptLength;
        if (promptLength >= keep)
            return Error{who + ": the prompt alone (" + std::to_string(promptLength) + " tokens) exceeds maxTokens " +
                         std::to_string(options.maxTokens)};
        out.inputIds.resize(keep);
        out.labels.resize(keep);
        out.truncated = true;
    }
    for (const auto &[b, e] : blocks)
        if (e < keep)
            ++out.imageCount;
    return out;
}

} // namespace ost
