// What each demo sample says and shows (no pixels, no files): kinds, counts, question/answer texts.
#include "core/demo/SyntheticMathSet.h"
#include "core/demo/internal/DeterministicRandom.h"

#include <array>
#include <cmath>

namespace ost {

using demo::DeterministicRandom;

namespace {

constexpr int kMinCount = 1;
const std::array<const char *, 3> kShapes = {"circle", "square", "triangle"};
const std::array<const char *, 3> kColors = {"red", "green", "blue"};

std::string counted(int n, const std::string &color, const std::string &shape)
{
    return std::to_string(n) + " " + color + " " + shape + (n == 1 ? "" : "s");
}

std::string questionText(DeterministicRandom &rng, const std::string &color, const std::string &shape)
{
    const std::string plural = color + " " + shape + "s";
    switch (rng.below(3)) {
    case 0: return "How many " + plural + " are there?";
    case 1: return "How many " + plural + " are in the picture?";
    default: return "Count the " + plural + " in the image.";
    }
}

// The simulated models that wrote the answers, one phrasing each, as a real synthetic set mixes the
// styles of several models (MATH-V: five). Short and formulaic on purpose: the byte-level proxy sees
// every byte, and one fixed closing phrase makes answers gradable.
const std::array<const char *, 3> kWriters = {"model-a", "model-b", "model-c"};

std::string answerText(int writer, int n, const std::string &color, const std::string &shape)
{
    const std::string answer = " The answer is " + std::to_string(n) + ".";
    switch (writer) {
    case 0: return std::string(n == 1 ? "There is " : "There are ") + counted(n, color, shape) + "." + answer;
    case 1: return "I count " + counted(n, color, shape) + "." + answer;
    default: return "Counting them one by one gives " + std::to_string(n) + "." + answer;
    }
}

int otherCount(DeterministicRandom &rng, int notThis, int maxCount)
{
    const int pick = rng.between(kMinCount, maxCount - 1);
    return pick >= notThis ? pick + 1 : pick;
}

template <size_t N>
std::string otherThan(DeterministicRandom &rng, const std::array<const char *, N> &names, const std::string &current)
{
    std::vector<std::string> others;
    for (const char *n : names)
        if (current != n)
            others.push_back(n);
    return others[rng.below(others.size())];
}

SyntheticRecord makeRecord(DeterministicRandom &rng, SyntheticKind kind, const SyntheticOptions &o)
{
    SyntheticRecord r;
    r.kind = kind;
    r.askedShape = kShapes[rng.below(kShapes.size())];
    r.askedColor = kColors[rng.below(kColors.size())];
    r.drawnShape = r.askedShape;
    r.drawnColor = r.askedColor;
    r.grid = o.grid;
    r.drawnCount = rng.between(kMinCount, o.maxCount);
    r.statedAnswer = r.drawnCount;
    if (kind == SyntheticKind::WrongAnswer) {
        r.statedAnswer = otherCount(rng, r.drawnCount, o.maxCount);
    } else if (kind == SyntheticKind::WrongImage) {
        r.drawnCount = otherCount(rng, r.statedAnswer, o.maxCount);
        // Half of the swapped pictures also show another kind of shape, as a mixed-up file would.
        if (rng.below(2) == 0) {
            if (rng.below(2) == 0)
                r.drawnShape = otherThan(rng, kShapes, r.askedShape);
            else
                r.drawnColor = otherThan(rng, kColors, r.askedColor);
        }
    }
    r.trueAnswer = (r.drawnShape == r.askedShape && r.drawnColor == r.askedColor) ? r.drawnCount : 0;
    r.question = questionText(rng, r.askedColor, r.askedShape);
    const auto writer = static_cast<int>(rng.below(kWriters.size()));
    r.source = kWriters[static_cast<size_t>(writer)];
    r.answer = answerText(writer, r.statedAnswer, r.askedColor, r.askedShape);
    r.sceneSeed = rng.next();
    return r;
}

// Exactly round(rate * count) samples of each toxic kind, at shuffled positions: the demo's report
// can then state exact numbers.
std::vector<SyntheticKind> poolKinds(DeterministicRandom &rng, const SyntheticOptions &o)
{
    const auto wrongAnswers = static_cast<size_t>(std::llround(o.wrongAnswerRate * static_cast<double>(o.count)));
    const auto wrongImages = static_cast<size_t>(std::llround(o.wrongImageRate * static_cast<double>(o.count)));
    std::vector<SyntheticKind> kinds(static_cast<size_t>(o.count), SyntheticKind::Clean);
    for (size_t i = 0; i < wrongAnswers + wrongImages && i < kinds.size(); ++i)
        kinds[i] = i < wrongAnswers ? SyntheticKind::WrongAnswer : SyntheticKind::WrongImage;
    rng.shuffle(kinds);
    return kinds;
}

std::optional<std::string> invalidOptions(const SyntheticOptions &o)
{
    if (o.task != "count")
        return "unknown demo task '" + o.task + "' (known: count)";
    if (o.count < 1 || o.count > 1000000)
        return "pool size must be 1..1000000, got " + std::to_string(o.count);
    if (o.referenceCount < 0 || o.heldoutCount < 0)
        return "reference and held-out sizes must not be negative";
    if (!(o.wrongAnswerRate >= 0 && o.wrongImageRate >= 0 && o.wrongAnswerRate + o.wrongImageRate <= 1))
        return "toxic rates must be >= 0 and add up to at most 1";
    if (o.grid < 1 || o.grid > 8)
        return "grid must be 1..8 cells per side, got " + std::to_string(o.grid);
    if (o.maxCount < 2 || o.maxCount > o.grid * o.grid)
        return "the largest count must be 2..grid x grid (" + std::to_string(o.grid * o.grid) + "), got " +
               std::to_string(o.maxCount);
    if (o.imageSize < 48 || o.imageSize > 1024)
        return "image size must be 48..1024 pixels, got " + std::to_string(o.imageSize);
    return std::nullopt;
}

} // namespace

std::string syntheticKindName(SyntheticKind k)
{
    switch (k) {
    case SyntheticKind::WrongAnswer: return "wrong-answer";
    case SyntheticKind::WrongImage: return "wrong-image";
    case SyntheticKind::Clean: break;
    }
    return "clean";
}

Result<std::vector<SyntheticRecord>> generateSyntheticRecords(const SyntheticOptions &options)
{
    if (auto why = invalidOptions(options))
        return Error{"demo set: " + *why};
    std::vector<SyntheticRecord> out;
    // One stream per split: the reference and held-out sets do not change when the pool size does.
    DeterministicRandom poolRng(demo::mixSeed(options.seed, 0));
    for (SyntheticKind kind : poolKinds(poolRng, options)) {
        SyntheticRecord r = makeRecord(poolRng, kind, options);
        const std::string n = std::to_string(out.size());
        r.id = "demo/" + n;
        r.split = "pool";
        r.image = "images/" + n + ".png";
        out.push_back(std::move(r));
    }
    const struct {
        const char *split, *prefix;
        int64_t count;
    } clean[] = {{"reference", "ref", options.referenceCount}, {"heldout", "heldout", options.heldoutCount}};
    for (size_t s = 0; s < 2; ++s) {
        DeterministicRandom rng(demo::mixSeed(options.seed, s + 1));
        for (int64_t i = 0; i < clean[s].count; ++i) {
            SyntheticRecord r = makeRecord(rng, SyntheticKind::Clean, options);
            r.id = std::string(clean[s].prefix) + "/" + std::to_string(i);
            r.split = clean[s].split;
            r.image = "images/" + std::string(clean[s].prefix) + "-" + std::to_string(i) + ".png";
            out.push_back(std::move(r));
        }
    }
    return out;
}

} // namespace ost
