#pragma once
// The merge table of a BPE model and the merge loop itself. Pairs are keyed by token ids, not
// strings, so applying a merge is a hash lookup on one 64-bit key.
#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace ost::text {

class BpeMerges {
public:
    // Lower rank merges first (rank = line number in the merges list). A pair listed twice keeps
    // its first rank, as Hugging Face's loader does.
    void add(int32_t left, int32_t right, int32_t rank, int32_t merged);
    size_t size() const { return m_pairs.size(); }
    void reserve(size_t n) { m_pairs.reserve(n); }

    // Merges the symbols of one word until no listed pair is left: always the lowest-rank pair,
    // leftmost first among equal ranks (Hugging Face's order, which matters for runs like "aaa").
    void apply(std::vector<int32_t> &symbols) const;

private:
    struct Merge {
        int32_t rank;
        int32_t merged;
    };
    static uint64_t key(int32_t a, int32_t b)
    {
        return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
    }
    const Merge *find(int32_t a, int32_t b) const;

    std::unordered_map<uint64_t, Merge> m_pairs;
};

} // namespace ost::text
