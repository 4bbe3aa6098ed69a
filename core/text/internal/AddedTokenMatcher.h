#pragma once
// Splits text on added tokens (e.g. "<|im_start|>") before any normalisation or BPE, so that
// they always become their single id. At each position the longest token wins; the leftmost
// occurrence is taken first (Hugging Face's leftmost-longest rule).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ost::text {

class AddedTokenMatcher {
public:
    void add(const std::string &content, int64_t id);
    bool empty() const { return m_count == 0; }

    struct Segment {
        size_t begin, end; // byte range in the text
        int64_t id;        // the added token's id, or -1 for plain text to be encoded
    };
    std::vector<Segment> split(std::string_view text) const;

private:
    struct Entry {
        std::string content;
        int64_t id;
    };
    std::vector<Entry> m_byFirstByte[256]; // longest first
    size_t m_count = 0;
};

} // namespace ost::text
