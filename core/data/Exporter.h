#pragma once
// Writes a chosen subset of a dataset: in its own format with each record's bytes unchanged (only
// image paths are rewritten, and only when they would no longer resolve from the output's folder),
// or converted to messages+images JSONL or LLaVA JSON. The output appears atomically, with a
// manifest (OUT.manifest.json) saying where it came from and why these samples were chosen.
#include "core/common/Progress.h"
#include "core/common/Result.h"
#include "core/data/Dataset.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ost {

enum class ExportFormat { Same, Messages, Llava };
std::string exportFormatName(ExportFormat f); // "same", "messages", "llava"
bool exportFormatFromName(const std::string &name, ExportFormat &out);

struct ExportOptions {
    std::string outPath;
    ExportFormat format = ExportFormat::Same;
    bool copyImages = false;   // copy each image into images/ beside the output and point there
    bool writeManifest = true;
    // What the manifest records about the selection (all optional).
    std::string policyJson;                // ExportPolicy::toJson()
    int64_t runId = -1;                    // -1: no scoring run was used
    std::string method;                    // score method of that run ("ost")
    std::map<std::string, double> scores;  // the run's utilities, id -> value
    std::string toolVersion;
};

struct ExportReport {
    std::string outPath;
    std::string manifestPath;
    DatasetFormat writtenFormat = DatasetFormat::Unknown;
    int64_t written = 0;
    int64_t pathsRewritten = 0;  // image references whose path had to change
    int64_t imagesCopied = 0;
    std::vector<std::string> warnings; // unresolved images kept as written, ...
};

std::string manifestPathFor(const std::string &outPath); // "<out>.manifest.json"

// `indices` are dataset positions (e.g. ExportSelection::indices), written in the given order.
// On any failure or cancellation nothing is left behind: no output, no manifest, no copied image.
Result<ExportReport> exportSamples(const Dataset &dataset, const std::vector<int64_t> &indices,
                                   const ExportOptions &options, const ProgressCallback &progress = {},
                                   const CancelToken *cancel = nullptr);

} // namespace ost
