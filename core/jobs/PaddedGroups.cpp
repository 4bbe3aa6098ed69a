#include "core/jobs/internal/PaddedGroups.h"

#include <algorithm>

namespace ost::jobs {

int64_t forwardTokenBudget(const torch::Device &device) { return device.is_cpu() ? kCpuForwardTokens : 0; }

std::vector<std::pair<size_t, size_t>> paddedGroups(const std::vector<model::EncodedSample> &samples, size_t maxCount,
                                                    int64_t tokenBudget)
{
    maxCount = std::max<size_t>(1, maxCount);
    std::vector<std::pair<size_t, size_t>> out;
    size_t begin = 0;
    int64_t longest = 0;
    for (size_t i = 0; i < samples.size(); ++i) {
        const int64_t length = samples[i].inputIds.defined() ? samples[i].inputIds.numel() : 0;
        const int64_t wider = std::max(longest, length);
        const bool full = i - begin >= maxCount || (tokenBudget > 0 && int64_t(i - begin + 1) * wider > tokenBudget);
        if (i > begin && full) {
            out.emplace_back(begin, i);
            begin = i;
            longest = length;
        } else {
            longest = wider;
        }
    }
    if (begin < samples.size())
        out.emplace_back(begin, samples.size());
    return out;
}

void largestFirst(std::vector<const Sample *> &samples)
{
    const auto size = [](const Sample *s) {
        size_t text = 0;
        for (const auto &t : s->turns)
            text += t.content.size();
        return std::make_pair(s->images.size(), text);
    };
    std::stable_sort(samples.begin(), samples.end(), [&](const Sample *a, const Sample *b) { return size(a) > size(b); });
}

} // namespace ost::jobs
