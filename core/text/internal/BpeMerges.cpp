#include "core/text/internal/BpeMerges.h"

#include <queue>

namespace ost::text {

void BpeMerges::add(int32_t left, int32_t right, int32_t rank, int32_t merged)
{
    m_pairs.emplace(key(left, right), Merge{rank, merged});
}

const BpeMerges::Merge *BpeMerges::find(int32_t a, int32_t b) const
{
    auto it = m_pairs.find(key(a, b));
    return it == m_pairs.end() ? nullptr : &it->second;
}

void BpeMerges::apply(std::vector<int32_t> &symbols) const
{
    const int n = static_cast<int>(symbols.size());
    if (n < 2)
        return;
    if (n == 2) { // the most common case after the word cache: no linked list needed
        if (const Merge *m = find(symbols[0], symbols[1]))
            symbols = {m->merged};
        return;
    }

    // Symbols form a doubly linked list over the original positions; merged-away ones are dead.
    std::vector<int> prev(n), next(n);
    std::vector<char> alive(n, 1);
    for (int i = 0; i < n; ++i) {
        prev[i] = i - 1;
        next[i] = i + 1 < n ? i + 1 : -1;
    }
    struct Candidate {
        int32_t rank;
        int pos; // left symbol
        int32_t left, right; // the ids the pair had when queued: stale entries are skipped
        bool operator>(const Candidate &o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
    };
    std::priority_queue<Candidate, std::vector<Candidate>, std::greater<Candidate>> queue;
    auto push = [&](int pos) {
        const int r = next[pos];
        if (r < 0)
            return;
        if (const Merge *m = find(symbols[pos], symbols[r]))
            queue.push({m->rank, pos, symbols[pos], symbols[r]});
    };
    for (int i = 0; i + 1 < n; ++i)
        push(i);

    while (!queue.empty()) {
        const Candidate c = queue.top();
        queue.pop();
        const int r = next[c.pos];
        if (!alive[c.pos] || r < 0 || symbols[c.pos] != c.left || symbols[r] != c.right)
            continue;
        symbols[c.pos] = find(c.left, c.right)->merged;
        alive[r] = 0;
        next[c.pos] = next[r];
        if (next[r] >= 0)
            prev[next[r]] = c.pos;
        if (prev[c.pos] >= 0)
            push(prev[c.pos]);
        push(c.pos);
    }

    std::vector<int32_t> out;
    out.reserve(n);
    for (int i = 0; i >= 0; i = next[i])
        out.push_back(symbols[i]);
    symbols.swap(out);
}

} // namespace ost::text
