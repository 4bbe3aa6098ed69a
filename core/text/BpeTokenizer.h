#pragma once
// Byte-level BPE as configured by a tokenizer.json (Qwen2's, SmolLM2's) or a GGUF file's metadata:
// added tokens split out first, NFC (Qwen2), the pre-tokenizer regex, GPT-2 byte-to-unicode
// mapping, then BPE merges per piece. Built by loadTokenizerJson() or tokenizerFromGguf(); the
// constructor parts are public so tests can build tiny models.
#include "core/text/Tokenizer.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ost {

struct BpeConfig {
    // Token strings are in byte-level spelling ("Ġthe"), as in tokenizer.json's model.vocab.
    std::vector<std::pair<std::string, int64_t>> vocab;
    std::vector<std::pair<std::string, std::string>> merges; // in rank order
    struct AddedToken {
        std::string content;
        int64_t id;
        bool special;
    };
    std::vector<AddedToken> addedTokens;
    // How text is split into the pieces BPE encodes independently.
    enum class PreTokenizer {
        Qwen2,      // Qwen2's Split regex (Qwen2, Qwen2.5, Qwen3, Qwen2-VL)
        Gpt2,       // ByteLevel with GPT-2's regex
        Gpt2Digits, // Digits(individual_digits) then ByteLevel's GPT-2 regex (SmolLM2)
    };
    PreTokenizer preTokenizer = PreTokenizer::Qwen2;
    bool nfc = true;           // normalizer {"type": "NFC"}
    bool ignoreMerges = false; // a piece that is itself a vocab token skips the merges
};

class BpeTokenizer : public Tokenizer {
public:
    // Fails when the vocabulary lacks a byte token or a merge names an unknown token.
    static Result<std::unique_ptr<BpeTokenizer>> create(const BpeConfig &config);
    ~BpeTokenizer() override;

    std::vector<int64_t> encode(const std::string &text) const override;
    // Raw bytes, byte for byte: invalid UTF-8 from a partial sequence of ids is kept, not replaced,
    // so decode(encode(x)) == x for any x. An id outside the vocabulary decodes to U+FFFD.
    std::string decode(const std::vector<int64_t> &ids) const override;
    int64_t vocabSize() const override;
    std::optional<int64_t> tokenId(const std::string &token) const override;

    size_t mergeCount() const;
    size_t addedTokenCount() const;

private:
    BpeTokenizer();
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace ost
