#pragma once
// Ranking quality measures used by `ostc bench` and the UI's run comparison. Torch-free.
#include <cstdint>
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

// Average ranks (1-based, ties share the mean rank).
std::vector<double> averageRanks(const std::vector<double> &values);

} // namespace ost
