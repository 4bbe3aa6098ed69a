#pragma once
// Small stable hashes (not cryptographic) for cache keys and seeded per-sample randomness: the
// same input gives the same value on every machine and run, unlike std::hash.
#include <cstdint>
#include <cstdio>
#include <string>

namespace ost::scoring {

inline uint64_t fnv1a64(const std::string &text, uint64_t h = 1469598103934665603ULL)
{
    for (unsigned char c : text) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    return h;
}

inline uint64_t splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

inline std::string hex64(uint64_t v)
{
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

} // namespace ost::scoring
