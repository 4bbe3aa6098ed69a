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
    // Files this export reads besides the dataset and its images, which the output must never replace:
    // the project store (its -wal/-shm too) and the run's reference set. The dataset, its default
    // store (DATASET.ostproj) and every image of the exported samples are always protected.
    std::vector<std::string> readPaths;
};

struct ExportReport {
    std::string outPath;
    std::string manifestPath;
    DatasetFormat writtenFormat = DatasetFormat::Unknown;
    int64_t written = 0;
    int64_t pathsRewritten = 0;  // image references whose path had to change
    int64_t imagesCopied = 0;
    std::vector<std::string> imagesRefused; // --copy-images: not regular files or not decodable images
    std::vector<std::string> warnings; // unresolved images kept as written, ...
};

std::string manifestPathFor(const std::string &outPath); // "<out>.manifest.json"

// `indices` are dataset positions (e.g. ExportSelection::indices), written in the given order.
// On any failure or cancellation nothing is left behind: no output, no manifest, no copied image, and
// a previous export at the same path stays as it was. Every record is checked against the index while
// it is copied (length and content hash): a dataset changed during the export fails it.
// The output and its manifest are both written and synced before either is renamed into place; the
// manifest names the output's sha256 and size, so verifyExport() tells a matching pair from a torn one.
Result<ExportReport> exportSamples(const Dataset &dataset, const std::vector<int64_t> &indices,
                                   const ExportOptions &options, const ProgressCallback &progress = {},
                                   const CancelToken *cancel = nullptr);

// Whether OUT and OUT.manifest.json belong together (the manifest's output sha256 and size match the
// file). Fails with what does not match; manifests written before this check existed pass.
Status verifyExport(const std::string &outPath);

} // namespace ost
