#pragma once
// The bundled demo set: small counting pictures ("How many red circles are there?") with chain-of-
// thought-style answers, of which a known share is toxic. Learnable by the built-in tiny proxy on a
// CPU in a few hundred steps, so `make demo` shows OST finding the toxic samples without a download.
// Ground truth goes to labels.csv, which the scorer never reads (only the demo script's report does).
#include "core/common/Result.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ost {

struct SyntheticOptions {
    int64_t count = 400;          // pool size
    double wrongAnswerRate = 0.15;
    double wrongImageRate = 0.15;
    uint64_t seed = 1;
    int imageSize = 112;          // square; small so the tiny proxy's vision tower stays cheap on CPU
    std::string task = "count";   // the only task so far
    // The picture is a grid x grid board with at most one shape per cell; counts are 1..maxCount.
    // Why 2 x 2 and 1..4: the built-in proxy (random weights, 1M parameters) learned that to 43% held-out
    // accuracy (chance 25%) in 600 steps, but stayed at chance on a 4 x 4 board with counts 1..6
    // (`ostc bench learning --grid 4 --max-count 6`: 27% after 600 steps, chance 17%).
    int grid = 2;
    int maxCount = 4;
    int64_t referenceCount = 40;  // clean anchor set V
    int64_t heldoutCount = 100;   // clean, gradable samples for evaluating a trained model
};

// Toxic kinds:
//  - WrongAnswer: image and question agree; the answer states a wrong number.
//  - WrongImage: question and answer agree with each other, but the image is another scene (a different
//    count, and half of the time a different shape or colour too): the image does not match the text.
enum class SyntheticKind { Clean, WrongAnswer, WrongImage };
std::string syntheticKindName(SyntheticKind k); // "clean", "wrong-answer", "wrong-image"

struct SyntheticRecord {
    std::string id;        // "demo/17", "ref/3", "heldout/5"
    std::string split;     // "pool", "reference", "heldout"
    SyntheticKind kind = SyntheticKind::Clean;
    bool toxic() const { return kind != SyntheticKind::Clean; }
    std::string question;  // without the "<image>\n" prefix
    std::string answer;
    std::string source;    // the simulated model that wrote the answer ("model-a"): its phrasing
    std::string image;     // relative to the set's folder: "images/17.png"
    std::string askedShape, askedColor;  // what the question asks about ("circle", "red")
    std::string drawnShape, drawnColor;  // what the picture shows
    int drawnCount = 0;    // shapes in the picture
    int grid = 2;          // cells per side of the picture's board
    int statedAnswer = 0;  // the number the answer text gives
    int trueAnswer = 0;    // the right answer to the question for this picture (0 when none match)
    uint64_t sceneSeed = 0; // positions and sizes of the shapes
};

struct SyntheticSetPaths {
    std::string folder, pool, reference, heldout, labels, images;
    std::vector<SyntheticRecord> records; // pool, then reference, then held-out
};

// The records alone (no files), deterministic from options.seed on every platform.
Result<std::vector<SyntheticRecord>> generateSyntheticRecords(const SyntheticOptions &options);

// Writes pool.jsonl, reference.jsonl, heldout.jsonl, labels.csv (id,toxic,kind,answer) and images/*.png
// into folder (created when absent; existing files of the same names are replaced).
Result<SyntheticSetPaths> writeSyntheticMathSet(const std::string &folder, const SyntheticOptions &options = {});

// Draws one record's picture: 8-bit BGR, imageSize x imageSize, row-major (3 bytes per pixel).
std::vector<uint8_t> renderSyntheticImage(const SyntheticRecord &record, int imageSize);

// The final number of an answer: after the last "answer is", else in the last \boxed{}, else the
// last integer in the text. nullopt when the text holds no number.
std::optional<int> extractFinalAnswer(const std::string &answer);

struct SyntheticLabel {
    std::string id;
    bool toxic = false;
    std::string kind;
    int answer = 0;
};
// Reads labels.csv (id -> label), for grading held-out answers and for the demo's report.
Result<std::map<std::string, SyntheticLabel>> readSyntheticLabels(const std::string &labelsCsv);

} // namespace ost
