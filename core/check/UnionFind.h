#pragma once
// Disjoint sets over 0..n-1 (path halving, union by size): duplicate pairs become groups, so A~B and
// B~C put all three in one group the curator collapses to one.
#include <cstdint>
#include <algorithm>
#include <numeric>
#include <utility>
#include <vector>

namespace ost {

class UnionFind {
public:
    explicit UnionFind(size_t n) : m_parent(n), m_size(n, 1) { std::iota(m_parent.begin(), m_parent.end(), size_t(0)); }
    size_t find(size_t x)
    {
        while (m_parent[x] != x)
            x = m_parent[x] = m_parent[m_parent[x]];
        return x;
    }
    bool unite(size_t a, size_t b) // false when already together
    {
        a = find(a);
        b = find(b);
        if (a == b)
            return false;
        if (m_size[a] < m_size[b])
            std::swap(a, b);
        m_parent[b] = a;
        m_size[a] += m_size[b];
        return true;
    }
    // Sets of more than one element, each sorted ascending, ordered by their smallest element.
    std::vector<std::vector<int64_t>> groups()
    {
        std::vector<std::vector<int64_t>> byRoot(m_parent.size());
        for (size_t i = 0; i < m_parent.size(); ++i)
            byRoot[find(i)].push_back(static_cast<int64_t>(i));
        std::vector<std::vector<int64_t>> out;
        for (auto &g : byRoot)
            if (g.size() > 1)
                out.push_back(std::move(g));
        std::sort(out.begin(), out.end(), [](const auto &a, const auto &b) { return a.front() < b.front(); });
        return out;
    }

private:
    std::vector<size_t> m_parent;
    std::vector<size_t> m_size;
};

} // namespace ost
