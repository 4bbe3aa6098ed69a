#pragma once
// The character classes of the Qwen2 pre-tokenizer regex: \p{L}, \p{N} and \s. \s is Unicode's
// White_Space property, which is what Oniguruma (the regex engine behind Hugging Face tokenizers)
// uses for \s on UTF-8 text.
namespace ost::text {

bool isLetter(char32_t cp);
bool isNumber(char32_t cp);
bool isWhitespace(char32_t cp);

} // namespace ost::text
