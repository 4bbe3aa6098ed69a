#pragma once
// Text to token ids and back. Two implementations: BpeTokenizer (Hugging Face tokenizer.json,
// byte-level BPE as used by Qwen2) and ByteTokenizer (one id per byte, for the built-in tiny proxy).
#include "core/common/Result.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ost {

class Tokenizer {
public:
    virtual ~Tokenizer() = default;

    // Plain text: special/added tokens written in the text (e.g. "<|im_start|>") are recognised and
    // become their ids; no BOS/EOS is added.
    virtual std::vector<int64_t> encode(const std::string &text) const = 0;
    virtual std::string decode(const std::vector<int64_t> &ids) const = 0;
    virtual int64_t vocabSize() const = 0;
    virtual std::optional<int64_t> tokenId(const std::string &token) const = 0; // incl. special tokens
};

// Loads tokenizer.json (byte-level BPE). Error names the file and what is unsupported.
// Implementations are safe to use from several threads at once (encode/decode are const).
Result<std::unique_ptr<Tokenizer>> loadTokenizerJson(const std::string &path);

// One id per UTF-8 byte (ids 0..255) followed by the chat special tokens of the Qwen2-VL family,
// ids 256..261 in this fixed order (the tiny proxy's embeddings depend on it):
// <|im_start|>, <|im_end|>, <|vision_start|>, <|vision_end|>, <|image_pad|>, <|endoftext|>.
// decode() skips nothing; decode(encode(x)) == x for any bytes x.
std::unique_ptr<Tokenizer> makeByteTokenizer();

} // namespace ost
