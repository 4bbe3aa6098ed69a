#include "core/check/TextFingerprint.h"

#include "core/data/Hash.h"

#include <algorithm>
#include <random>
#include <unordered_map>

namespace ost {

namespace {

constexpr uint64_t kMersenne61 = (uint64_t(1) << 61) - 1;

bool isSpace(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

uint64_t mulMod61(uint64_t a, uint64_t b)
{
    const unsigned __int128 p = static_cast<unsigned __int128>(a) * b;
    uint64_t r = static_cast<uint64_t>(p & kMersenne61) + static_cast<uint64_t>(p >> 61);
    if (r >= kMersenne61)
        r -= kMersenne61;
    return r;
}

} // namespace

std::string normaliseForMatch(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    bool pendingSpace = false;
    for (unsigned char c : text) {
        if (isSpace(c)) {
            pendingSpace = !out.empty();
            continue;
        }
        if (pendingSpace)
            out.push_back(' ');
        pendingSpace = false;
        out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c));
    }
    return out;
}

std::vector<uint64_t> wordShingles(std::string_view text, int k)
{
    const std::string norm = normaliseForMatch(text);
    std::vector<size_t> starts; // word starts; words are separated by exactly one space now
    for (size_t i = 0; i < norm.size(); ++i)
        if (i == 0 || norm[i - 1] == ' ')
            starts.push_back(i);
    std::vector<uint64_t> out;
    if (k < 1 || starts.size() < static_cast<size_t>(k))
        return out;
    out.reserve(starts.size() - static_cast<size_t>(k) + 1);
    for (size_t w = 0; w + static_cast<size_t>(k) <= starts.size(); ++w) {
        const size_t end = w + static_cast<size_t>(k) < starts.size() ? starts[w + static_cast<size_t>(k)] - 1 : norm.size();
        out.push_back(recordHash64(std::string_view(norm).substr(starts[w], end - starts[w])));
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

double jaccard(const std::vector<uint64_t> &a, const std::vector<uint64_t> &b)
{
    if (a.empty() && b.empty())
        return 0;
    size_t i = 0, j = 0, common = 0;
    while (i < a.size() && j < b.size()) {
        if (a[i] < b[j])
            ++i;
        else if (b[j] < a[i])
            ++j;
        else
            ++common, ++i, ++j;
    }
    return static_cast<double>(common) / static_cast<double>(a.size() + b.size() - common);
}

MinHasher::MinHasher(int numPermutations, uint64_t seed)
{
    std::mt19937_64 rng(seed);
    for (int i = 0; i < std::max(1, numPermutations); ++i) {
        m_a.push_back(1 + rng() % (kMersenne61 - 1));
        m_b.push_back(rng() % kMersenne61);
    }
}

std::vector<uint64_t> MinHasher::signature(const std::vector<uint64_t> &shingles) const
{
    if (shingles.empty())
        return {};
    std::vector<uint64_t> sig(m_a.size(), kMersenne61);
    for (uint64_t s : shingles) {
        const uint64_t x = s % kMersenne61;
        for (size_t i = 0; i < m_a.size(); ++i) {
            uint64_t h = mulMod61(m_a[i], x) + m_b[i];
            if (h >= kMersenne61)
                h -= kMersenne61;
            sig[i] = std::min(sig[i], h);
        }
    }
    return sig;
}

std::vector<std::pair<int64_t, int64_t>> lshCandidatePairs(const std::vector<std::vector<uint64_t>> &signatures,
                                                           int bands, int rows)
{
    std::vector<std::pair<int64_t, int64_t>> pairs;
    for (int band = 0; band < bands; ++band) {
        std::unordered_map<uint64_t, std::vector<int64_t>> buckets;
        for (size_t item = 0; item < signatures.size(); ++item) {
            const auto &sig = signatures[item];
            if (sig.size() < static_cast<size_t>((band + 1) * rows))
                continue;
            const uint64_t key = recordHash64(std::string_view(reinterpret_cast<const char *>(sig.data() + band * rows),
                                                               sizeof(uint64_t) * static_cast<size_t>(rows)));
            buckets[key].push_back(static_cast<int64_t>(item));
        }
        for (const auto &kv : buckets)
            for (size_t x = 0; x < kv.second.size(); ++x)
                for (size_t y = x + 1; y < kv.second.size(); ++y)
                    pairs.emplace_back(kv.second[x], kv.second[y]);
    }
    std::sort(pairs.begin(), pairs.end());
    pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
    return pairs;
}

} // namespace ost
