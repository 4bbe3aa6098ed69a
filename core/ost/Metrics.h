#pragma once
// Ranking quality measures used by `ostc bench` and the UI's run comparison. Torch-free.
#include <cmath>
#include <cstdint>
#include <functional>
#include <vector>

namespace ost {

// Area under the ROC curve of `scores` for `positive` labels (higher score = more likely positive),
// i.e. P(score of a random positive > score of a random negative), ties counting one half.
// Returns NaN when one class is empty.
double rocAuc(const std::vector<double> &scores, const std::vector<bool> &positive);

// Spearman rank correlation (Pearson correlation of average ranks, so ties are handled).
// NaN when fewer than two values or a side is constant.
double spearman(const std::vector<double> &a, const std::vector<double> &b);

// Share of positives among the ceil(fraction * n) highest scores (ties at the cut broken by
// position, stable). NaN for an empty input.
double precisionAtTop(const std::vector<double> &scores, const std::vector<bool> &positive, double fraction);

// ROC-AUC over pairs from the same group only (a positive and a negative of one problem): the share
// of such pairs the score orders correctly, ties one half, pooled over groups. It takes the groups'
// difficulty out of the comparison. NaN when no group holds both classes.
double groupedRocAuc(const std::vector<double> &scores, const std::vector<bool> &positive,
                     const std::vector<int64_t> &group);

// A percentile bootstrap interval: `statistic` is evaluated on `draws` resamples of the indices
// 0..n-1, drawn as whole clusters with replacement (every answer to one problem stays together, so
// the interval is not too narrow when answers to a problem are alike). It gets the rows and, per
// row, which draw of a cluster it came from (0..clusters-1): a cluster drawn twice is two groups,
// so a within-group statistic must group by that, not by the original cluster. Draws where the
// statistic is NaN are skipped. Deterministic for a seed.
struct Interval {
    double low = NAN, high = NAN;
};
Interval clusterBootstrap(const std::vector<int64_t> &cluster, int draws, uint64_t seed, double level,
                          const std::function<double(const std::vector<size_t> &rows,
                                                     const std::vector<int64_t> &drawOf)> &statistic);

// Average ranks (1-based, ties share the mean rank).
std::vector<double> averageRanks(const std::vector<double> &values);

} // namespace ost
