#pragma once
// Unicode Normalization Form C, the normalizer of Qwen2's tokenizer.json ({"type": "NFC"}).
#include <string>

namespace ost::text {

// Text that cannot change (the common case: no combining marks, no decomposable characters that
// NFC rewrites) is returned untouched without building any intermediate buffers.
std::u32string nfc(const std::u32string &text);

} // namespace ost::text
