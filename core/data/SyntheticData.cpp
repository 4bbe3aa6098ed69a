#include "core/data/SyntheticData.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

namespace ost {
namespace {

// Small xorshift so the file is the same for a given seed on every platform.
struct Rng {
    uint64_t s;
    uint64_t next()
    {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        return s;
    }
    int below(int n) { return static_cast<int>(next() % static_cast<uint64_t>(n)); }
};

const char *kSteps[] = {
    "First, read the figure carefully: the labelled sides give us the lengths we need.",
    "The angles of a triangle sum to $180^\\\\circ$, so the missing angle follows directly.",
    "Let $x$ be the unknown length; by the Pythagorean theorem $x^2 = a^2 + b^2$.",
    "Counting the small squares row by row gives the same total as multiplying.",
    "We check the result against the answer choices (A)\\u2013(E) and keep the one that fits.",
    "Since the shape is symmetric, it is enough to compute one half and double it.",
    "Substituting the values: \\\"area = base \\u00d7 height / 2\\\".",
};

} // namespace

Result<int64_t> writeSyntheticJsonl(const std::string &path, int64_t count, uint64_t seed)
{
    std::FILE *f = std::fopen(path.c_str(), "wb");
    if (!f)
        return Error{"cannot create " + path + ": " + std::strerror(errno)};
    std::vector<char> buffer(1 << 20);
    std::setvbuf(f, buffer.data(), _IOFBF, buffer.size());
    Rng rng{seed * 0x9E3779B97F4A7C15ull + 1};
    int64_t bytes = 0;
    char rec[4096];
    for (int64_t i = 0; i < count; ++i) {
        const int a = rng.below(90) + 10, b = rng.below(90) + 10;
        const char *s1 = kSteps[rng.below(7)];
        const char *s2 = kSteps[rng.below(7)];
        const int n = std::snprintf(
            rec, sizeof rec,
            "{\"id\": \"synth-%07lld\", \"messages\": [{\"role\": \"user\", \"content\": \"<image>\\nA rectangle in "
            "the figure is %d cm by %d cm. What is its area in square centimetres?\"}, {\"role\": \"assistant\", "
            "\"content\": \"%s\\n%s\\nThe area is %d \\u00d7 %d = %d, so the answer is $\\\\boxed{%d}$.\"}], "
            "\"images\": [\"images/%d.png\"], \"source\": \"synthetic\"}\n",
            static_cast<long long>(i), a, b, s1, s2, a, b, a * b, a * b, rng.below(3000));
        if (std::fwrite(rec, 1, static_cast<size_t>(n), f) != static_cast<size_t>(n)) {
            std::fclose(f);
            return Error{"cannot write " + path + ": " + std::strerror(errno)};
        }
        bytes += n;
    }
    if (std::fclose(f) != 0)
        return Error{"cannot write " + path + ": " + std::strerror(errno)};
    return bytes;
}

} // namespace ost
