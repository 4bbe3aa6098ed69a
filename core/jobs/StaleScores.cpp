#include "core/jobs/StaleScores.h"

#include "core/data/Hash.h"

namespace ost {

StaleScores findStaleScores(const Dataset &dataset, const ProjectStore &store, int64_t runId,
                            const std::string &method, const CancelToken *cancel)
{
    StaleScores out;
    out.runId = runId;
    if (runId <= 0 || method.empty())
        return out;
    for (const auto &[id, hash] : store.scoredHashes(runId, method)) {
        if (cancel && cancel->isCancelled())
            break;
        if (hash.empty())
            continue;
        ++out.checked;
        const int64_t index = dataset.indexOf(id);
        if (index < 0)
            ++out.missing;
        else if (sha1Hex(dataset.rawRecord(index)) != hash) // the hash Dataset::sample() gives contentHash
            out.changedIndices.push_back(index);
    }
    std::sort(out.changedIndices.begin(), out.changedIndices.end()); // the store lists them by id
    return out;
}

} // namespace ost
