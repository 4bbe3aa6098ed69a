// The safetensors header (and the bounds of every tensor it declares): any bytes must open or fail
// with an error, and every view handed out must lie inside the file.
#include "FuzzFile.h"

#include "core/model/Safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string path = fuzz::writeInput(data, size, "model.safetensors");
    auto file = ost::SafetensorsFile::open(path);
    if (!file.ok()) {
        fuzz::checkMessage(file.error().message);
        return 0;
    }
    uint64_t sum = 0;
    for (const std::string &name : (*file)->names()) {
        const ost::TensorView *t = (*file)->find(name);
        if (!t || (t->bytes && !t->data))
            std::abort();
        if (t->bytes && t->numel() * static_cast<int64_t>(ost::safetensorsDtypeSize(t->dtype)) != static_cast<int64_t>(t->bytes))
            std::abort();
        if (t->bytes) // first and last byte: ASan sees a view that leaves the mapping
            sum += t->data[0] + t->data[t->bytes - 1];
    }
    return static_cast<int>(sum & 0);
}
