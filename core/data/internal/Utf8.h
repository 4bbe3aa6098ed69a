#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace ost::detail {

// Offset of the first byte that breaks UTF-8 (overlong forms and surrogates included), or npos.
size_t firstInvalidUtf8(std::string_view s);
// Copy with every invalid sequence replaced by U+FFFD, so a record with a stray Latin-1 byte can
// still be shown and parsed; validation reports the original problem separately.
std::string sanitizeUtf8(std::string_view s);

} // namespace ost::detail
