// Dataset files of every format: the JSONL/JSON scanner and indexer, format detection, the record
// parser, validation (without decoding images) and the export of what parsed, in the same format
// (bytes kept, paths rewritten) and converted. Any bytes must open or fail with an error.
#include "FuzzFile.h"

#include "core/data/Dataset.h"
#include "core/data/Exporter.h"

#include <algorithm>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    // The layout (JSONL or a JSON array) comes from the bytes, as for a real file.
    const std::string path = fuzz::writeInput(data, size, "set.jsonl");
    ost::DatasetOptions options;
    options.checkImages = false;
    auto opened = ost::Dataset::open(path, options);
    if (!opened.ok()) {
        fuzz::checkMessage(opened.error().message);
        return 0;
    }
    const ost::Dataset &ds = *opened.value();
    std::vector<int64_t> indices;
    for (int64_t i = 0; i < std::min<int64_t>(ds.size(), 64); ++i) {
        auto s = ds.sample(i);
        if (!s.ok()) {
            fuzz::checkMessage(s.error().message);
            continue;
        }
        if (ds.indexOf(ds.id(i)) != i)
            std::abort(); // ids are unique after indexing
        (void)ost::validateSample(s.value(), options);
        indices.push_back(i);
    }
    for (ost::ExportFormat f : {ost::ExportFormat::Same, ost::ExportFormat::Messages, ost::ExportFormat::Llava}) {
        ost::ExportOptions o;
        o.outPath = fuzz::scratchFolder() + "/out";
        o.format = f;
        o.writeManifest = false;
        auto r = ost::exportSamples(ds, indices, o);
        if (!r.ok())
            fuzz::checkMessage(r.error().message);
    }
    return 0;
}
