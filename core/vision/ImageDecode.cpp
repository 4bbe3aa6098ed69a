#include "core/vision/RgbImage.h"
#include "core/common/MessageText.h"

#include "core/common/ImageLimits.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <new>

namespace ost {

namespace {

Error imageError(const std::string &name, const std::string &what)
{
    return Error{"image " + quotedValue(name) + ": " + escapeControls(what)};
}

bool isJpeg(const std::vector<uint8_t> &b)
{
    return b.size() >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF;
}

// libjpeg "decodes" a truncated file by filling the missing rows with grey and only warning; PIL
// refuses it. A complete JPEG ends with an EOI marker (FF D9), which cannot occur inside the
// entropy-coded data, so its absence near the end means the file was cut short.
bool jpegLooksComplete(const std::vector<uint8_t> &b)
{
    const size_t window = std::min<size_t>(b.size(), 4096);
    for (size_t i = b.size() - window; i + 1 < b.size(); ++i)
        if (b[i] == 0xFF && b[i + 1] == 0xD9)
            return true;
    return false;
}

// PIL's alpha_composite of a pixel over opaque white, in its 7-bit fixed point, so images with
// transparency convert to exactly the reference's RGB values.
uint8_t overWhite(uint8_t value, uint8_t alpha)
{
    if (alpha == 0)
        return 255;
    constexpr uint32_t kShift = 7;
    const uint32_t outA255 = alpha * 255u + 255u * (255u - alpha);
    const uint32_t coef1 = alpha * 255u * 255u * (1u << kShift) / outA255;
    const uint32_t coef2 = 255u * (1u << kShift) - coef1;
    const uint32_t tmp = value * coef1 + 255u * coef2 + (0x80u << kShift);
    return static_cast<uint8_t>((((tmp >> 8) + tmp) >> 8) >> kShift);
}

RgbImage toRgb(const cv::Mat &decoded)
{
    cv::Mat img = decoded;
    if (img.depth() == CV_16U) {
        // Keep the high byte (truncating, not rounding), as PIL does when it loads 16-bit RGB.
        cv::Mat narrow(img.size(), CV_MAKETYPE(CV_8U, img.channels()));
        for (int y = 0; y < img.rows; ++y) {
            const uint16_t *src = img.ptr<uint16_t>(y);
            uint8_t *dst = narrow.ptr<uint8_t>(y);
            for (int i = 0; i < img.cols * img.channels(); ++i)
                dst[i] = static_cast<uint8_t>(src[i] >> 8);
        }
        img = narrow;
    }
    RgbImage out;
    out.height = img.rows;
    out.width = img.cols;
    out.pixels.resize(static_cast<size_t>(img.rows) * img.cols * 3);
    const int channels = img.channels();
    for (int y = 0; y < img.rows; ++y) {
        const uint8_t *src = img.ptr<uint8_t>(y);
        uint8_t *dst = out.pixels.data() + static_cast<size_t>(y) * img.cols * 3;
        for (int x = 0; x < img.cols; ++x, src += channels, dst += 3) {
            switch (channels) {
            case 1:
                dst[0] = dst[1] = dst[2] = src[0];
                break;
            case 2: // grey + alpha
                dst[0] = dst[1] = dst[2] = overWhite(src[0], src[1]);
                break;
            case 3: // OpenCV order is BGR
                dst[0] = src[2];
                dst[1] = src[1];
                dst[2] = src[0];
                break;
            default: // BGRA
                dst[0] = overWhite(src[2], src[3]);
                dst[1] = overWhite(src[1], src[3]);
                dst[2] = overWhite(src[0], src[3]);
                break;
            }
        }
    }
    return out;
}

// OpenCV's own decoder limit, for formats the header reader does not know: it reads
// OPENCV_IO_MAX_IMAGE_PIXELS once, at its first decode, so it is set before that (the user's own
// value wins).
void setOpenCvPixelLimitOnce()
{
    static const bool done = [] {
        ::setenv("OPENCV_IO_MAX_IMAGE_PIXELS", std::to_string(maxImagePixels()).c_str(), 0);
        return true;
    }();
    (void)done;
}

} // namespace

Result<RgbImage> decodeImageBytes(const std::vector<uint8_t> &bytes, const std::string &name)
{
    if (bytes.empty())
        return imageError(name, "file is empty");
    // The size comes from the header before anything is decoded: a small file can claim gigapixels.
    const int64_t limit = maxImagePixels();
    const ImageHeaderSize header = readImageHeaderSize(
        std::string_view(reinterpret_cast<const char *>(bytes.data()), std::min<size_t>(bytes.size(), 64 * 1024)));
    if (header.known())
        if (std::string p = pixelLimitProblem(header.width, header.height, limit); !p.empty())
            return imageError(name, p);
    if (!isDecodableImageFormat(std::string_view(reinterpret_cast<const char *>(bytes.data()), bytes.size())))
        return imageError(name, std::string("cannot decode: corrupt or not a supported image format (") +
                                    kDecodableImageFormats + ")");
    setOpenCvPixelLimitOnce();
    const bool jpeg = isJpeg(bytes);
    if (jpeg && !jpegLooksComplete(bytes))
        return imageError(name, "JPEG data is truncated (no end-of-image marker)");
    // JPEG has no alpha, and IMREAD_COLOR applies its EXIF orientation; other formats are read
    // unchanged so transparency can be composited the way the reference does.
    const int flags = jpeg ? cv::IMREAD_COLOR : cv::IMREAD_UNCHANGED;
    cv::Mat decoded;
    try {
        decoded = cv::imdecode(bytes, flags);
    } catch (const cv::Exception &e) { // e.what() spans lines (found by fuzz_image); e.err is the reason
        return imageError(name, "cannot decode: OpenCV refused it (" + e.err + ")");
    } catch (const std::bad_alloc &) {
        return imageError(name, "out of memory while decoding");
    }
    if (decoded.empty())
        return imageError(name, "cannot decode (corrupt file, unsupported format, or over OpenCV's pixel limit)");
    if (std::string p = pixelLimitProblem(decoded.cols, decoded.rows, limit); !p.empty())
        return imageError(name, p);
    if (decoded.depth() != CV_8U && decoded.depth() != CV_16U)
        return imageError(name, "unsupported sample type (only 8- and 16-bit images are supported)");
    if (decoded.channels() < 1 || decoded.channels() > 4)
        return imageError(name, "unsupported channel count " + std::to_string(decoded.channels()));
    try {
        return toRgb(decoded);
    } catch (const std::bad_alloc &) {
        return imageError(name, "out of memory while converting to RGB");
    }
}

Result<RgbImage> decodeImageFile(const std::string &path)
{
    std::error_code ec;
    if (std::string p = nonRegularFileProblem(path); !p.empty())
        return imageError(path, p);
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return imageError(path, std::string("cannot open: ") + std::strerror(errno));
    const auto size = std::filesystem::file_size(path, ec);
    if (ec)
        return imageError(path, "cannot read its size: " + ec.message());
    std::vector<uint8_t> bytes(static_cast<size_t>(size));
    if (size > 0 && !in.read(reinterpret_cast<char *>(bytes.data()), static_cast<std::streamsize>(size)))
        return imageError(path, "read error");
    return decodeImageBytes(bytes, path);
}

} // namespace ost
