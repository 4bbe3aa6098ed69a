#include "core/vision/PilResample.h"

#include <algorithm>
#include <cmath>

namespace ost {

namespace {

// Fixed-point fraction bits for 8-bit images: 8 bits of value and 2 of headroom for the kernel's
// negative lobes and overshoot leave 22 in a 32-bit accumulator.
constexpr int kPrecisionBits = 22;

double cubicKernel(double x)
{
    constexpr double a = -0.5;
    x = std::fabs(x);
    if (x < 1.0)
        return ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0;
    if (x < 2.0)
        return (((x - 5.0) * x + 8.0) * x - 4.0) * a;
    return 0.0;
}

// For each output position along one axis: the first input index and the fixed-point weights of
// the input samples it blends.
struct AxisWeights {
    int taps = 0;               // weights stored per output position (some trailing ones are 0)
    std::vector<int> first;     // first input index
    std::vector<int> count;     // inputs actually used
    std::vector<int32_t> weight; // outSize * taps
};

AxisWeights computeWeights(int inSize, int outSize)
{
    // The box is the whole image; Pillow keeps its ends as float, so the scale is computed from a
    // float difference.
    const double scale = static_cast<double>(static_cast<float>(inSize) - 0.0f) / outSize;
    const double filterScale = std::max(scale, 1.0);
    const double support = 2.0 * filterScale; // bicubic support 2, widened when shrinking
    AxisWeights w;
    w.taps = static_cast<int>(std::ceil(support)) * 2 + 1;
    w.first.resize(outSize);
    w.count.resize(outSize);
    w.weight.assign(static_cast<size_t>(outSize) * w.taps, 0);
    std::vector<double> k(w.taps);
    for (int xx = 0; xx < outSize; ++xx) {
        const double center = (xx + 0.5) * scale;
        const double invScale = 1.0 / filterScale;
        // Truncation after +0.5 rounds these (non-negative after clamping) bounds as Pillow does.
        int xmin = static_cast<int>(center - support + 0.5);
        xmin = std::max(xmin, 0);
        int xmax = static_cast<int>(center + support + 0.5);
        xmax = std::min(xmax, inSize) - xmin;
        double sum = 0.0;
        for (int x = 0; x < xmax; ++x) {
            k[x] = cubicKernel((x + xmin - center + 0.5) * invScale);
            sum += k[x];
        }
        for (int x = 0; x < xmax; ++x) {
            const double normalised = sum != 0.0 ? k[x] / sum : k[x];
            const double fixed = normalised * (1 << kPrecisionBits);
            w.weight[static_cast<size_t>(xx) * w.taps + x] =
                static_cast<int32_t>(normalised < 0 ? fixed - 0.5 : fixed + 0.5);
        }
        w.first[xx] = xmin;
        w.count[xx] = xmax;
    }
    return w;
}

inline uint8_t clampToByte(int32_t acc)
{
    // Arithmetic shift floors negative sums; the rounding half was added up front.
    const int32_t v = acc >> kPrecisionBits;
    return static_cast<uint8_t>(std::clamp(v, 0, 255));
}

// Resamples rows [rowBegin, rowBegin + outRows) of `src` horizontally to `w.first.size()` columns.
void horizontalPass(const uint8_t *src, int srcWidth, int rowBegin, int outRows, const AxisWeights &w, uint8_t *dst)
{
    const int outWidth = static_cast<int>(w.first.size());
    for (int y = 0; y < outRows; ++y) {
        const uint8_t *row = src + static_cast<size_t>(rowBegin + y) * srcWidth * 3;
        uint8_t *out = dst + static_cast<size_t>(y) * outWidth * 3;
        for (int xx = 0; xx < outWidth; ++xx) {
            const int32_t *k = &w.weight[static_cast<size_t>(xx) * w.taps];
            const uint8_t *p = row + static_cast<size_t>(w.first[xx]) * 3;
            int32_t r = 1 << (kPrecisionBits - 1), g = r, b = r;
            for (int x = 0; x < w.count[xx]; ++x, p += 3) {
                r += p[0] * k[x];
                g += p[1] * k[x];
                b += p[2] * k[x];
            }
            out[xx * 3 + 0] = clampToByte(r);
            out[xx * 3 + 1] = clampToByte(g);
            out[xx * 3 + 2] = clampToByte(b);
        }
    }
}

// Resamples vertically; `rowOffset` is subtracted from the weights' first rows (the horizontal
// pass only produced the rows the vertical pass reads).
void verticalPass(const uint8_t *src, int width, int rowOffset, const AxisWeights &w, uint8_t *dst)
{
    const int outHeight = static_cast<int>(w.first.size());
    const size_t stride = static_cast<size_t>(width) * 3;
    // Accumulate whole rows at a time: the same sums as Pillow's per-pixel loop (integer addition
    // is exact), but reading the source row by row instead of down columns.
    std::vector<int32_t> acc(stride);
    for (int yy = 0; yy < outHeight; ++yy) {
        const int32_t *k = &w.weight[static_cast<size_t>(yy) * w.taps];
        std::fill(acc.begin(), acc.end(), int32_t(1) << (kPrecisionBits - 1));
        for (int y = 0; y < w.count[yy]; ++y) {
            const uint8_t *row = src + static_cast<size_t>(w.first[yy] - rowOffset + y) * stride;
            const int32_t ky = k[y];
            for (size_t i = 0; i < stride; ++i)
                acc[i] += row[i] * ky;
        }
        uint8_t *out = dst + static_cast<size_t>(yy) * stride;
        for (size_t i = 0; i < stride; ++i)
            out[i] = clampToByte(acc[i]);
    }
}

} // namespace

RgbImage resizeBicubicLikePil(const RgbImage &image, int64_t height, int64_t width)
{
    RgbImage out;
    out.height = height;
    out.width = width;
    if (height == image.height && width == image.width) {
        out.pixels = image.pixels;
        return out;
    }
    const int inW = static_cast<int>(image.width), inH = static_cast<int>(image.height);
    const int outW = static_cast<int>(width), outH = static_cast<int>(height);
    const bool needHorizontal = outW != inW;
    const bool needVertical = outH != inH;
    const AxisWeights vertical = computeWeights(inH, outH);

    if (!needHorizontal) {
        out.pixels.resize(static_cast<size_t>(outH) * outW * 3);
        verticalPass(image.pixels.data(), inW, 0, vertical, out.pixels.data());
        return out;
    }
    const AxisWeights horizontal = computeWeights(inW, outW);
    if (!needVertical) {
        out.pixels.resize(static_cast<size_t>(outH) * outW * 3);
        horizontalPass(image.pixels.data(), inW, 0, inH, horizontal, out.pixels.data());
        return out;
    }

    // Each pass rounds to uint8, so the order of the passes changes the result. Pillow 13 runs the
    // vertical pass first when the height shrinks by more than twice as many pixels as the width
    // (Pillow <= 12 always went horizontal first); the reference processor runs on Pillow 13.
    const bool verticalFirst = outH < inH && (inH - outH) > 2 * (inW - outW);
    std::vector<uint8_t> temp;
    out.pixels.resize(static_cast<size_t>(outH) * outW * 3);
    if (verticalFirst) {
        temp.resize(static_cast<size_t>(outH) * inW * 3);
        verticalPass(image.pixels.data(), inW, 0, vertical, temp.data());
        horizontalPass(temp.data(), inW, 0, outH, horizontal, out.pixels.data());
    } else {
        // Only the source rows the vertical pass reads are resampled horizontally.
        const int firstRow = vertical.first.front();
        const int lastRow = vertical.first.back() + vertical.count.back();
        temp.resize(static_cast<size_t>(lastRow - firstRow) * outW * 3);
        horizontalPass(image.pixels.data(), inW, firstRow, lastRow - firstRow, horizontal, temp.data());
        verticalPass(temp.data(), outW, firstRow, vertical, out.pixels.data());
    }
    return out;
}

} // namespace ost
