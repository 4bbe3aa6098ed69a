#pragma once
// First pass over a dataset file: where each record starts and ends, its line and its id. Reads
// the file in large chunks (not mmap, so resident memory stays small) and validates each record's
// JSON syntax without building it.
#include "core/common/Progress.h"
#include "core/common/Result.h"
#include "core/data/Dataset.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ost::detail {

struct RecordRef {
    int64_t offset = 0;  // byte offset of the record in the file
    uint32_t length = 0; // bytes, without the line terminator
    uint32_t line = 0;   // 1-based line where it starts
    uint64_t hash = 0;   // recordHash64 of its bytes when indexed
};

struct RecordIndex {
    bool jsonArray = false;        // top-level array rather than one record per line
    std::vector<RecordRef> records;
    std::vector<std::string> ids;  // own id, or "sha1:<12 hex>" of the bytes; not yet unique
    std::vector<ValidationIssue> issues;
    int64_t lines = 0;
};

constexpr uint32_t kMaxRecordBytes = 256u << 20;

// Fails only on read errors and cancellation; bad records become issues.
Result<RecordIndex> indexRecords(int fd, int64_t fileSize, const ProgressCallback &progress,
                                 const CancelToken *cancel);

// Gives duplicate ids a "#2", "#3"... suffix in file order (first keeps its id) and reports each.
// Returns the record positions sorted by (unique) id, for lookups.
std::vector<uint32_t> makeIdsUnique(RecordIndex &index);

} // namespace ost::detail
