#pragma once
// One pixel limit for every image reader (scoring, loss, inspect, export --copy-images): the size is
// read from the file's header before anything is decoded, so a 2.6 MB PNG that claims 30000 x 30000
// (5.4 GB once decoded) is refused instead of taking the machine down. Also says what a path that is
// not a plain file is (FIFO, folder, link loop), so such a path is never opened or reported "not found".
#include <cstdint>
#include <string>
#include <string_view>

namespace ost {

// 64 Mpx: the largest camera images (about 50 Mpx) fit; decoded as RGB it is 192 MB (256 MB in
// OpenCV's BGRA buffer) per image per worker, which several workers can hold at once. A Qwen proxy
// resizes to at most about 1 Mpx anyway, so nothing larger changes what a model sees.
constexpr int64_t kDefaultMaxImagePixels = 64LL * 1024 * 1024;

// Process-wide, set once from `--max-image-pixels` (ostc) before any reading starts; readers take it
// as their default. Values <= 0 restore the default.
int64_t maxImagePixels();
void setMaxImagePixels(int64_t pixels);

struct ImageHeaderSize {
    int64_t width = 0, height = 0; // 0 when the format is not one the header reader knows
    bool known() const { return width > 0 && height > 0; }
};

// Width and height from a PNG, JPEG, GIF, BMP, WebP, TIFF or PNM header (the first 64 KiB are enough).
ImageHeaderSize readImageHeaderSize(std::string_view bytes);

// The formats handed to a decoder: PNG, JPEG, WebP, BMP, TIFF, PNM, told by their first bytes. OpenCV
// would try every decoder it was built with on anything else, DICOM (GDCM) and JPEG 2000 included,
// and GDCM aborts the process on a damaged file (found by fuzz_image): those are never tried.
bool isDecodableImageFormat(std::string_view head);
inline const char *kDecodableImageFormats = "PNG, JPEG, WebP, BMP, TIFF, PNM";

// "" when width x height is within `limit`, else "is W x H = N pixels, over the limit of L pixels
// (--max-image-pixels)".
std::string pixelLimitProblem(int64_t width, int64_t height, int64_t limit);

// "" for a regular file (following links); otherwise what the path is: "file not found", "a symbolic
// link loop", "a FIFO (named pipe), not an image file", "a folder", "a device", "a socket".
std::string nonRegularFileProblem(const std::string &path);

} // namespace ost
