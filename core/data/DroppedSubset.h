#pragma once
// The other half of an export: every sample the export leaves out, and every line the index could
// not read, each with why, so that nothing removed goes unexplained. One JSON object per line:
//   {"id": "s7", "line": 8, "reasons": [{"reason": "dropped", "note": "wrong answer"},
//    {"reason": "harmful", "utility": -0.12, "threshold": 0}], "record": {...the record as in the file...}}
// Reasons: "dropped" (by hand, with the curator's note), "harmful" (utility below the threshold),
// "validation" (the problems found), "not-selected" (below the policy's cut, with utility and rank),
// "unscored" (the policy ranks by a score this sample has none of), "unreadable" (a line the index
// could not read: no record, its line and the error instead). Written atomically (AtomicFile).
#include "core/common/Result.h"
#include "core/data/Dataset.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ost {

struct DroppedInputs {
    std::map<std::string, double> utilities; // id -> utility of the run used
    double harmfulThreshold = 0.0;
    bool haveScores = false;                 // false: "unscored" is not a reason (the policy took all)
    std::map<std::string, std::string> droppedByHand; // id -> the curator's note ("" when none)
    std::map<int64_t, std::vector<std::string>> problems; // dataset index -> validation problems
};

std::string droppedPathFor(const std::string &outPath); // "<out without extension>.dropped.jsonl"

struct DroppedReport {
    std::string path;
    int64_t samples = 0;    // samples left out
    int64_t unreadable = 0; // lines without a record
};

// Refuses a path that is the dataset itself (an output named so that its .dropped.jsonl is the
// source); writeDroppedSubset checks it too, callers check it before writing the export.
Status checkDroppedPath(const Dataset &dataset, const std::string &path);

// `kept`: the dataset positions the export writes; every other sample is listed.
Result<DroppedReport> writeDroppedSubset(const Dataset &dataset, const std::vector<int64_t> &kept,
                                         const DroppedInputs &inputs, const std::string &path);

} // namespace ost
