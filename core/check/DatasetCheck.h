#pragma once
// `ostc check`: the cheap signals a curator looks at beside the OST score before dropping a sample.
//  - exact duplicates: samples whose turns are equal after normaliseForMatch() and whose images have
//    equal decoded pixels; images with equal pixels under different paths;
//  - near duplicates: answers whose 5-word-shingle Jaccard similarity reaches a threshold (MinHash,
//    128 permutations, LSH 32 bands x 4 rows, candidates confirmed by the exact Jaccard), and images
//    whose 64-bit pHash differs in at most a few bits;
//  - image checks (blurry, dark, light, low information, odd aspect, tiny, huge) with their values;
//  - length: tokens of the templated sample, images' tokens included, against a training cutoff_len.
// Each duplicate group lists its members in dataset order; the first is the representative the
// curator keeps when collapsing the group to one.
#include "core/check/ImageMeasures.h"
#include "core/common/Progress.h"
#include "core/common/Result.h"
#include "core/data/Dataset.h"
#include "core/text/Tokenizer.h"
#include "core/vision/ImageProcessorConfig.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ost {

struct CheckOptions {
    // Near-duplicate answers: Jaccard similarity of their word shingles at or above this.
    double nearTextThreshold = 0.8;
    int shingleWords = 5;
    int permutations = 128;
    int lshBands = 32;
    int lshRows = 4;            // bands * rows <= permutations
    // Near-duplicate images: pHash Hamming distance at or below this (of 64 bits) and thumbnails
    // correlated at least this much (pHash alone is loose on line drawings: ImageMeasures.h).
    int nearImageDistance = 4;
    double nearImageCorrelation = 0.9;
    ImageThresholds image;
    // Length: 0 skips the check. tokenizer null: the built-in byte tokenizer.
    int64_t cutoffLen = 2048;
    const Tokenizer *tokenizer = nullptr;
    ImageProcessorConfig imageProcessor; // Qwen2-VL's defaults unless a preprocessor_config.json is given
    int64_t maxPixelsCap = 0;            // the training's max_pixels, when it caps the processor's
    int threads = 0;                     // 0: the machine's cores, at most 8
};

enum class DuplicateKind { ExactSample, NearAnswer, ExactImage, NearImage };
std::string duplicateKindName(DuplicateKind k); // "exact", "near-answer", "exact-image", "near-image"

struct DuplicateGroup {
    DuplicateKind kind = DuplicateKind::ExactSample;
    // Sample indices for ExactSample / NearAnswer, image indices (into CheckReport::images) for the
    // image kinds; ascending, members.front() is the representative.
    std::vector<int64_t> members;
    double closest = 0;  // NearAnswer: highest Jaccard of a confirmed pair; NearImage: lowest distance
    double farthest = 0; // NearAnswer: lowest Jaccard of a confirmed pair; NearImage: highest distance
};

struct CheckedImage {
    std::string path;            // resolved path
    std::string error;           // why it could not be read ("" when measured)
    ImageMeasures measures;
    std::vector<ImageIssue> issues;
    std::vector<int64_t> samples; // sample indices that use it, ascending
};

struct SampleLength {
    int64_t index = 0;
    int64_t tokens = 0;        // whole templated sample, no truncation
    int64_t imageTokens = 0;   // <|image_pad|> tokens among them
    int64_t lastImageToken = -1; // position of the last image token; >= cutoff: truncation cuts it
    bool cutsImage(int64_t cutoff) const { return lastImageToken >= cutoff; }
};

struct SampleProblem {
    int64_t index = -1;
    std::string id;
    std::string message;
};

struct CheckReport {
    std::string datasetPath;
    int64_t samples = 0;
    std::vector<std::string> ids;           // per sample ("" when unreadable)
    std::vector<DuplicateGroup> groups;     // every kind, by kind then first member
    std::vector<CheckedImage> images;       // each distinct resolved path once, sorted by path
    std::vector<std::vector<int64_t>> sampleImages; // per sample: indices into images
    std::vector<int64_t> tokens;            // per sample; -1 when not measured
    std::vector<SampleLength> overCutoff;   // samples whose tokens exceed cutoffLen, by index
    std::vector<SampleProblem> problems;    // unreadable samples, images, lengths that cannot be computed
    CheckOptions options;                   // as run (tokenizer pointer cleared)
    std::string tokenizerName;              // for reports; set by the caller ("built-in bytes", a path)
    double seconds = 0;
    double readSeconds = 0, imageSeconds = 0, lengthSeconds = 0, groupSeconds = 0;

    int64_t groupCount(DuplicateKind k) const;
    // Members beyond the representative, summed over groups of a kind: what collapsing removes.
    int64_t redundantCount(DuplicateKind k) const;
    int64_t imageIssueCount(ImageIssue issue) const;
};

// Reads every sample and image once (on all cores) and runs every check. Fails only on bad options
// or when cancelled; unreadable samples and images are listed in problems and take no part.
Result<CheckReport> checkDataset(const Dataset &dataset, const CheckOptions &options,
                                 const ProgressCallback &progress = {}, const CancelToken *cancel = nullptr);

} // namespace ost
