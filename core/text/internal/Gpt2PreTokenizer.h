#pragma once
// The GPT-2 byte-level pre-tokenizer (Hugging Face ByteLevel with use_regex = true):
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// optionally after a Digits(individual_digits = true) step that makes every \p{N} its own piece
// (SmolLM2's tokenizer, llama.cpp's "smollm" pre-tokenizer). Matched by hand over code points,
// like splitQwen2.
#include <string>
#include <utility>
#include <vector>

namespace ost::text {

// Returns [begin, end) code point ranges covering the whole text, in order.
std::vector<std::pair<size_t, size_t>> splitGpt2(const std::u32string &text, bool individualDigits);

} // namespace ost::text
