#include "core/vision/ImageProcessor.h"
#include "core/common/MessageText.h"

#include <new>

#include "core/vision/PilResample.h"

#include <algorithm>

namespace ost {

ImageProcessor::ImageProcessor(ImageProcessorConfig config) : m_config(std::move(config))
{
    // Every pixel is one of 256 bytes per channel, so rescale + normalise is a table lookup. The
    // arithmetic follows the reference: rescale in double then round to float, normalise in float.
    for (int c = 0; c < 3; ++c) {
        for (int v = 0; v < 256; ++v) {
            float x = m_config.doRescale ? static_cast<float>(v * m_config.rescaleFactor) : static_cast<float>(v);
            if (m_config.doNormalize)
                x = (x - m_config.imageMean[c]) / m_config.imageStd[c];
            m_lut[c][v] = x;
        }
    }
}

int64_t ImageProcessor::effectiveMaxPixels() const
{
    return m_cap > 0 ? std::min(m_cap, m_config.maxPixels) : m_config.maxPixels;
}

Result<ImageSize> ImageProcessor::targetSize(int64_t height, int64_t width) const
{
    if (!m_config.doResize)
        return ImageSize{height, width};
    const int64_t maxPixels = effectiveMaxPixels();
    return smartResize(height, width, m_config.resizeFactor(), std::min(m_config.minPixels, maxPixels), maxPixels);
}

Result<ProcessedImage> ImageProcessor::processFile(const std::string &path) const
{
    auto image = decodeImageFile(path);
    if (!image)
        return image.error();
    try {
        return process(image.value(), path);
    } catch (const std::bad_alloc &) { // the error row names the image instead of aborting the run
        return Error{"image " + quotedValue(path) + ": out of memory resizing and patching it"};
    }
}

Result<ProcessedImage> ImageProcessor::process(const RgbImage &image, const std::string &name) const
{
    auto size = targetSize(image.height, image.width);
    if (!size)
        return Error{"image " + quotedValue(name) + ": " + size.error().message};
    const int64_t factor = m_config.resizeFactor();
    const int64_t h = size.value().height, w = size.value().width;
    if (h % factor != 0 || w % factor != 0)
        return Error{"image " + quotedValue(name) + ": " + std::to_string(w) + "x" + std::to_string(h) +
                     " is not a multiple of " + std::to_string(factor) + " and resizing is off"};

    RgbImage resizedStorage;
    const RgbImage *pixels = &image;
    if (h != image.height || w != image.width) {
        resizedStorage = resizeBicubicLikePil(image, h, w);
        pixels = &resizedStorage;
    }

    const int64_t p = m_config.patchSize, m = m_config.mergeSize, t = m_config.temporalPatchSize;
    const int64_t gridH = h / p, gridW = w / p;
    ProcessedImage out;
    out.rows = gridH * gridW;
    out.cols = m_config.patchDim();
    out.gridThw = {1, gridH, gridW};
    out.mergeSize = m;
    out.pixelValues.resize(static_cast<size_t>(out.rows * out.cols));

    // Row order: merge block (row-major over blocks), then the m x m patches inside it; within a
    // row: channel, temporal copy (a still image is repeated), patch row, patch column.
    float *dst = out.pixelValues.data();
    const uint8_t *src = pixels->pixels.data();
    for (int64_t bh = 0; bh < gridH / m; ++bh)
        for (int64_t bw = 0; bw < gridW / m; ++bw)
            for (int64_t mh = 0; mh < m; ++mh)
                for (int64_t mw = 0; mw < m; ++mw) {
                    const int64_t y0 = (bh * m + mh) * p, x0 = (bw * m + mw) * p;
                    for (int c = 0; c < 3; ++c) {
                        const float *lut = m_lut[c].data();
                        float *first = dst;
                        for (int64_t py = 0; py < p; ++py) {
                            const uint8_t *row = src + ((y0 + py) * w + x0) * 3 + c;
                            for (int64_t px = 0; px < p; ++px)
                                *dst++ = lut[row[px * 3]];
                        }
                        for (int64_t copy = 1; copy < t; ++copy, dst += p * p)
                            std::copy(first, first + p * p, dst);
                    }
                }
    return out;
}

} // namespace ost
