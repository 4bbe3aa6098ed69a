#include "core/data/internal/ImageCheck.h"

#include "core/common/ImageLimits.h"

#include <opencv2/core.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgcodecs.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sys/stat.h>

namespace ost::detail {

std::string checkImageFile(const std::string &path, const DatasetOptions &options)
{
    // Checked before opening: a FIFO would block the read, a link loop is not "missing".
    if (std::string p = nonRegularFileProblem(path); !p.empty())
        return "image " + path + " is " + (p == "file not found" ? std::string("missing") : p);
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return "cannot read image " + path + ": " + std::strerror(errno);
    std::string head(64 * 1024, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<size_t>(in.gcount()));
    if (head.empty())
        return "image " + path + " is an empty file";
    auto badSize = [&](int64_t w, int64_t h) -> std::string {
        if (std::string p = pixelLimitProblem(w, h, options.maxImagePixels); !p.empty())
            return "image " + path + " " + p;
        if (w < options.minImageSide || h < options.minImageSide)
            return "image " + path + " is " + std::to_string(w) + "x" + std::to_string(h) +
                   ", smaller than " + std::to_string(options.minImageSide) + " pixels on a side";
        return {};
    };
    const ImageHeaderSize hs = readImageHeaderSize(head);
    if (hs.width > 0 && hs.height > 0)
        if (std::string e = badSize(hs.width, hs.height); !e.empty())
            return e;
    if (!options.checkImages)
        return {};
    if (!isDecodableImageFormat(head)) // OpenCV would try DICOM, JPEG 2000, ... on it (GDCM aborts)
        return "image " + path + " is corrupt or not a supported image format (" + kDecodableImageFormats + ")";
    cv::Mat img;
    try {
        static const bool quiet = [] {
            cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_ERROR);
            return true;
        }();
        (void)quiet;
        img = cv::imread(path, cv::IMREAD_COLOR);
    } catch (const std::bad_alloc &) {
        return "out of memory decoding image " + path;
    } catch (const cv::Exception &e) { // e.what() spans lines; e.err is the reason
        return "cannot decode image " + path + ": OpenCV refused it (" + e.err + ")";
    }
    if (img.empty())
        return "image " + path + " is corrupt or not a supported image format";
    if (hs.width <= 0)
        if (std::string e = badSize(img.cols, img.rows); !e.empty())
            return e;
    return {};
}

} // namespace ost::detail
