// makeByteTokenizer: one id per UTF-8 byte, then the chat special tokens. For the built-in tiny
// proxy model, which needs no vocabulary file.
#include "core/text/Tokenizer.h"

#include "core/text/internal/AddedTokenMatcher.h"

#include <array>

namespace ost {
namespace {

// Fixed order: ids 256.. in this order. Changing it changes every tiny model's embeddings.
const std::array<const char *, 6> kSpecialTokens = {
    "<|im_start|>", "<|im_end|>", "<|vision_start|>", "<|vision_end|>", "<|image_pad|>", "<|endoftext|>"};

class ByteTokenizer : public Tokenizer {
public:
    ByteTokenizer()
    {
        for (size_t i = 0; i < kSpecialTokens.size(); ++i)
            m_matcher.add(kSpecialTokens[i], static_cast<int64_t>(256 + i));
    }

    std::vector<int64_t> encode(const std::string &text) const override
    {
        std::vector<int64_t> out;
        out.reserve(text.size());
        for (const auto &seg : m_matcher.split(text)) {
            if (seg.id >= 0) {
                out.push_back(seg.id);
                continue;
            }
            for (size_t i = seg.begin; i < seg.end; ++i)
                out.push_back(static_cast<unsigned char>(text[i]));
        }
        return out;
    }

    std::string decode(const std::vector<int64_t> &ids) const override
    {
        std::string out;
        for (int64_t id : ids) {
            if (id >= 0 && id < 256)
                out.push_back(static_cast<char>(id));
            else if (id >= 256 && id < vocabSize())
                out += kSpecialTokens[id - 256];
            else
                out += "\xEF\xBF\xBD"; // not a token of this vocabulary
        }
        return out;
    }

    int64_t vocabSize() const override { return 256 + static_cast<int64_t>(kSpecialTokens.size()); }

    std::optional<int64_t> tokenId(const std::string &token) const override
    {
        for (size_t i = 0; i < kSpecialTokens.size(); ++i)
            if (token == kSpecialTokens[i])
                return static_cast<int64_t>(256 + i);
        if (token.size() == 1)
            return static_cast<unsigned char>(token[0]);
        return std::nullopt;
    }

private:
    text::AddedTokenMatcher m_matcher;
};

} // namespace

std::unique_ptr<Tokenizer> makeByteTokenizer() { return std::make_unique<ByteTokenizer>(); }

} // namespace ost
