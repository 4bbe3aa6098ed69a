#include "core/check/ImageMeasures.h"

#include "core/data/Hash.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <bitset>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace ost {

namespace {

constexpr int kBlurSide = 512;
constexpr int kThumbSide = 32;

double laplacianVariance(const cv::Mat &grey)
{
    cv::Mat work = grey;
    const int longer = std::max(grey.cols, grey.rows);
    if (longer > kBlurSide) {
        const double scale = static_cast<double>(kBlurSide) / longer;
        cv::resize(grey, work, cv::Size(), scale, scale, cv::INTER_AREA);
    }
    cv::Mat lap;
    cv::Laplacian(work, lap, CV_64F);
    cv::Scalar mean, stddev;
    cv::meanStdDev(lap, mean, stddev);
    return stddev[0] * stddev[0];
}

double histogramEntropy(const cv::Mat &grey)
{
    cv::Mat hist;
    const int channels[] = {0};
    const int size[] = {256};
    float range[] = {0, 256};
    const float *ranges[] = {range};
    cv::calcHist(&grey, 1, channels, cv::Mat(), hist, 1, size, ranges);
    const double total = static_cast<double>(grey.total());
    double h = 0;
    for (int i = 0; i < 256; ++i) {
        const double p = hist.at<float>(i) / total;
        if (p > 0)
            h -= p * std::log2(p);
    }
    return h;
}

// OpenCV's img_hash::PHash without the contrib module: grey, 32x32 (linear, exact), DCT, the 8x8
// lowest frequencies with DC zeroed, one bit per coefficient above their mean.
uint64_t perceptualHash(const cv::Mat &grey)
{
    cv::Mat small, smallF, dct;
    cv::resize(grey, small, cv::Size(32, 32), 0, 0, cv::INTER_LINEAR_EXACT);
    small.convertTo(smallF, CV_32F);
    cv::dct(smallF, dct);
    cv::Mat low = dct(cv::Rect(0, 0, 8, 8)).clone();
    low.at<float>(0, 0) = 0;
    const double mean = cv::mean(low)[0];
    uint64_t bits = 0;
    for (int i = 0; i < 64; ++i)
        if (low.at<float>(i / 8, i % 8) > mean)
            bits |= uint64_t(1) << i;
    return bits;
}

} // namespace

ImageMeasures measureImage(const RgbImage &image)
{
    ImageMeasures m;
    m.width = image.width;
    m.height = image.height;
    m.pixels = image.width * image.height;
    if (m.pixels <= 0 || image.pixels.size() < static_cast<size_t>(m.pixels) * 3)
        return m;
    m.aspect = static_cast<double>(std::max(image.width, image.height)) / static_cast<double>(std::min(image.width, image.height));
    std::string sized(16, '\0');
    std::memcpy(sized.data(), &m.width, 8);
    std::memcpy(sized.data() + 8, &m.height, 8);
    m.pixelHash = recordHash64(sized) ^
                  recordHash64(std::string_view(reinterpret_cast<const char *>(image.pixels.data()), image.pixels.size()));

    const cv::Mat rgb(static_cast<int>(image.height), static_cast<int>(image.width), CV_8UC3,
                      const_cast<uint8_t *>(image.pixels.data()));
    cv::Mat grey;
    cv::cvtColor(rgb, grey, cv::COLOR_RGB2GRAY);
    m.brightness = cv::mean(grey)[0];
    m.entropy = histogramEntropy(grey);
    m.blur = laplacianVariance(grey);
    m.perceptualHash = perceptualHash(grey);
    cv::Mat thumb;
    cv::resize(grey, thumb, cv::Size(kThumbSide, kThumbSide), 0, 0, cv::INTER_AREA);
    m.thumbnail.assign(thumb.datastart, thumb.dataend);
    return m;
}

int hammingDistance(uint64_t a, uint64_t b)
{
    return static_cast<int>(std::bitset<64>(a ^ b).count());
}

double thumbnailCorrelation(const ImageMeasures &a, const ImageMeasures &b)
{
    const size_t size = static_cast<size_t>(kThumbSide * kThumbSide);
    if (a.thumbnail.size() != size || b.thumbnail.size() != size)
        return 0;
    const cv::Mat ta(kThumbSide, kThumbSide, CV_8UC1, const_cast<uint8_t *>(a.thumbnail.data()));
    const cv::Mat tb(kThumbSide, kThumbSide, CV_8UC1, const_cast<uint8_t *>(b.thumbnail.data()));
    cv::Scalar meanA, sdA, meanB, sdB;
    cv::meanStdDev(ta, meanA, sdA);
    cv::meanStdDev(tb, meanB, sdB);
    if (sdA[0] < 1e-9 || sdB[0] < 1e-9)
        return (sdA[0] < 1e-9 && sdB[0] < 1e-9 && std::abs(meanA[0] - meanB[0]) < 1) ? 1.0 : 0.0;
    cv::Mat result;
    cv::matchTemplate(ta, tb, result, cv::TM_CCOEFF_NORMED); // same size: one value, the correlation
    return result.at<float>(0, 0);
}

std::string imageIssueName(ImageIssue issue)
{
    switch (issue) {
    case ImageIssue::Blurry: return "blurry";
    case ImageIssue::Dark: return "dark";
    case ImageIssue::Light: return "light";
    case ImageIssue::LowInformation: return "low-information";
    case ImageIssue::OddAspect: return "odd-aspect";
    case ImageIssue::Tiny: return "tiny";
    case ImageIssue::Huge: return "huge";
    }
    return "?";
}

std::string imageIssueRule(ImageIssue issue, const ImageThresholds &t)
{
    char buf[96];
    switch (issue) {
    case ImageIssue::Blurry: std::snprintf(buf, sizeof buf, "Laplacian variance < %g", t.minBlur); break;
    case ImageIssue::Dark: std::snprintf(buf, sizeof buf, "mean brightness < %g", t.maxDarkBrightness); break;
    case ImageIssue::Light: std::snprintf(buf, sizeof buf, "mean brightness > %g", t.minLightBrightness); break;
    case ImageIssue::LowInformation: std::snprintf(buf, sizeof buf, "grey entropy < %g bits", t.minEntropy); break;
    case ImageIssue::OddAspect: std::snprintf(buf, sizeof buf, "aspect ratio >= %g", t.maxAspect); break;
    case ImageIssue::Tiny: std::snprintf(buf, sizeof buf, "pixels < %lld", static_cast<long long>(t.minPixels)); break;
    case ImageIssue::Huge: std::snprintf(buf, sizeof buf, "pixels > %lld", static_cast<long long>(t.maxPixels)); break;
    }
    return buf;
}

std::vector<ImageIssue> imageIssues(const ImageMeasures &m, const ImageThresholds &t)
{
    std::vector<ImageIssue> out;
    if (m.blur < t.minBlur)
        out.push_back(ImageIssue::Blurry);
    if (m.brightness < t.maxDarkBrightness)
        out.push_back(ImageIssue::Dark);
    if (m.brightness > t.minLightBrightness)
        out.push_back(ImageIssue::Light);
    if (m.entropy < t.minEntropy)
        out.push_back(ImageIssue::LowInformation);
    if (m.aspect >= t.maxAspect)
        out.push_back(ImageIssue::OddAspect);
    if (m.pixels < t.minPixels)
        out.push_back(ImageIssue::Tiny);
    if (m.pixels > t.maxPixels)
        out.push_back(ImageIssue::Huge);
    return out;
}

double imageIssueValue(ImageIssue issue, const ImageMeasures &m)
{
    switch (issue) {
    case ImageIssue::Blurry: return m.blur;
    case ImageIssue::Dark:
    case ImageIssue::Light: return m.brightness;
    case ImageIssue::LowInformation: return m.entropy;
    case ImageIssue::OddAspect: return m.aspect;
    case ImageIssue::Tiny:
    case ImageIssue::Huge: return static_cast<double>(m.pixels);
    }
    return 0;
}

bool imageIssueLowIsWorse(ImageIssue issue)
{
    return issue == ImageIssue::Blurry || issue == ImageIssue::Dark || issue == ImageIssue::LowInformation ||
           issue == ImageIssue::Tiny;
}

} // namespace ost
