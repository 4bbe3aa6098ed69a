#include "core/text/internal/Qwen2PreTokenizer.h"

#include "core/text/internal/CharClass.h"

namespace ost::text {

const char *const kQwen2SplitPattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

namespace {

bool isCrLf(char32_t c) { return c == '\r' || c == '\n'; }
bool isOther(char32_t c) { return !isWhitespace(c) && !isLetter(c) && !isNumber(c); }

char32_t lower(char32_t c)
{
    if (c >= 'A' && c <= 'Z')
        return c + 32;
    if (c == 0x17F) // LATIN SMALL LETTER LONG S case-folds to 's' under (?i)
        return 's';
    return c;
}

// Alternative 1: English contractions, case-insensitive. Returns the match length or 0.
size_t contraction(const std::u32string &t, size_t i)
{
    if (t[i] != '\'' || i + 1 >= t.size())
        return 0;
    const char32_t a = lower(t[i + 1]);
    if (a == 's' || a == 't' || a == 'm' || a == 'd')
        return 2;
    if (i + 2 < t.size()) {
        const char32_t b = lower(t[i + 2]);
        if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l'))
            return 3;
    }
    return 0;
}

// Length of the next match at i (always > 0 for i < size: every character fits one alternative).
size_t matchAt(const std::u32string &t, size_t i)
{
    const size_t n = t.size();
    if (size_t len = contraction(t, i))
        return len;

    const char32_t c = t[i];
    // [^\r\n\p{L}\p{N}]?\p{L}+
    {
        size_t j = i;
        if (!isCrLf(c) && !isLetter(c) && !isNumber(c) && i + 1 < n && isLetter(t[i + 1]))
            j = i + 1;
        if (isLetter(t[j])) {
            while (j < n && isLetter(t[j]))
                ++j;
            return j - i;
        }
    }
    // \p{N}
    if (isNumber(c))
        return 1;
    // ' ?[^\s\p{L}\p{N}]+[\r\n]*'
    {
        size_t j = i;
        if (c == ' ' && i + 1 < n && isOther(t[i + 1]))
            j = i + 1;
        if (isOther(t[j])) {
            while (j < n && isOther(t[j]))
                ++j;
            while (j < n && isCrLf(t[j]))
                ++j;
            return j - i;
        }
    }
    // The remaining alternatives all start with whitespace; c must be whitespace here.
    size_t runEnd = i;
    while (runEnd < n && isWhitespace(t[runEnd]))
        ++runEnd;
    // \s*[\r\n]+ : backtracking gives the whitespace up to and including the run's last \r or \n.
    for (size_t k = runEnd; k > i; --k)
        if (isCrLf(t[k - 1]))
            return k - i;
    // \s+(?!\S) : the whole run at the end of text, else the run minus its last character (which
    // then stays to prefix the following word, e.g. " Hello" keeps its space).
    if (runEnd == n)
        return runEnd - i;
    if (runEnd - i >= 2)
        return runEnd - 1 - i;
    // \s+
    return runEnd > i ? runEnd - i : 1;
}

} // namespace

std::vector<std::pair<size_t, size_t>> splitQwen2(const std::u32string &text)
{
    std::vector<std::pair<size_t, size_t>> pieces;
    for (size_t i = 0; i < text.size();) {
        const size_t len = matchAt(text, i);
        pieces.emplace_back(i, i + len);
        i += len;
    }
    return pieces;
}

} // namespace ost::text
