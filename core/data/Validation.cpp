// validateSample / validateDataset: everything that can make a record useless for training.
#include "core/data/Dataset.h"
#include "core/common/MessageText.h"

#include "core/data/internal/ImageCheck.h"
#include "core/data/internal/RecordParser.h"
#include "core/data/internal/Utf8.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <thread>
#include <unordered_map>

namespace ost {
namespace {

using Severity = ValidationIssue::Severity;

bool isBlank(const std::string &s)
{
    return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

ValidationIssue makeIssue(const Sample &s, Severity severity, std::string message)
{
    ValidationIssue v;
    v.severity = severity;
    v.sampleId = s.id;
    v.index = s.index;
    v.line = s.line;
    v.message = std::move(message);
    return v;
}

// Checks that need no image decoding. Missing images are reported here (the path did not resolve).
void checkStructure(const Sample &s, std::vector<ValidationIssue> &out)
{
    if (const size_t bad = detail::firstInvalidUtf8(s.rawJson); bad != std::string::npos)
        out.push_back(makeIssue(s, Severity::Error,
                                "text is not valid UTF-8 (first bad byte at offset " + std::to_string(bad) +
                                    " of the record)"));
    if (s.turns.empty()) {
        out.push_back(makeIssue(s, Severity::Error, "no conversation turns"));
        return;
    }
    bool hasUser = false, hasAssistant = false;
    int placeholders = 0;
    for (const Turn &t : s.turns) {
        hasUser = hasUser || t.role == "user";
        hasAssistant = hasAssistant || t.role == "assistant";
        // Images belong to the prompt side. A "<image>" inside an answer is text the writer produced
        // (it happens in real model-written data); trainers that count every placeholder would choke
        // on it, so it is a warning of its own instead of breaking the image count.
        const int here = detail::countImagePlaceholders(t.content);
        if (t.role == "assistant" && here > 0)
            out.push_back(makeIssue(s, Severity::Warning,
                                    "assistant turn contains " + std::to_string(here) +
                                        " literal <image> placeholder(s); trainers may read them as image slots"));
        else
            placeholders += here;
        if (t.role != "user" && t.role != "assistant" && t.role != "system")
            out.push_back(makeIssue(s, Severity::Warning, "unknown role " + quotedValue(t.role)));
    }
    if (!hasUser)
        out.push_back(makeIssue(s, Severity::Error, "no user turn (no question)"));
    if (!hasAssistant)
        out.push_back(makeIssue(s, Severity::Error, "no assistant turn (no answer)"));
    else if (isBlank(s.answer()))
        out.push_back(makeIssue(s, Severity::Error, "the answer (last assistant turn) is empty"));
    else if (s.turns.back().role != "assistant")
        out.push_back(makeIssue(s, Severity::Warning, "the conversation does not end with an assistant turn"));
    if (placeholders != static_cast<int>(s.images.size()))
        out.push_back(makeIssue(s, Severity::Error,
                                std::to_string(placeholders) + " <image> placeholder(s) but " +
                                    std::to_string(s.images.size()) + " image(s)"));
    for (size_t i = 0; i < s.images.size(); ++i) {
        if (s.images[i].empty())
            out.push_back(makeIssue(s, Severity::Error, "image " + std::to_string(i + 1) + " has an empty path"));
        else if (i >= s.resolvedImages.size() || s.resolvedImages[i].empty())
            out.push_back(makeIssue(s, Severity::Error,
                                    "image " + quotedValue(s.images[i]) +
                                        " not found (tried the dataset's folder, the image root, then as an "
                                        "absolute path)"));
    }
}

} // namespace

std::vector<ValidationIssue> validateSample(const Sample &sample, const DatasetOptions &options)
{
    std::vector<ValidationIssue> out;
    checkStructure(sample, out);
    for (const std::string &path : sample.resolvedImages)
        if (!path.empty())
            if (std::string problem = detail::checkImageFile(path, options); !problem.empty())
                out.push_back(makeIssue(sample, Severity::Error, std::move(problem)));
    return out;
}

std::vector<ValidationIssue> validateDataset(const Dataset &dataset, const DatasetOptions &options,
                                             const ProgressCallback &progress, const CancelToken *cancel)
{
    std::vector<ValidationIssue> out = dataset.indexIssues();
    const int64_t n = dataset.size();
    // Phase 1: parse every record (cheap); remember which samples use which image file.
    struct ImageUse {
        int64_t index, line;
        std::string id;
    };
    std::unordered_map<std::string, std::vector<ImageUse>> uses;
    std::vector<std::vector<ValidationIssue>> perSample(static_cast<size_t>(n));
    ProgressMeter meter(n);
    for (int64_t i = 0; i < n; ++i) {
        if (cancel && cancel->isCancelled())
            break;
        Result<Sample> r = dataset.sample(i);
        if (!r.ok()) {
            ValidationIssue v;
            v.sampleId = dataset.id(i);
            v.index = i;
            v.line = dataset.line(i);
            v.message = r.error().message;
            perSample[static_cast<size_t>(i)].push_back(std::move(v));
            continue;
        }
        const Sample &s = r.value();
        checkStructure(s, perSample[static_cast<size_t>(i)]);
        for (const std::string &path : s.resolvedImages)
            if (!path.empty())
                uses[path].push_back({i, s.line, s.id});
        if (progress && (i % 4096 == 0))
            progress(meter.update(i, "checking records"));
    }
    // Phase 2: each distinct image once, on all cores (decoding dominates for real datasets).
    std::vector<const std::string *> paths;
    paths.reserve(uses.size());
    for (const auto &kv : uses)
        paths.push_back(&kv.first);
    std::sort(paths.begin(), paths.end(), [](const auto *a, const auto *b) { return *a < *b; });
    std::vector<std::string> problems(paths.size());
    std::atomic<size_t> next{0}, done{0};
    auto worker = [&] {
        for (size_t k; (k = next.fetch_add(1)) < paths.size();) {
            if (cancel && cancel->isCancelled())
                return;
            problems[k] = detail::checkImageFile(*paths[k], options);
            done.fetch_add(1);
        }
    };
    const unsigned threads = std::max(1u, std::min(8u, std::thread::hardware_concurrency()));
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t)
        pool.emplace_back(worker);
    ProgressMeter imageMeter(static_cast<int64_t>(paths.size()));
    if (progress) {
        // The calling thread reports while helping; progress callbacks stay on the caller's thread.
        for (size_t k; (k = next.fetch_add(1)) < paths.size();) {
            if (cancel && cancel->isCancelled())
                break;
            problems[k] = detail::checkImageFile(*paths[k], options);
            done.fetch_add(1);
            if (k % 64 == 0)
                progress(imageMeter.update(static_cast<int64_t>(done.load()), "checking images"));
        }
    } else {
        worker();
    }
    for (auto &t : pool)
        t.join();
    for (size_t k = 0; k < paths.size(); ++k) {
        if (problems[k].empty())
            continue;
        for (const ImageUse &u : uses[*paths[k]]) {
            ValidationIssue v;
            v.sampleId = u.id;
            v.index = u.index;
            v.line = u.line;
            v.message = problems[k];
            perSample[static_cast<size_t>(u.index)].push_back(std::move(v));
        }
    }
    for (auto &issues : perSample)
        for (auto &v : issues)
            out.push_back(std::move(v));
    // File order, so a malformed line sits between its neighbours' problems.
    std::stable_sort(out.begin(), out.end(),
                     [](const ValidationIssue &a, const ValidationIssue &b) { return a.line < b.line; });
    return out;
}

} // namespace ost
