#pragma once
// Scores that may describe old content: the store keeps, with every score, the hash of the record
// bytes it was computed on; a dataset edited after scoring has records whose bytes hash differently
// now (or ids that are gone). The app checks when a project opens and after a scoring run; `ostc score`
// checks before it calls a finished run of the same settings done.
#include "core/common/Progress.h"
#include "core/data/Dataset.h"
#include "core/store/ProjectStore.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace ost {

struct StaleScores {
    int64_t runId = 0;
    int64_t checked = 0; // scores that carry a content hash
    int64_t missing = 0; // ... whose sample id is no longer in the file
    // Dataset indices of the scores whose sample's record differs in the file now, ascending, so that
    // the table can mark those rows.
    std::vector<int64_t> changedIndices;
    int64_t changed() const { return static_cast<int64_t>(changedIndices.size()); }
    bool any() const { return changed() > 0 || missing > 0; }
    bool isChanged(int64_t index) const
    {
        return std::binary_search(changedIndices.begin(), changedIndices.end(), index);
    }
};

// Compares the scores of `method` in run `runId` with the records of `dataset` as they are now.
// Scores without a stored hash are not counted. Reads every scored record once (off the UI thread).
StaleScores findStaleScores(const Dataset &dataset, const ProjectStore &store, int64_t runId,
                            const std::string &method, const CancelToken *cancel = nullptr);

} // namespace ost
