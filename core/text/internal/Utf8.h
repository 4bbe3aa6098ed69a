#pragma once
// UTF-8 <-> code points. Invalid bytes are not an error for a tokenizer (byte-level BPE can encode
// any byte), so decoding maps each invalid byte to its own "code point" in a private range that the
// encoder turns back into the same byte: text -> code points -> text is lossless for any input.
#include <string>
#include <string_view>
#include <vector>

namespace ost::text {

// Invalid byte b decodes to kRawByteBase + b (above U+10FFFF, so never a real character).
constexpr char32_t kRawByteBase = 0x110000;

std::u32string decodeUtf8(std::string_view text);
void appendUtf8(std::string &out, char32_t cp);
std::string encodeUtf8(std::u32string_view cps);

} // namespace ost::text
