#include "core/ost/PoolSplit.h"

#include "core/ost/internal/Hash.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace ost {

std::string sourceStratum(const std::string &id)
{
    const auto slash = id.find('/');
    return slash == std::string::npos ? std::string() : id.substr(0, slash);
}

namespace {

// Seeded order that depends on each id only, so adding records elsewhere does not reshuffle.
std::vector<int64_t> seededOrder(std::vector<int64_t> indices, const std::vector<std::string> &ids, uint64_t seed,
                                 uint64_t salt)
{
    std::sort(indices.begin(), indices.end(), [&](int64_t a, int64_t b) {
        const uint64_t ha = scoring::splitmix64(scoring::fnv1a64(ids[a]) ^ scoring::splitmix64(seed ^ salt));
        const uint64_t hb = scoring::splitmix64(scoring::fnv1a64(ids[b]) ^ scoring::splitmix64(seed ^ salt));
        return ha != hb ? ha < hb : a < b;
    });
    return indices;
}

} // namespace

PoolSplit splitPool(const std::vector<std::string> &ids, const RunSettings &settings, bool referenceFromFile)
{
    PoolSplit out;
    const int64_t n = settings.limit > 0 ? std::min<int64_t>(settings.limit, static_cast<int64_t>(ids.size()))
                                         : static_cast<int64_t>(ids.size());
    out.poolSize = n;

    std::set<int64_t> held;
    if (!referenceFromFile && n > 1) {
        std::map<std::string, std::vector<int64_t>> strata;
        for (int64_t i = 0; i < n; ++i)
            strata[sourceStratum(ids[i])].push_back(i);
        int64_t want = std::max<int64_t>(1, std::llround(settings.referenceHoldout * static_cast<double>(n)));
        if (settings.referenceMax > 0)
            want = std::min(want, settings.referenceMax);
        want = std::min(want, n - 1); // always leave something to score
        // Largest-remainder apportionment over strata, so small sources are represented fairly.
        std::vector<std::pair<double, std::string>> remainders;
        std::map<std::string, int64_t> quota;
        int64_t given = 0;
        for (const auto &[name, members] : strata) {
            const double exact = static_cast<double>(want) * members.size() / static_cast<double>(n);
            quota[name] = static_cast<int64_t>(std::floor(exact));
            given += quota[name];
            remainders.push_back({exact - std::floor(exact), name});
        }
        std::stable_sort(remainders.begin(), remainders.end(), [](auto &a, auto &b) { return a.first > b.first; });
        for (size_t i = 0; given < want && i < remainders.size(); ++i, ++given)
            quota[remainders[i].second] += 1;
        for (const auto &[name, members] : strata) {
            const auto order = seededOrder(members, ids, settings.seed, 0x7e1dULL);
            for (int64_t k = 0; k < quota[name] && k < static_cast<int64_t>(order.size()); ++k)
                held.insert(order[k]);
        }
        out.reference.assign(held.begin(), held.end());
    }

    std::vector<int64_t> rest;
    for (int64_t i = 0; i < n; ++i)
        if (!held.count(i))
            rest.push_back(i);

    const int64_t warm = std::llround(std::clamp(settings.warmupFraction, 0.0, 1.0) * static_cast<double>(rest.size()));
    auto order = seededOrder(rest, ids, settings.seed, 0x3a7bULL);
    out.warmup.assign(order.begin(), order.begin() + std::min<int64_t>(warm, order.size()));
    std::sort(out.warmup.begin(), out.warmup.end());

    const int64_t shards = std::max<int64_t>(1, settings.shardCount);
    for (size_t pos = 0; pos < rest.size(); ++pos)
        if (static_cast<int64_t>(pos) % shards == settings.shardIndex)
            out.scoring.push_back(rest[pos]);
    return out;
}

} // namespace ost
