// Image decoding through the pixel limit: the header reader, then OpenCV's decoders. A header that
// claims more than the limit must be refused before decoding (the limit is small here, so the fuzzer
// also finds decoders that allocate by what a header says).
#include "FuzzFile.h"

#include "core/common/ImageLimits.h"
#include "core/vision/ImageProcessor.h"
#include "core/vision/RgbImage.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const bool init = [] {
        ost::setMaxImagePixels(1 << 20);
        return true;
    }();
    (void)init;
    const std::string_view bytes(reinterpret_cast<const char *>(data), size);
    const ost::ImageHeaderSize header = ost::readImageHeaderSize(bytes);
    auto img = ost::decodeImageBytes(std::vector<uint8_t>(data, data + size), "fuzz.img");
    if (!img.ok()) {
        fuzz::checkMessage(img.error().message);
        return 0;
    }
    if (img->width * img->height > ost::maxImagePixels() ||
        img->pixels.size() != static_cast<size_t>(img->width * img->height * 3))
        std::abort();
    if (header.known() && !ost::pixelLimitProblem(header.width, header.height, ost::maxImagePixels()).empty())
        std::abort(); // decoded although the header said it was over the limit
    static const ost::ImageProcessor processor;
    auto p = processor.process(img.value(), "fuzz.img");
    if (!p.ok())
        fuzz::checkMessage(p.error().message);
    return 0;
}
