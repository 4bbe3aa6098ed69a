#include "core/ost/Metrics.h"

#include <map>
#include <random>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace ost {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

std::vector<double> averageRanks(const std::vector<double> &values)
{
    const size_t n = values.size();
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return values[a] < values[b]; });
    std::vector<double> ranks(n);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && values[order[j + 1]] == values[order[i]])
            ++j;
        const double mean = (static_cast<double>(i) + static_cast<double>(j)) / 2.0 + 1.0;
        for (size_t k = i; k <= j; ++k)
            ranks[order[k]] = mean;
        i = j + 1;
    }
    return ranks;
}

double rocAuc(const std::vector<double> &scores, const std::vector<bool> &positive)
{
    // Mann-Whitney U from average ranks: exact, O(n log n), ties count one half.
    const std::vector<double> ranks = averageRanks(scores);
    double positives = 0, rankSum = 0;
    for (size_t i = 0; i < scores.size(); ++i) {
        if (positive[i]) {
            positives += 1;
            rankSum += ranks[i];
        }
    }
    const double negatives = static_cast<double>(scores.size()) - positives;
    if (positives == 0 || negatives == 0)
        return kNaN;
    return (rankSum - positives * (positives + 1) / 2.0) / (positives * negatives);
}

double spearman(const std::vector<double> &a, const std::vector<double> &b)
{
    const size_t n = std::min(a.size(), b.size());
    if (n < 2)
        return kNaN;
    const std::vector<double> ra = averageRanks(std::vector<double>(a.begin(), a.begin() + n));
    const std::vector<double> rb = averageRanks(std::vector<double>(b.begin(), b.begin() + n));
    const double ma = std::accumulate(ra.begin(), ra.end(), 0.0) / n;
    const double mb = std::accumulate(rb.begin(), rb.end(), 0.0) / n;
    double sab = 0, saa = 0, sbb = 0;
    for (size_t i = 0; i < n; ++i) {
        sab += (ra[i] - ma) * (rb[i] - mb);
        saa += (ra[i] - ma) * (ra[i] - ma);
        sbb += (rb[i] - mb) * (rb[i] - mb);
    }
    if (saa == 0 || sbb == 0)
        return kNaN;
    return sab / std::sqrt(saa * sbb);
}

double precisionAtTop(const std::vector<double> &scores, const std::vector<bool> &positive, double fraction)
{
    const size_t n = scores.size();
    if (n == 0)
        return kNaN;
    size_t k = static_cast<size_t>(std::ceil(std::clamp(fraction, 0.0, 1.0) * static_cast<double>(n) - 1e-9));
    k = std::max<size_t>(1, std::min(k, n));
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] > scores[b]; });
    size_t hits = 0;
    for (size_t i = 0; i < k; ++i)
        hits += positive[order[i]] ? 1 : 0;
    return static_cast<double>(hits) / static_cast<double>(k);
}

} // namespace ost

namespace ost {

double groupedRocAuc(const std::vector<double> &scores, const std::vector<bool> &positive,
                     const std::vector<int64_t> &group)
{
    std::map<int64_t, std::vector<size_t>> members;
    for (size_t i = 0; i < scores.size(); ++i)
        members[group[i]].push_back(i);
    double concordant = 0, pairs = 0;
    for (const auto &[g, idx] : members)
        for (size_t a : idx) {
            if (!positive[a])
                continue;
            for (size_t b : idx) {
                if (positive[b])
                    continue;
                pairs += 1;
                concordant += scores[a] > scores[b] ? 1.0 : scores[a] == scores[b] ? 0.5 : 0.0;
            }
        }
    return pairs > 0 ? concordant / pairs : kNaN;
}

Interval clusterBootstrap(const std::vector<int64_t> &cluster, int draws, uint64_t seed, double level,
                          const std::function<double(const std::vector<size_t> &, const std::vector<int64_t> &)> &statistic)
{
    std::map<int64_t, std::vector<size_t>> members;
    for (size_t i = 0; i < cluster.size(); ++i)
        members[cluster[i]].push_back(i);
    std::vector<const std::vector<size_t> *> groups;
    for (const auto &[c, idx] : members)
        groups.push_back(&idx);
    Interval out;
    if (groups.empty() || draws < 1)
        return out;
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<size_t> pick(0, groups.size() - 1);
    std::vector<double> values;
    std::vector<size_t> sample;
    std::vector<int64_t> drawOf;
    for (int d = 0; d < draws; ++d) {
        sample.clear();
        drawOf.clear();
        for (size_t k = 0; k < groups.size(); ++k) {
            const auto &g = *groups[pick(rng)];
            sample.insert(sample.end(), g.begin(), g.end());
            drawOf.insert(drawOf.end(), g.size(), int64_t(k));
        }
        const double v = statistic(sample, drawOf);
        if (!std::isnan(v))
            values.push_back(v);
    }
    if (values.empty())
        return out;
    std::sort(values.begin(), values.end());
    const double tail = (1.0 - level) / 2.0;
    const auto at = [&](double q) {
        const double pos = q * double(values.size() - 1);
        const size_t lo = size_t(std::floor(pos)), hi = std::min(values.size() - 1, lo + 1);
        return values[lo] + (values[hi] - values[lo]) * (pos - double(lo));
    };
    out.low = at(tail);
    out.high = at(1.0 - tail);
    return out;
}

} // namespace ost
