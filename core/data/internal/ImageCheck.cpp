#include "core/data/internal/ImageCheck.h"

#include <opencv2/core.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgcodecs.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sys/stat.h>

namespace ost::detail {
namespace {

uint32_t be16(const std::string &b, size_t i) { return (uint8_t(b[i]) << 8) | uint8_t(b[i + 1]); }
uint32_t be32(const std::string &b, size_t i) { return (be16(b, i) << 16) | be16(b, i + 2); }
uint32_t le16(const std::string &b, size_t i) { return uint8_t(b[i]) | (uint8_t(b[i + 1]) << 8); }
uint32_t le32(const std::string &b, size_t i) { return le16(b, i) | (le16(b, i + 2) << 16); }

ImageSize jpegSize(const std::string &b)
{
    size_t i = 2;
    while (i + 9 < b.size()) {
        if (uint8_t(b[i]) != 0xFF) {
            ++i;
            continue;
        }
        const uint8_t marker = uint8_t(b[i + 1]);
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
            return {int(be16(b, i + 7)), int(be16(b, i + 5))};
        if (len < 2)
            return {};
        i += 2 + len;
    }
    return {};
}

} // namespace

ImageSize readImageHeaderSize(const std::string &b)
{
    if (b.size() >= 24 && b.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0)
        return {int(be32(b, 16)), int(be32(b, 20))};
    if (b.size() >= 4 && uint8_t(b[0]) == 0xFF && uint8_t(b[1]) == 0xD8)
        return jpegSize(b);
    if (b.size() >= 10 && (b.compare(0, 6, "GIF87a") == 0 || b.compare(0, 6, "GIF89a") == 0))
        return {int(le16(b, 6)), int(le16(b, 8))};
    if (b.size() >= 26 && b.compare(0, 2, "BM") == 0) {
        const int32_t h = int32_t(le32(b, 22));
        return {int(int32_t(le32(b, 18))), h < 0 ? -h : h};
    }
    if (b.size() >= 30 && b.compare(0, 4, "RIFF") == 0 && b.compare(8, 4, "WEBP") == 0) {
        if (b.compare(12, 4, "VP8 ") == 0)
            return {int(le16(b, 26) & 0x3FFF), int(le16(b, 28) & 0x3FFF)};
        if (b.compare(12, 4, "VP8L") == 0) {
            const uint32_t v = le32(b, 21);
            return {int((v & 0x3FFF) + 1), int(((v >> 14) & 0x3FFF) + 1)};
        }
        if (b.compare(12, 4, "VP8X") == 0) {
            const uint32_t w = uint8_t(b[24]) | (uint8_t(b[25]) << 8) | (uint8_t(b[26]) << 16);
            const uint32_t h = uint8_t(b[27]) | (uint8_t(b[28]) << 8) | (uint8_t(b[29]) << 16);
            return {int(w + 1), int(h + 1)};
        }
    }
    return {};
}

std::string checkImageFile(const std::string &path, const DatasetOptions &options)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return "cannot read image " + path + ": " + std::strerror(errno);
    std::string head(64 * 1024, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<size_t>(in.gcount()));
    if (head.empty())
        return "image " + path + " is an empty file";
    auto badSize = [&](int64_t w, int64_t h) -> std::string {
        if (w * h > options.maxImagePixels)
            return "image " + path + " is " + std::to_string(w) + "x" + std::to_string(h) +
                   ", over the limit of " + std::to_string(options.maxImagePixels) + " pixels";
        if (w < options.minImageSide || h < options.minImageSide)
            return "image " + path + " is " + std::to_string(w) + "x" + std::to_string(h) +
                   ", smaller than " + std::to_string(options.minImageSide) + " pixels on a side";
        return {};
    };
    const ImageSize hs = readImageHeaderSize(head);
    if (hs.width > 0 && hs.height > 0)
        if (std::string e = badSize(hs.width, hs.height); !e.empty())
            return e;
    if (!options.checkImages)
        return {};
    cv::Mat img;
    try {
        static const bool quiet = [] {
            cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_ERROR);
            return true;
        }();
        (void)quiet;
        img = cv::imread(path, cv::IMREAD_COLOR);
    } catch (const cv::Exception &e) {
        return "cannot decode image " + path + ": " + e.what();
    }
    if (img.empty())
        return "image " + path + " is corrupt or not a supported image format";
    if (hs.width <= 0)
        if (std::string e = badSize(img.cols, img.rows); !e.empty())
            return e;
    return {};
}

} // namespace ost::detail
