// tokenizer.json loading and BPE encoding: the input is a tokenizer file, then (after a NUL byte)
// text to encode with it. Whatever loads must encode any bytes, and decode(encode(x)) == x.
#include "FuzzFile.h"

#include "core/text/Tokenizer.h"

#include <cstring>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = static_cast<const uint8_t *>(std::memchr(data, 0, size));
    const size_t jsonSize = nul ? static_cast<size_t>(nul - data) : size;
    const std::string text = nul ? std::string(reinterpret_cast<const char *>(nul + 1), size - jsonSize - 1)
                                 : std::string("Hello, world! 1234 <|im_start|>user\n\xe4\xbd\xa0\xe5\xa5\xbd");
    const std::string path = fuzz::writeInput(data, jsonSize, "tokenizer.json");
    auto tok = ost::loadTokenizerJson(path);
    if (!tok.ok()) {
        fuzz::checkMessage(tok.error().message);
        return 0;
    }
    const std::vector<int64_t> ids = (*tok)->encode(text);
    for (int64_t id : ids)
        if (id < 0)
            std::abort();
    (void)(*tok)->decode(ids);
    return 0;
}
