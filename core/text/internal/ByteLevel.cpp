#include "core/text/internal/ByteLevel.h"

#include "core/text/internal/Utf8.h"

#include <unordered_map>

namespace ost::text {
namespace {

std::array<char32_t, 256> byteChars()
{
    std::array<char32_t, 256> map{};
    char32_t next = 256;
    for (int b = 0; b < 256; ++b) {
        const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
        map[b] = printable ? static_cast<char32_t>(b) : next++;
    }
    return map;
}

} // namespace

const std::array<std::string, 256> &byteToUnicode()
{
    static const std::array<std::string, 256> table = [] {
        std::array<std::string, 256> t;
        const auto chars = byteChars();
        for (int b = 0; b < 256; ++b)
            appendUtf8(t[b], chars[b]);
        return t;
    }();
    return table;
}

bool unicodeToBytes(const std::string &token, std::string &bytes)
{
    static const std::unordered_map<char32_t, unsigned char> inverse = [] {
        std::unordered_map<char32_t, unsigned char> m;
        const auto chars = byteChars();
        for (int b = 0; b < 256; ++b)
            m[chars[b]] = static_cast<unsigned char>(b);
        return m;
    }();
    for (char32_t cp : decodeUtf8(token)) {
        auto it = inverse.find(cp);
        if (it == inverse.end())
            return false;
        bytes.push_back(static_cast<char>(it->second));
    }
    return true;
}

} // namespace ost::text
