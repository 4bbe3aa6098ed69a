#pragma once
// Text fingerprints for duplicate checks: a normal form for exact matches and MinHash signatures of
// word shingles for near matches (Broder 1997; the scheme of datasketch and Data-Juicer's
// document_minhash_deduplicator, whose defaults we follow: 5-word shingles, 128 permutations).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ost {

// Runs of whitespace become one space, ends trimmed, ASCII letters lower-cased (other bytes are
// compared as written: no Unicode tables in core). "  The  Answer\n is 4 " -> "the answer is 4".
std::string normaliseForMatch(std::string_view text);

// Hashes of the distinct k-word shingles of the normalised text, sorted. A text of fewer than k words
// has none: too short for a near match to mean anything (the exact check still sees it).
std::vector<uint64_t> wordShingles(std::string_view text, int k = 5);

// |A n B| / |A u B| of two sorted, distinct hash lists; 0 when both are empty.
double jaccard(const std::vector<uint64_t> &a, const std::vector<uint64_t> &b);

// numPermutations universal hashes h_i(x) = (a_i x + b_i) mod (2^61 - 1), seeded, so signatures from
// two runs with the same seed compare. signature()[i] is the minimum of h_i over the shingles; the
// share of equal entries of two signatures estimates their Jaccard similarity.
class MinHasher {
public:
    explicit MinHasher(int numPermutations = 128, uint64_t seed = 1);
    int numPermutations() const { return static_cast<int>(m_a.size()); }
    std::vector<uint64_t> signature(const std::vector<uint64_t> &shingles) const; // empty for no shingles

private:
    std::vector<uint64_t> m_a, m_b;
};

// Locality-sensitive banding: signatures cut into `bands` bands of `rows` entries; two items that agree
// on a whole band are candidates. P(candidate) = 1 - (1 - J^rows)^bands: with 32 x 4 it is above
// 0.99999 at J = 0.8 and 0.9998 at J = 0.7, so candidates are then checked with the exact Jaccard of
// their shingle sets and nothing near the threshold is lost to banding. Returns pairs (i < j), sorted,
// distinct; items with an empty signature take no part.
std::vector<std::pair<int64_t, int64_t>> lshCandidatePairs(const std::vector<std::vector<uint64_t>> &signatures,
                                                           int bands, int rows);

} // namespace ost
