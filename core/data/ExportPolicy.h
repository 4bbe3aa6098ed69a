#pragma once
// Which samples an export keeps. Plain inputs (utilities and curator decisions as maps) so the data
// module needs neither the project store nor torch; the CLI and UI translate their own types.
#include "core/data/Dataset.h"
#include "core/data/SampleGroups.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ost {

// The curator's say over one sample; mirrors the store's Decision without depending on it.
enum class KeepDecision { Auto, Keep, Drop };

struct ExportPolicy {
    enum class Mode {
        All,        // every sample
        Ids,        // exactly `ids`
        TopK,       // the `topK` highest utilities
        TopPercent, // the best `topPercent` % of the scored samples
        MinUtility, // utility >= `minUtility`
    };
    Mode mode = Mode::All;
    int64_t topK = 0;
    double topPercent = 100.0;
    double minUtility = 0.0;
    std::vector<std::string> ids;
    // Top-k and top-% rank within each group instead of over the whole set: top 20 % keeps the best
    // 20 % of every group, top 1 the best sample of every group. Other modes ignore it.
    std::optional<SampleGroups> withinGroups;
    // Curator decisions override the score: Drop removes, Keep adds. Ranking (top-k, top-%) is
    // among the samples not dropped, so "top 100" yields 100 samples plus the forced keeps.
    bool applyDecisions = true;

    std::string describe() const; // "top 100 by utility, minus dropped, plus kept"
    std::string toJson() const;   // for the export manifest
};

struct ExportSelection {
    std::vector<int64_t> indices;   // dataset positions, in file order
    int64_t unscored = 0;           // samples without a utility (never chosen by a score policy)
    int64_t dropped = 0;            // removed by a Drop decision
    int64_t forcedKeeps = 0;        // added by a Keep decision that the policy did not choose
    std::vector<std::string> unknownIds; // ids in `policy.ids` or decisions that are not in the dataset
    int64_t groups = 0;             // with withinGroups: groups among the ranked samples
    int64_t ungrouped = 0;          // ranked samples without a group value (they form one group of their own)
    // No ranked sample has a group value (a misspelt field): the one "group" is the whole set, and
    // exporting it would silently be the plain ranking, so callers refuse it.
    bool noGroupValues() const { return groups == 1 && ungrouped > 0; }
};

ExportSelection selectForExport(const Dataset &dataset, const ExportPolicy &policy,
                                const std::map<std::string, double> &utilities,
                                const std::map<std::string, KeepDecision> &decisions);

} // namespace ost
