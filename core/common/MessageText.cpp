#include "core/common/MessageText.h"

namespace ost {

std::string escapeControls(std::string_view text)
{
    static const char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(text.size());
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '\n')
            out += "\\n";
        else if (c == '\r')
            out += "\\r";
        else if (c == '\t')
            out += "\\t";
        else if (c < 0x20 || c == 0x7f) {
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 0xF];
        } else
            out += ch;
    }
    return out;
}

std::string quotedValue(std::string_view value)
{
    return "'" + escapeControls(value) + "'";
}

} // namespace ost
