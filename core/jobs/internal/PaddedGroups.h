#pragma once
// How many samples one forward pass takes. A batch pads every sample to its longest one, and on a
// CPU a large padded batch is slower per sample than a small one: its activations (and attention's
// [B, heads, T, T] scores) leave the caches. Measured with SmolLM2-135M, fast OST on 48 GSM8K answers
// (243 tokens on average) sorted by size: batch 1 28 s, 2 27 s, 4 34 s, 8 36 s, 16 59 s. So on a
// CPU a forward holds at most kCpuForwardTokens padded tokens; on a GPU the batch as set.
#include "core/data/Sample.h"
#include "core/model/internal/VisionLanguageModel.h"

#include <cstdint>
#include <utility>
#include <vector>

namespace ost::jobs {

constexpr int64_t kCpuForwardTokens = 768;

// Padded tokens one forward may hold on `device`: kCpuForwardTokens on a CPU, 0 (no limit) elsewhere.
int64_t forwardTokenBudget(const torch::Device &device);

// Consecutive [begin, end) ranges of `samples`, in order, each of at most `maxCount` samples whose
// padded size (count × the longest input) stays within `tokenBudget`; a range always holds at least
// one sample, however long. tokenBudget <= 0: ranges of maxCount.
std::vector<std::pair<size_t, size_t>> paddedGroups(const std::vector<model::EncodedSample> &samples, size_t maxCount,
                                                    int64_t tokenBudget);

// Orders candidates largest first: images by count (each adds many tokens), then text length; ties
// keep their order, so a resume orders what is left the same way. In pool order a batch of 8 GSM8K
// answers (243 tokens on average, up to 512) was mostly padding: fast mode took 58 s for 48 answers
// at batch 8, 36 s sorted (SmolLM2, CPU). Largest first also meets an out-of-memory halving at the
// start of a run, not an hour into it.
void largestFirst(std::vector<const Sample *> &samples);

} // namespace ost::jobs
