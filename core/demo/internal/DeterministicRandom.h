#pragma once
// Portable random helpers. std::mt19937_64's output is fixed by the standard, but the std
// distributions are not (libstdc++ and libc++ give different numbers), so the demo set would differ
// between platforms; these helpers are defined here once and used for every draw.
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace ost::demo {

class DeterministicRandom {
public:
    explicit DeterministicRandom(uint64_t seed) : m_engine(seed) {}

    uint64_t next() { return m_engine(); }

    // Uniform in [0, n) without modulo bias (rejects the short top slice of the 64-bit range).
    uint64_t below(uint64_t n)
    {
        if (n <= 1)
            return 0;
        const uint64_t threshold = (0 - n) % n; // 2^64 mod n
        for (;;) {
            const uint64_t r = m_engine();
            if (r >= threshold)
                return r % n;
        }
    }

    // Uniform integer in [lo, hi].
    int between(int lo, int hi) { return lo + static_cast<int>(below(static_cast<uint64_t>(hi - lo) + 1)); }

    // Uniform in [0, 1) from the top 53 bits.
    double unit() { return static_cast<double>(m_engine() >> 11) * (1.0 / 9007199254740992.0); }

    template <class T>
    void shuffle(std::vector<T> &v)
    {
        for (size_t i = v.size(); i > 1; --i)
            std::swap(v[i - 1], v[static_cast<size_t>(below(i))]);
    }

private:
    std::mt19937_64 m_engine;
};

// Independent streams per purpose from one user seed (splitmix64 finaliser).
inline uint64_t mixSeed(uint64_t seed, uint64_t stream)
{
    uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (stream + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

} // namespace ost::demo
