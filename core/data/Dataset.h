#pragma once
// A dataset file opened read-only through a byte-offset index: records are parsed on demand, so a
// million-sample file opens without holding every record in memory. The file is never modified.
#include "core/common/ImageLimits.h"
#include "core/common/Progress.h"
#include "core/common/Result.h"
#include "core/data/Sample.h"

#include <memory>
#include <string>
#include <vector>

namespace ost {

enum class DatasetFormat {
    Unknown,
    MessagesJsonl,   // {"messages":[{role,content}], "images":[...]} per line (ms-swift, LLaMA-Factory)
    MessagesJson,    // the same records in a top-level JSON array
    ShareGptJsonl,   // {"conversations":[{from,value}], "images":[...]} per line
    ShareGptJson,    // the same in a top-level JSON array
    LlavaJson,       // [{"id", "image": str|[str], "conversations":[{from: human|gpt, value}]}]
    LlavaJsonl,      // LLaVA records one per line
    QwenVlJson,      // Qwen-VL fine-tuning JSON: conversations with from user/assistant, <img>path</img>
    QwenVlJsonl,
};

std::string formatName(DatasetFormat f);       // "messages-jsonl", "llava-json", ...
DatasetFormat formatFromName(const std::string &name); // also "messages", "sharegpt", "llava", "qwenvl"
bool isJsonArrayFormat(DatasetFormat f);         // a top-level array rather than one record per line

struct ValidationIssue {
    enum class Severity { Warning, Error };
    Severity severity = Severity::Error;
    std::string sampleId; // "" when the record could not be parsed far enough to have one
    int64_t index = -1;   // record position, -1 for file-level problems
    int64_t line = 0;     // 1-based
    std::string message;  // says what is wrong and with which file or field
};

struct DatasetOptions {
    std::string imageRoot;        // tried after the dataset's folder
    bool checkImages = true;      // open and decode each image during validation
    int64_t maxImagePixels = ost::maxImagePixels(); // larger is refused before decoding (--max-image-pixels)
    int64_t minImageSide = 4;
};

class Dataset {
public:
    virtual ~Dataset() = default;

    // Detects the format, builds the index (ids, offsets), and reports per-record parse problems
    // without aborting. Fails only when the file itself cannot be read or has no recognisable format.
    static Result<std::unique_ptr<Dataset>> open(const std::string &path, const DatasetOptions &options = {},
                                                 const ProgressCallback &progress = {},
                                                 const CancelToken *cancel = nullptr);

    virtual const std::string &path() const = 0;
    virtual DatasetFormat format() const = 0;
    virtual int64_t size() const = 0;                 // records that could be indexed
    virtual const std::string &id(int64_t index) const = 0;
    virtual int64_t indexOf(const std::string &id) const = 0; // -1 when absent
    virtual std::string rawRecord(int64_t index) const = 0;   // original bytes
    // Whether `bytes` (read back from the file) are still the record that was indexed: same length and
    // content hash. Fails, naming the sample and the file, when the file changed under us. sample()
    // checks it itself; writers of raw bytes (export) call it.
    virtual Status verifyRecord(int64_t index, const std::string &bytes) const
    {
        (void)index;
        (void)bytes;
        return Status::success();
    }
    virtual Result<Sample> sample(int64_t index) const = 0;   // parsed on demand; thread-safe
    virtual const std::vector<ValidationIssue> &indexIssues() const = 0; // found while indexing
    // 1-based line where record `index` starts (0 when unknown); cheaper than sample().line.
    virtual int64_t line(int64_t index) const { (void)index; return 0; }
};

// Full validation of every record: placeholders vs images, roles, empty answer, UTF-8, image files.
// Slow for big files (decodes images); reports progress and stops when cancelled.
// The result includes dataset.indexIssues() (malformed lines, duplicate ids) and every per-record
// problem, sorted by line; records that sample() cannot interpret are reported, never skipped.
// Each distinct image file is checked once, on all cores.
std::vector<ValidationIssue> validateDataset(const Dataset &dataset, const DatasetOptions &options = {},
                                             const ProgressCallback &progress = {},
                                             const CancelToken *cancel = nullptr);
std::vector<ValidationIssue> validateSample(const Sample &sample, const DatasetOptions &options = {});

} // namespace ost
