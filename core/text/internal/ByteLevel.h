#pragma once
// GPT-2's byte-to-unicode table: byte-level BPE vocabularies spell every byte as a printable
// character (printable Latin-1 bytes as themselves, the rest shifted to U+0100..), so that
// tokens are readable strings in tokenizer.json.
#include <array>
#include <string>

namespace ost::text {

// The UTF-8 spelling of each byte's character.
const std::array<std::string, 256> &byteToUnicode();

// Inverse: a byte-level token string back to raw bytes. Returns false when the string holds a
// character outside the table (not a byte-level token).
bool unicodeToBytes(const std::string &token, std::string &bytes);

} // namespace ost::text
