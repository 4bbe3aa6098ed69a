#pragma once
// The Qwen2 pre-tokenizer: splits text into the pieces that BPE then encodes independently.
// It is the regex of Qwen2's tokenizer.json ("Split", behaviour "Isolated"),
//   (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|
//   \s*[\r\n]+|\s+(?!\S)|\s+
// matched by hand over code points: no regex engine has Unicode classes and lookahead in
// std::regex, and a hand-written matcher is several times faster.
#include <string>
#include <utility>
#include <vector>

namespace ost::text {

// The exact regex string this matcher implements; the loader checks tokenizer.json against it.
extern const char *const kQwen2SplitPattern;

// Returns [begin, end) code point ranges covering the whole text, in order.
std::vector<std::pair<size_t, size_t>> splitQwen2(const std::u32string &text);

} // namespace ost::text
