#include "core/text/internal/Nfc.h"

#include "core/text/internal/UnicodeTables.h"

#include <algorithm>
#include <vector>

namespace ost::text {
namespace {

using namespace unicode;

// Hangul syllables compose and decompose by arithmetic (Unicode 3.12) instead of by table.
constexpr char32_t kSBase = 0xAC00, kLBase = 0x1100, kVBase = 0x1161, kTBase = 0x11A7;
constexpr int kLCount = 19, kVCount = 21, kTCount = 28, kNCount = kVCount * kTCount,
              kSCount = kLCount * kNCount;

bool mayChange(char32_t cp)
{
    if (cp < 0x300)
        return false;
    if (cp >= kSBase && cp < kSBase + kSCount)
        return false; // precomposed syllables are already NFC; their trailing jamo are in the table
    const CodeRange *end = kNfcMaybeChangeRanges + kNfcMaybeChangeRangesCount;
    const CodeRange *it = std::upper_bound(kNfcMaybeChangeRanges, end, cp,
                                           [](char32_t c, const CodeRange &r) { return c < r.lo; });
    return it != kNfcMaybeChangeRanges && cp <= (it - 1)->hi;
}

uint8_t combiningClass(char32_t cp)
{
    if (cp < 0x300)
        return 0;
    const CombiningRange *end = kCombiningRanges + kCombiningRangesCount;
    const CombiningRange *it = std::upper_bound(kCombiningRanges, end, cp,
                                                [](char32_t c, const CombiningRange &r) { return c < r.lo; });
    if (it != kCombiningRanges && cp <= (it - 1)->hi)
        return (it - 1)->ccc;
    return 0;
}

void decomposeInto(std::u32string &out, char32_t cp)
{
    if (cp >= kSBase && cp < kSBase + kSCount) {
        const int s = static_cast<int>(cp - kSBase);
        out.push_back(kLBase + s / kNCount);
        out.push_back(kVBase + (s % kNCount) / kTCount);
        if (s % kTCount != 0)
            out.push_back(kTBase + s % kTCount);
        return;
    }
    const Decomposition *end = kDecompositions + kDecompositionsCount;
    const Decomposition *it =
        std::lower_bound(kDecompositions, end, cp, [](const Decomposition &d, char32_t c) { return d.cp < c; });
    if (it != end && it->cp == cp)
        out.append(kDecompositionData + it->offset, it->length);
    else
        out.push_back(cp);
}

// Returns the primary composite of (a, b), or 0 when they do not compose.
char32_t compose(char32_t a, char32_t b)
{
    if (a >= kLBase && a < kLBase + kLCount && b >= kVBase && b < kVBase + kVCount)
        return kSBase + ((a - kLBase) * kVCount + (b - kVBase)) * kTCount;
    if (a >= kSBase && a < kSBase + kSCount && (a - kSBase) % kTCount == 0 && b > kTBase &&
        b < kTBase + kTCount)
        return a + (b - kTBase);
    const Composition *end = kCompositions + kCompositionsCount;
    const Composition *it = std::lower_bound(kCompositions, end, std::make_pair(a, b),
                                             [](const Composition &c, const std::pair<char32_t, char32_t> &k) {
                                                 return c.first < k.first || (c.first == k.first && c.second < k.second);
                                             });
    if (it != end && it->first == a && it->second == b)
        return it->composite;
    return 0;
}

} // namespace

std::u32string nfc(const std::u32string &text)
{
    if (std::none_of(text.begin(), text.end(), mayChange))
        return text;

    // 1. Full canonical decomposition.
    std::u32string d;
    d.reserve(text.size() + 8);
    for (char32_t cp : text)
        decomposeInto(d, cp);

    // 2. Canonical ordering: stable sort of each run of non-starters by combining class.
    std::vector<uint8_t> ccc(d.size());
    for (size_t i = 0; i < d.size(); ++i)
        ccc[i] = combiningClass(d[i]);
    for (size_t i = 0; i < d.size();) {
        if (ccc[i] == 0) {
            ++i;
            continue;
        }
        size_t j = i;
        while (j < d.size() && ccc[j] != 0)
            ++j;
        // Runs are tiny; insertion sort is stable and keeps d and ccc in step.
        for (size_t a = i + 1; a < j; ++a)
            for (size_t b = a; b > i && ccc[b - 1] > ccc[b]; --b) {
                std::swap(ccc[b - 1], ccc[b]);
                std::swap(d[b - 1], d[b]);
            }
        i = j;
    }

    // 3. Canonical composition: each character joins the last starter unless blocked by a
    // character of equal or higher class in between.
    std::u32string out;
    out.reserve(d.size());
    std::vector<uint8_t> outCcc;
    outCcc.reserve(d.size());
    long starter = -1;
    for (size_t i = 0; i < d.size(); ++i) {
        const char32_t cp = d[i];
        const uint8_t cc = ccc[i];
        if (starter >= 0) {
            const uint8_t last = outCcc.back();
            const bool blocked = static_cast<size_t>(starter) != out.size() - 1 && (last == 0 || last >= cc);
            if (!blocked) {
                if (char32_t c = compose(out[starter], cp)) {
                    out[starter] = c;
                    continue;
                }
            }
        }
        out.push_back(cp);
        outCcc.push_back(cc);
        if (cc == 0)
            starter = static_cast<long>(out.size()) - 1;
    }
    return out;
}

} // namespace ost::text
