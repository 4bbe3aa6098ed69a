#include "core/text/internal/Gpt2PreTokenizer.h"

#include "core/text/internal/CharClass.h"

namespace ost::text {

namespace {

bool isOther(char32_t c) { return !isWhitespace(c) && !isLetter(c) && !isNumber(c); }

// 's|'t|'re|'ve|'m|'ll|'d, case-sensitive (unlike Qwen2's (?i:...)). Returns the length or 0.
size_t contraction(const std::u32string &t, size_t i, size_t n)
{
    if (t[i] != '\'' || i + 1 >= n)
        return 0;
    const char32_t a = t[i + 1];
    if (a == 's' || a == 't' || a == 'm' || a == 'd')
        return 2;
    if (i + 2 < n) {
        const char32_t b = t[i + 2];
        if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l'))
            return 3;
    }
    return 0;
}

// ' ?CLASS+' at i: the length, or 0.
template <class Pred>
size_t spacedRun(const std::u32string &t, size_t i, size_t n, Pred inClass)
{
    size_t j = i;
    if (t[j] == ' ' && j + 1 < n && inClass(t[j + 1]))
        ++j;
    if (!inClass(t[j]))
        return 0;
    while (j < n && inClass(t[j]))
        ++j;
    return j - i;
}

// The next match at i within [0, n): always > 0, every character fits one alternative.
size_t matchAt(const std::u32string &t, size_t i, size_t n)
{
    if (size_t len = contraction(t, i, n))
        return len;
    if (size_t len = spacedRun(t, i, n, isLetter))
        return len;
    if (size_t len = spacedRun(t, i, n, isNumber))
        return len;
    if (size_t len = spacedRun(t, i, n, isOther))
        return len;
    size_t runEnd = i;
    while (runEnd < n && isWhitespace(t[runEnd]))
        ++runEnd;
    // \s+(?!\S): the whole run at the end of the piece, else all but its last character (which
    // then prefixes the next word); a single space before a word falls to \s+.
    if (runEnd == n || runEnd - i < 2)
        return runEnd > i ? runEnd - i : 1;
    return runEnd - 1 - i;
}

void splitRange(const std::u32string &t, size_t begin, size_t end, std::vector<std::pair<size_t, size_t>> &out)
{
    for (size_t i = begin; i < end;) {
        const size_t len = matchAt(t, i, end);
        out.emplace_back(i, i + len);
        i += len;
    }
}

} // namespace

std::vector<std::pair<size_t, size_t>> splitGpt2(const std::u32string &text, bool individualDigits)
{
    std::vector<std::pair<size_t, size_t>> pieces;
    if (!individualDigits) {
        splitRange(text, 0, text.size(), pieces);
        return pieces;
    }
    // Digits first: every digit is a piece of its own; the regex then runs inside each stretch
    // between digits (its lookahead cannot see across a digit piece).
    size_t start = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        if (!isNumber(text[i]))
            continue;
        splitRange(text, start, i, pieces);
        pieces.emplace_back(i, i + 1);
        start = i + 1;
    }
    splitRange(text, start, text.size(), pieces);
    return pieces;
}

} // namespace ost::text
