#include "core/common/Time.h"
#include "core/common/MessageText.h"
#include "core/data/Exporter.h"

#include "core/data/AtomicFile.h"
#include "core/data/Hash.h"
#include "core/data/OutputGuard.h"
#include "core/data/internal/ImagePaths.h"
#include "core/data/internal/ImagePlanner.h"
#include "core/data/internal/JsonScanner.h"
#include "core/data/internal/RecordParser.h"
#include "core/data/internal/Utf8.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using ordered_json = nlohmann::ordered_json;

namespace ost {
namespace {

std::string jsonString(const std::string &s)
{
    return ordered_json(s).dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

// Replaces image path tokens inside the record's own bytes, so every other byte stays as it was.
// Order of references matches readRecord(): "images", then "image", then Qwen-VL <img> tags.
bool rewritePathsInPlace(std::string &raw, DatasetFormat format, const std::vector<std::string> &newPaths)
{
    detail::JsonScanner scanner;
    if (!scanner.scan(raw))
        return false;
    struct Edit {
        size_t begin, end;
        std::string text;
    };
    std::vector<Edit> edits;
    size_t next = 0;
    for (const char *key : {"images", "image"}) {
        for (const auto &m : scanner.members()) {
            if (std::string_view(raw).substr(m.keyBegin + 1, m.keyEnd - m.keyBegin - 2) != key)
                continue;
            const std::string_view value = std::string_view(raw).substr(m.valueBegin, m.valueEnd - m.valueBegin);
            if (value == "null")
                continue;
            auto tokens = detail::JsonScanner::stringTokens(raw, m.valueBegin, m.valueEnd);
            if (tokens.empty() && value != "[]")
                return false; // e.g. {"path": ...} objects: not rewritten in place
            for (auto [b, e] : tokens) {
                if (next >= newPaths.size())
                    return false;
                edits.push_back({b, e, jsonString(newPaths[next++])});
            }
        }
    }
    if (detail::isQwenFormat(format)) {
        for (const auto &m : scanner.members()) {
            if (std::string_view(raw).substr(m.keyBegin + 1, m.keyEnd - m.keyBegin - 2) != "conversations")
                continue;
            for (size_t p = raw.find("<img>", m.valueBegin); p != std::string::npos && p < m.valueEnd;
                 p = raw.find("<img>", p + 5)) {
                const size_t close = raw.find("</img>", p + 5);
                if (close == std::string::npos || close > m.valueEnd || next >= newPaths.size())
                    return false;
                const std::string quoted = jsonString(newPaths[next++]);
                edits.push_back({p + 5, close, quoted.substr(1, quoted.size() - 2)});
            }
        }
    }
    if (next != newPaths.size())
        return false;
    std::sort(edits.begin(), edits.end(), [](const Edit &a, const Edit &b) { return a.begin > b.begin; });
    for (const Edit &e : edits)
        raw.replace(e.begin, e.end - e.begin, e.text);
    return true;
}

// Fields a converted record carries over: everything but the ones the new layout defines.
void copyOtherFields(const ordered_json &src, ordered_json &dst)
{
    static const char *layoutKeys[] = {"id", "messages", "conversations", "images", "image"};
    for (auto it = src.begin(); it != src.end(); ++it) {
        if (std::none_of(std::begin(layoutKeys), std::end(layoutKeys), [&](const char *k) { return it.key() == k; }))
            dst[it.key()] = it.value();
    }
}

std::string convertRecord(const Sample &s, ExportFormat to, const std::vector<std::string> &paths)
{
    ordered_json src;
    try {
        src = ordered_json::parse(detail::sanitizeUtf8(s.rawJson));
    } catch (const std::exception &) {
        src = ordered_json::object();
    }
    ordered_json out;
    out["id"] = s.id;
    if (to == ExportFormat::Messages) {
        ordered_json messages = ordered_json::array();
        for (const Turn &t : s.turns)
            messages.push_back({{"role", t.role}, {"content", t.content}});
        out["messages"] = std::move(messages);
        out["images"] = paths;
    } else {
        if (paths.size() == 1)
            out["image"] = paths.front();
        else if (!paths.empty())
            out["image"] = paths;
        ordered_json conv = ordered_json::array();
        for (const Turn &t : s.turns)
            conv.push_back({{"from", detail::shareGptTag(t.role)}, {"value", t.content}});
        out["conversations"] = std::move(conv);
    }
    copyOtherFields(src, out);
    return out.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

Status checkTarget(const std::string &outPath)
{
    if (outPath.empty())
        return Error{"no output path given"};
    std::error_code ec;
    const fs::path out = fs::absolute(outPath, ec);
    if (fs::is_directory(out, ec))
        return Error{"output " + outPath + " is a folder; give a file name"};
    if (!fs::is_directory(out.parent_path(), ec))
        return Error{"output folder " + out.parent_path().string() + " does not exist"};
    return {};
}

// The output and the manifest against everything this export reads (OutputGuard).
Status checkNotAnInput(const std::string &outPath, const std::vector<std::string> &reads)
{
    if (Status s = checkOutputPath(outPath, reads, "output"); !s.ok())
        return s;
    return checkOutputPath(manifestPathFor(outPath), reads, "manifest");
}

} // namespace

std::string exportFormatName(ExportFormat f)
{
    switch (f) {
    case ExportFormat::Same:
        return "same";
    case ExportFormat::Messages:
        return "messages";
    case ExportFormat::Llava:
        return "llava";
    }
    return "same";
}

bool exportFormatFromName(const std::string &name, ExportFormat &out)
{
    for (ExportFormat f : {ExportFormat::Same, ExportFormat::Messages, ExportFormat::Llava})
        if (exportFormatName(f) == name) {
            out = f;
            return true;
        }
    return false;
}

std::string manifestPathFor(const std::string &outPath) { return outPath + ".manifest.json"; }

Result<ExportReport> exportSamples(const Dataset &dataset, const std::vector<int64_t> &indices,
                                   const ExportOptions &options, const ProgressCallback &progress,
                                   const CancelToken *cancel)
{
    if (Status s = checkTarget(options.outPath); !s.ok())
        return s.error();
    std::vector<std::string> reads = {dataset.path()};
    for (const std::string &store : storeFamily(dataset.path() + ".ostproj"))
        reads.push_back(store);
    for (const std::string &p : options.readPaths)
        for (const std::string &f : storeFamily(p))
            reads.push_back(f);
    if (Status s = checkNotAnInput(options.outPath, reads); !s.ok())
        return s.error();
    std::vector<std::string> imagesRead; // checked before anything is published
    ExportReport report;
    report.outPath = options.outPath;
    report.writtenFormat = options.format == ExportFormat::Same     ? dataset.format()
                           : options.format == ExportFormat::Messages ? DatasetFormat::MessagesJsonl
                                                                      : DatasetFormat::LlavaJson;
    const bool array = isJsonArrayFormat(report.writtenFormat);
    const std::string outDir = detail::parentFolder(options.outPath);
    detail::ImagePlanner images(outDir, options.copyImages);

    AtomicFile file;
    if (Status s = file.open(options.outPath); !s.ok())
        return s.error();
    if (array)
        if (Status s = file.write(indices.empty() ? "[]\n" : "[\n"); !s.ok())
            return s.error();
    ProgressMeter meter(static_cast<int64_t>(indices.size()));
    std::vector<std::string> ids;
    ids.reserve(indices.size());
    for (size_t k = 0; k < indices.size(); ++k) {
        if (cancel && cancel->isCancelled())
            return Error{"export cancelled; nothing was written"};
        const int64_t i = indices[k];
        Result<Sample> r = dataset.sample(i);
        if (!r.ok() && options.format == ExportFormat::Same) {
            // Same format keeps bytes: a record we cannot interpret still goes out unchanged, but only
            // the bytes that were indexed (a file cut short under us gives other ones).
            std::string raw = dataset.rawRecord(i);
            if (Status v = dataset.verifyRecord(i, raw); !v.ok())
                return Error{"cannot export: " + v.error().message + "; nothing was written"};
            report.warnings.push_back(r.error().message + "; written unchanged");
            if (array && k > 0)
                raw.insert(0, ",\n");
            if (!array)
                raw.push_back('\n');
            if (Status st = file.write(raw); !st.ok())
                return st.error();
            ids.push_back(dataset.id(i));
            continue;
        }
        if (!r.ok())
            return Error{"cannot export: " + r.error().message};
        const Sample &s = r.value();
        std::vector<std::string> paths;
        bool changed = false;
        for (size_t m = 0; m < s.images.size(); ++m) {
            const std::string &resolved = m < s.resolvedImages.size() ? s.resolvedImages[m] : std::string();
            if (resolved.empty())
                report.warnings.push_back("sample " + quotedValue(s.id) + ": image " + quotedValue(s.images[m]) +
                                          " not found; its path is kept as written");
            else
                imagesRead.push_back(resolved);
            std::string refused;
            Result<std::string> p = images.plan(s.images[m], resolved, refused);
            if (!p.ok())
                return p.error();
            if (!refused.empty()) {
                report.imagesRefused.push_back(resolved);
                report.warnings.push_back("sample " + quotedValue(s.id) + ": not copied (" + refused + "); its path is kept as written");
            }
            changed = changed || p.value() != s.images[m];
            report.pathsRewritten += p.value() != s.images[m];
            paths.push_back(p.takeValue());
        }
        std::string record;
        if (options.format == ExportFormat::Same) {
            record = s.rawJson;
            if (changed && !rewritePathsInPlace(record, dataset.format(), paths)) {
                record = s.rawJson;
                report.warnings.push_back("sample " + quotedValue(s.id) + ": could not rewrite its image paths in place; kept as written");
            }
        } else {
            record = convertRecord(s, options.format, paths);
        }
        if (array && k > 0)
            record.insert(0, ",\n");
        if (!array)
            record.push_back('\n');
        if (Status st = file.write(record); !st.ok())
            return st.error();
        ids.push_back(s.id);
        if (progress && k % 1024 == 0)
            progress(meter.update(static_cast<int64_t>(k), "exporting"));
    }
    if (array && !indices.empty())
        if (Status s = file.write("\n]\n"); !s.ok())
            return s.error();

    // Complete and synced before the manifest names its hash; nothing is renamed yet.
    if (Status s = file.finish(); !s.ok())
        return s.error();
    if (Status s = checkNotAnInput(options.outPath, imagesRead); !s.ok())
        return s.error();
    // The manifest is prepared before the output is published, so a failure leaves neither.
    AtomicFile manifest;
    if (options.writeManifest) {
        ordered_json m;
        m["tool"] = "ostc";
        m["tool_version"] = options.toolVersion;
        m["created_at"] = isoTimeUtcNow();
        m["source"] = {{"path", fs::absolute(dataset.path()).lexically_normal().string()},
                       {"sha256", fileSha256Hex(dataset.path())},
                       {"format", formatName(dataset.format())},
                       {"samples", dataset.size()}};
        m["output"] = {{"path", fs::absolute(options.outPath).lexically_normal().string()},
                       {"format", formatName(report.writtenFormat)},
                       {"count", static_cast<int64_t>(ids.size())},
                       {"sha256", file.sha256()},
                       {"bytes", file.bytesWritten()},
                       {"images_copied", options.copyImages},
                       {"image_paths_rewritten", report.pathsRewritten}};
        m["policy"] = options.policyJson.empty() ? ordered_json() : ordered_json::parse(options.policyJson, nullptr, false);
        m["run"] = options.runId >= 0 ? ordered_json{{"id", options.runId}, {"method", options.method}} : ordered_json();
        m["ids"] = ids;
        ordered_json scores = ordered_json::object();
        for (const auto &[id, v] : options.scores)
            scores[id] = v;
        m["scores"] = std::move(scores);
        report.manifestPath = manifestPathFor(options.outPath);
        if (Status s = manifest.open(report.manifestPath); !s.ok())
            return s.error();
        if (Status s = manifest.write(m.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n"); !s.ok())
            return s.error();
    }
    if (options.writeManifest)
        if (Status s = manifest.finish(); !s.ok())
            return s.error();
    if (cancel && cancel->isCancelled())
        return Error{"export cancelled; nothing was written"};
    // Everything is written and synced; only renames are left. Images first (the output refers to
    // them), then the manifest, then the data: between the last two a reader sees a manifest whose
    // sha256 does not match the data, which verifyExport() reports.
    if (Status s = images.publish(); !s.ok())
        return s.error();
    if (options.writeManifest)
        if (Status s = manifest.publish(); !s.ok())
            return s.error();
    if (Status s = file.publish(); !s.ok())
        return Error{s.error().message + " (the manifest beside it already describes the new export)"};
    report.written = static_cast<int64_t>(ids.size());
    report.imagesCopied = images.copied();
    images.keep();
    return report;
}

Status verifyExport(const std::string &outPath)
{
    const std::string manifestPath = manifestPathFor(outPath);
    std::ifstream in(manifestPath, std::ios::binary);
    if (!in)
        return Error{"no manifest " + manifestPath};
    std::stringstream text;
    text << in.rdbuf();
    const ordered_json m = ordered_json::parse(text.str(), nullptr, false);
    if (m.is_discarded() || !m.is_object() || !m.contains("output") || !m["output"].is_object())
        return Error{manifestPath + ": not an export manifest"};
    const ordered_json &o = m["output"];
    if (!o.contains("sha256"))
        return Status::success(); // written before manifests named their output's bytes
    std::error_code ec;
    const auto size = fs::file_size(outPath, ec);
    if (ec)
        return Error{outPath + ": cannot read it beside its manifest " + manifestPath};
    if (o.contains("bytes") && o["bytes"].is_number_integer() && o["bytes"].get<int64_t>() != static_cast<int64_t>(size))
        return Error{outPath + " is " + std::to_string(size) + " bytes but its manifest describes " +
                     std::to_string(o["bytes"].get<int64_t>()) + ": the pair is torn (an interrupted export?)"};
    if (!o["sha256"].is_string() || o["sha256"].get<std::string>() != fileSha256Hex(outPath))
        return Error{outPath + " does not match the sha256 in " + manifestPath + ": the pair is torn (an interrupted export?)"};
    return Status::success();
}

} // namespace ost
