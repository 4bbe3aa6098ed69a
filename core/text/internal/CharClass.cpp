#include "core/text/internal/CharClass.h"

#include "core/text/internal/UnicodeTables.h"

#include <algorithm>
#include <array>
#include <cstdint>

namespace ost::text {
namespace {

using unicode::CodeRange;

bool inRanges(const CodeRange *ranges, size_t count, char32_t cp)
{
    const CodeRange *end = ranges + count;
    const CodeRange *it = std::upper_bound(ranges, end, cp, [](char32_t c, const CodeRange &r) { return c < r.lo; });
    return it != ranges && cp <= (it - 1)->hi;
}

enum : uint8_t { kLetter = 1, kNumber = 2, kSpace = 4 };

bool whiteSpaceProperty(char32_t cp)
{
    return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
           cp == 0x205F || cp == 0x3000;
}

// Flags for the Basic Multilingual Plane, where nearly all text lives: one lookup instead of
// a binary search per character.
const std::array<uint8_t, 0x10000> &bmpFlags()
{
    static const std::array<uint8_t, 0x10000> table = [] {
        std::array<uint8_t, 0x10000> t{};
        for (size_t i = 0; i < unicode::kLetterRangesCount; ++i)
            for (char32_t c = unicode::kLetterRanges[i].lo; c <= unicode::kLetterRanges[i].hi && c < 0x10000; ++c)
                t[c] |= kLetter;
        for (size_t i = 0; i < unicode::kNumberRangesCount; ++i)
            for (char32_t c = unicode::kNumberRanges[i].lo; c <= unicode::kNumberRanges[i].hi && c < 0x10000; ++c)
                t[c] |= kNumber;
        for (char32_t c = 0; c < 0x10000; ++c)
            if (whiteSpaceProperty(c))
                t[c] |= kSpace;
        return t;
    }();
    return table;
}

} // namespace

bool isLetter(char32_t cp)
{
    if (cp < 0x10000)
        return bmpFlags()[cp] & kLetter;
    return inRanges(unicode::kLetterRanges, unicode::kLetterRangesCount, cp);
}

bool isNumber(char32_t cp)
{
    if (cp < 0x10000)
        return bmpFlags()[cp] & kNumber;
    return inRanges(unicode::kNumberRanges, unicode::kNumberRangesCount, cp);
}

bool isWhitespace(char32_t cp)
{
    return cp < 0x10000 && (bmpFlags()[cp] & kSpace);
}

} // namespace ost::text
