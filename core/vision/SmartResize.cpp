#include "core/vision/SmartResize.h"

#include <algorithm>
#include <cmath>

namespace ost {

double roundHalfToEven(double x)
{
    const double lower = std::floor(x);
    const double diff = x - lower;
    if (diff > 0.5)
        return lower + 1.0;
    if (diff < 0.5)
        return lower;
    return std::fmod(lower, 2.0) == 0.0 ? lower : lower + 1.0;
}

Result<ImageSize> smartResize(int64_t height, int64_t width, int64_t factor, int64_t minPixels, int64_t maxPixels)
{
    if (height < 1 || width < 1)
        return Error{"image is empty (" + std::to_string(width) + "x" + std::to_string(height) + " pixels)"};
    if (factor < 1)
        return Error{"resize factor must be positive"};
    // Every step below mirrors the reference's float arithmetic in the same order, so sizes agree
    // exactly, including at .5 boundaries.
    const double h = static_cast<double>(height);
    const double w = static_cast<double>(width);
    const double f = static_cast<double>(factor);
    const double ratio = std::max(h, w) / std::min(h, w);
    if (ratio > 200.0)
        return Error{"aspect ratio " + std::to_string(ratio) + " (" + std::to_string(width) + "x" +
                     std::to_string(height) + ") is above the supported 200"};

    int64_t hBar = static_cast<int64_t>(roundHalfToEven(h / f)) * factor;
    int64_t wBar = static_cast<int64_t>(roundHalfToEven(w / f)) * factor;
    if (hBar * wBar > maxPixels) {
        const double beta = std::sqrt(static_cast<double>(height * width) / static_cast<double>(maxPixels));
        hBar = std::max(factor, static_cast<int64_t>(std::floor(h / beta / f)) * factor);
        wBar = std::max(factor, static_cast<int64_t>(std::floor(w / beta / f)) * factor);
    } else if (hBar * wBar < minPixels) {
        const double beta = std::sqrt(static_cast<double>(minPixels) / static_cast<double>(height * width));
        hBar = static_cast<int64_t>(std::ceil(h * beta / f)) * factor;
        wBar = static_cast<int64_t>(std::ceil(w * beta / f)) * factor;
    }
    return ImageSize{hBar, wBar};
}

} // namespace ost
