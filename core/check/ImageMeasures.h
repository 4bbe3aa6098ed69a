#pragma once
// Per-image measures in the manner of CleanVision (cleanlab/cleanvision): each check is a number the
// curator can sort by, and a flag when it passes a threshold. All image maths is OpenCV's.
#include "core/vision/RgbImage.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ost {

struct ImageMeasures {
    int64_t width = 0, height = 0;
    double blur = 0;        // variance of the Laplacian of the grey image, longer side scaled to 512
                            // when larger (the measure grows with resolution); low = blurry
    double brightness = 0;  // mean grey value, 0 (black) .. 255 (white)
    double entropy = 0;     // Shannon entropy of the 256-bin grey histogram, bits (0 flat .. 8)
    double aspect = 1;      // longer side / shorter side
    int64_t pixels = 0;     // width * height
    uint64_t pixelHash = 0; // of the decoded RGB pixels and the size: equal for the same picture in
                            // two files or formats (PNG vs lossless WebP), unlike a file hash
    uint64_t perceptualHash = 0; // 64-bit pHash (DCT of a 32x32 grey copy, as OpenCV's img_hash::PHash)
    std::vector<uint8_t> thumbnail; // 32 x 32 grey (area average): confirms pHash matches
};

ImageMeasures measureImage(const RgbImage &image);

// Bits that differ between two perceptual hashes (0: alike .. 64).
int hammingDistance(uint64_t a, uint64_t b);
// Pearson correlation of two thumbnails (-1 .. 1). On MATH-V's sparse line drawings pHash alone
// matched a 3x3 with a 4x4 grid and two near-blank pages within 2 bits; the correlation of the
// thumbnails tells those apart (0.3-0.7) from real copies (above 0.9). Two flat thumbnails: 1 when
// of equal brightness, else 0.
double thumbnailCorrelation(const ImageMeasures &a, const ImageMeasures &b);

enum class ImageIssue { Blurry, Dark, Light, LowInformation, OddAspect, Tiny, Huge };
constexpr int kImageIssueCount = 7;
std::string imageIssueName(ImageIssue issue); // "blurry", "dark", "light", "low-information", "odd-aspect", "tiny", "huge"
// What the check measures and its threshold, for reports: "blur (Laplacian variance) < 20".
std::string imageIssueRule(ImageIssue issue, const struct ImageThresholds &t);

// Defaults chosen on MATH-V's 3,040 diagrams (white paper, thin lines; README "ostc check") and on
// generated cases (tests/check/tst_image_checks.cpp): a clean diagram passes every check.
struct ImageThresholds {
    double minBlur = 50;            // blurry below (MATH-V: min 34, 1st percentile 164)
    double maxDarkBrightness = 40;  // dark below
    double minLightBrightness = 253; // light above: next to blank paper (MATH-V: median 241, p99 252)
    double minEntropy = 0.1;        // low information below, bits (MATH-V's sparse dot grids: 0.03-0.3)
    double maxAspect = 10;          // odd aspect at or above (Qwen2-VL refuses above 200)
    int64_t minPixels = 32 * 32;    // tiny below
    int64_t maxPixels = 4096LL * 4096; // huge above
};

std::vector<ImageIssue> imageIssues(const ImageMeasures &m, const ImageThresholds &t);
// The measured value a check compares (blur for Blurry, brightness for Dark and Light, ...).
double imageIssueValue(ImageIssue issue, const ImageMeasures &m);
// Whether a lower value is worse (Blurry, Dark, LowInformation, Tiny) or a higher one (Light, ...).
bool imageIssueLowIsWorse(ImageIssue issue);

} // namespace ost
