#include "core/common/ImageLimits.h"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <sys/stat.h>

namespace ost {
namespace {

std::atomic<int64_t> g_maxPixels{kDefaultMaxImagePixels};

uint32_t at(std::string_view b, size_t i) { return static_cast<uint8_t>(b[i]); }
uint32_t be16(std::string_view b, size_t i) { return (at(b, i) << 8) | at(b, i + 1); }
uint32_t be32(std::string_view b, size_t i) { return (be16(b, i) << 16) | be16(b, i + 2); }
uint32_t le16(std::string_view b, size_t i) { return at(b, i) | (at(b, i + 1) << 8); }
uint32_t le32(std::string_view b, size_t i) { return le16(b, i) | (le16(b, i + 2) << 16); }

ImageHeaderSize jpegSize(std::string_view b)
{
    size_t i = 2;
    while (i + 9 < b.size()) {
        if (at(b, i) != 0xFF) {
            ++i;
            continue;
        }
        const uint32_t marker = at(b, i + 1);
        if (marker == 0xFF) {
            ++i;
            continue;
        }
        if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
            i += 2;
            continue;
        }
        const uint32_t len = be16(b, i + 2);
        // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
        if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC)
            return {be16(b, i + 7), be16(b, i + 5)};
        if (len < 2)
            return {};
        i += 2 + len;
    }
    return {};
}

// Baseline TIFF: the first IFD's ImageWidth (256) and ImageLength (257) tags.
ImageHeaderSize tiffSize(std::string_view b)
{
    const bool le = b[0] == 'I';
    auto u16 = [&](size_t i) { return le ? le16(b, i) : be16(b, i); };
    auto u32 = [&](size_t i) { return le ? le32(b, i) : be32(b, i); };
    const size_t ifd = u32(4);
    if (ifd + 2 > b.size())
        return {};
    const size_t n = u16(ifd);
    ImageHeaderSize s;
    for (size_t k = 0; k < n && ifd + 2 + 12 * (k + 1) <= b.size(); ++k) {
        const size_t e = ifd + 2 + 12 * k;
        const uint32_t tag = u16(e), type = u16(e + 2);
        const int64_t v = type == 3 ? u16(e + 8) : u32(e + 8);
        if (tag == 256)
            s.width = v;
        else if (tag == 257)
            s.height = v;
    }
    return s;
}

// P1..P7 netpbm: "P6 <w> <h> ..." with comments starting at '#'.
ImageHeaderSize pnmSize(std::string_view b)
{
    size_t i = 2;
    int64_t v[2] = {0, 0};
    for (int k = 0; k < 2; ++k) {
        for (;;) {
            while (i < b.size() && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r'))
                ++i;
            if (i < b.size() && b[i] == '#') {
                while (i < b.size() && b[i] != '\n')
                    ++i;
                continue;
            }
            break;
        }
        if (i >= b.size() || b[i] < '0' || b[i] > '9')
            return {};
        while (i < b.size() && b[i] >= '0' && b[i] <= '9' && v[k] < (int64_t(1) << 40))
            v[k] = v[k] * 10 + (b[i++] - '0');
    }
    return {v[0], v[1]};
}

} // namespace

int64_t maxImagePixels() { return g_maxPixels.load(std::memory_order_relaxed); }

void setMaxImagePixels(int64_t pixels) { g_maxPixels.store(pixels > 0 ? pixels : kDefaultMaxImagePixels); }

ImageHeaderSize readImageHeaderSize(std::string_view b)
{
    if (b.size() >= 24 && b.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8))
        return {be32(b, 16), be32(b, 20)};
    if (b.size() >= 4 && at(b, 0) == 0xFF && at(b, 1) == 0xD8)
        return jpegSize(b);
    if (b.size() >= 10 && (b.substr(0, 6) == "GIF87a" || b.substr(0, 6) == "GIF89a"))
        return {le16(b, 6), le16(b, 8)};
    if (b.size() >= 26 && b.substr(0, 2) == "BM") {
        const int64_t w = static_cast<int32_t>(le32(b, 18));
        const int64_t h = static_cast<int32_t>(le32(b, 22));
        return {w < 0 ? -w : w, h < 0 ? -h : h};
    }
    if (b.size() >= 30 && b.substr(0, 4) == "RIFF" && b.substr(8, 4) == "WEBP") {
        if (b.substr(12, 4) == "VP8 ")
            return {le16(b, 26) & 0x3FFF, le16(b, 28) & 0x3FFF};
        if (b.substr(12, 4) == "VP8L") {
            const uint32_t v = le32(b, 21);
            return {(v & 0x3FFF) + 1, ((v >> 14) & 0x3FFF) + 1};
        }
        if (b.substr(12, 4) == "VP8X") {
            const uint32_t w = at(b, 24) | (at(b, 25) << 8) | (at(b, 26) << 16);
            const uint32_t h = at(b, 27) | (at(b, 28) << 8) | (at(b, 29) << 16);
            return {int64_t(w) + 1, int64_t(h) + 1};
        }
    }
    if (b.size() >= 8 && (b.substr(0, 4) == std::string_view("II*\0", 4) || b.substr(0, 4) == std::string_view("MM\0*", 4)))
        return tiffSize(b);
    if (b.size() >= 3 && b[0] == 'P' && b[1] >= '1' && b[1] <= '6')
        return pnmSize(b);
    return {};
}

bool isDecodableImageFormat(std::string_view b)
{
    // The same tests OpenCV's own decoders use to claim a file, so that the one meant gets it: where
    // none claims it, OpenCV falls through to the DICOM decoder, and that one also claims any file with
    // "DICM" at byte 128, whatever comes first (both found by fuzz_image).
    if (b.size() >= 132 && b.substr(128, 4) == "DICM")
        return false;
    const auto starts = [&](std::string_view magic) { return b.substr(0, magic.size()) == magic; };
    const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; };
    return starts(std::string_view("\x89PNG\r\n\x1a\n", 8)) || starts("\xFF\xD8\xFF") ||
           (starts("RIFF") && b.size() >= 12 && b.substr(8, 4) == "WEBP") || starts("BM") ||
           starts(std::string_view("II*\0", 4)) || starts(std::string_view("MM\0*", 4)) ||
           (b.size() >= 3 && b[0] == 'P' && b[1] >= '1' && b[1] <= '6' && space(b[2]));
}

std::string pixelLimitProblem(int64_t width, int64_t height, int64_t limit)
{
    // Header sides go up to 2^32 each: their product can overflow 64 bits (found by fuzz_image), so
    // the comparison divides instead of multiplying.
    if (width <= 0 || height <= 0 || width <= limit / height)
        return {};
    const unsigned __int128 pixels = static_cast<unsigned __int128>(width) * static_cast<uint64_t>(height);
    const std::string count = pixels > static_cast<unsigned __int128>(INT64_MAX) ? std::string("over 2^63")
                                                                              : std::to_string(static_cast<int64_t>(pixels));
    return "is " + std::to_string(width) + "x" + std::to_string(height) + " = " + count +
           " pixels, over the limit of " + std::to_string(limit) + " (--max-image-pixels)";
}

std::string nonRegularFileProblem(const std::string &path)
{
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        if (errno == ELOOP)
            return "a symbolic link loop";
        if (errno == ENOENT) {
            struct stat l {};
            return ::lstat(path.c_str(), &l) == 0 ? "a dangling symbolic link" : "file not found";
        }
        return std::string("cannot read: ") + std::strerror(errno);
    }
    if (S_ISREG(st.st_mode))
        return {};
    if (S_ISFIFO(st.st_mode))
        return "a FIFO (named pipe), not an image file";
    if (S_ISDIR(st.st_mode))
        return "a folder, not an image file";
    if (S_ISSOCK(st.st_mode))
        return "a socket, not an image file";
    return "a device, not an image file";
}

} // namespace ost
