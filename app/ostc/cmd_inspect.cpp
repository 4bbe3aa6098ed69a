// `ostc inspect FILE`: what a dataset file holds and everything wrong with it.
#include "Command.h"

#include "core/data/Dataset.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <unistd.h>

namespace ostc {
namespace {

const char *kUsage = R"(usage: ostc inspect FILE [options]

Reads a dataset (messages+images JSONL/JSON as used by ms-swift and LLaMA-Factory, ShareGPT, LLaVA,
Qwen-VL), detects its format and validates every record: JSON syntax, UTF-8, field types, roles,
empty answers, <image> placeholders against images, and each image file (found, readable, decodable,
sensible size). Nothing is modified.

options:
  --json            one JSON object: format, samples, errors, warnings, images_found,
                    images_missing, stats
  --image-root DIR  also look for relative image paths under DIR
  --no-images       do not decode images (missing files are still reported)

exit status: 0 no errors (warnings allowed), 3 errors found or not a dataset, 1 file unreadable,
2 usage.
)";

struct Summary {
    std::vector<double> values;
    nlohmann::ordered_json json() const
    {
        nlohmann::ordered_json j;
        if (values.empty())
            return j;
        std::vector<double> v = values;
        std::sort(v.begin(), v.end());
        double sum = 0;
        for (double x : v)
            sum += x;
        auto at = [&](double q) { return v[std::min(v.size() - 1, static_cast<size_t>(q * (v.size() - 1) + 0.5))]; };
        j["min"] = v.front();
        j["mean"] = sum / static_cast<double>(v.size());
        j["median"] = at(0.5);
        j["p95"] = at(0.95);
        j["max"] = v.back();
        return j;
    }
    std::string line() const
    {
        const auto j = json();
        if (j.is_null())
            return "-";
        char buf[160];
        std::snprintf(buf, sizeof buf, "min %g  mean %.1f  median %g  p95 %g  max %g", j["min"].get<double>(),
                      j["mean"].get<double>(), j["median"].get<double>(), j["p95"].get<double>(), j["max"].get<double>());
        return buf;
    }
};

nlohmann::ordered_json issueJson(const ost::ValidationIssue &v)
{
    nlohmann::ordered_json j;
    j["id"] = v.sampleId;
    j["index"] = v.index;
    j["line"] = v.line;
    j["message"] = v.message;
    return j;
}

int run(Args &args)
{
    if (args.positional().size() != 1)
        return fail("inspect", "give exactly one dataset file (see ostc inspect --help)", Usage);
    const std::string path = args.positional().front();
    const bool asJson = args.has("--json");
    ost::DatasetOptions options;
    options.imageRoot = args.value("--image-root", "");
    options.checkImages = !args.has("--no-images");
    // With --json a script reads standard output only: a file that is no dataset is JSON there too.
    const auto failWith = [&](const std::string &message, int code) {
        if (asJson) {
            nlohmann::ordered_json j;
            j["file"] = path;
            j["error"] = message;
            std::cout << j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
        }
        return fail("inspect", message, code);
    };
    if (::access(path.c_str(), R_OK) != 0)
        return failWith("cannot read " + path, Failure);

    const auto start = std::chrono::steady_clock::now();
    auto opened = ost::Dataset::open(path, options);
    if (!opened.ok())
        return failWith(opened.error().message, BadInput);
    const ost::Dataset &ds = *opened.value();
    const auto issues = ost::validateDataset(ds, options);

    Summary turns, questionChars, answerChars, imagesPerSample;
    int64_t imagesFound = 0, imagesMissing = 0;
    for (int64_t i = 0; i < ds.size(); ++i) {
        auto s = ds.sample(i);
        if (!s.ok())
            continue; // already an error in `issues`
        turns.values.push_back(static_cast<double>(s->turns.size()));
        questionChars.values.push_back(static_cast<double>(s->question().size()));
        answerChars.values.push_back(static_cast<double>(s->answer().size()));
        imagesPerSample.values.push_back(static_cast<double>(s->images.size()));
        for (const auto &r : s->resolvedImages)
            (r.empty() ? imagesMissing : imagesFound) += 1;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::vector<const ost::ValidationIssue *> errors, warnings;
    for (const auto &v : issues)
        (v.severity == ost::ValidationIssue::Severity::Error ? errors : warnings).push_back(&v);

    if (asJson) {
        nlohmann::ordered_json j;
        j["file"] = path;
        j["format"] = ost::formatName(ds.format());
        j["samples"] = ds.size();
        j["error_count"] = errors.size();
        j["warning_count"] = warnings.size();
        j["errors"] = nlohmann::ordered_json::array();
        for (const auto *v : errors)
            j["errors"].push_back(issueJson(*v));
        j["warnings"] = nlohmann::ordered_json::array();
        for (const auto *v : warnings)
            j["warnings"].push_back(issueJson(*v));
        j["images_found"] = imagesFound;
        j["images_missing"] = imagesMissing;
        j["images_decoded"] = options.checkImages;
        j["stats"] = {{"turns", turns.json()},
                      {"question_bytes", questionChars.json()},
                      {"answer_bytes", answerChars.json()},
                      {"images_per_sample", imagesPerSample.json()}};
        j["seconds"] = seconds;
        std::cout << j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
    } else {
        std::printf("file        %s\nformat      %s\nsamples     %lld\n", path.c_str(), ost::formatName(ds.format()).c_str(),
                    static_cast<long long>(ds.size()));
        std::printf("images      %lld found, %lld missing%s\n", static_cast<long long>(imagesFound),
                    static_cast<long long>(imagesMissing), options.checkImages ? " (decoded)" : " (not decoded)");
        std::printf("turns       %s\nquestion    %s (bytes)\nanswer      %s (bytes)\nimages/each %s\n",
                    turns.line().c_str(), questionChars.line().c_str(), answerChars.line().c_str(),
                    imagesPerSample.line().c_str());
        std::printf("problems    %zu errors, %zu warnings  (%.2f s)\n", errors.size(), warnings.size(), seconds);
        for (const auto *list : {&errors, &warnings})
            for (const auto *v : *list)
                std::printf("  %-7s line %-7lld %-28s %s\n", list == &errors ? "error" : "warning",
                            static_cast<long long>(v->line), v->sampleId.empty() ? "-" : v->sampleId.c_str(),
                            v->message.c_str());
    }
    return errors.empty() ? Ok : BadInput;
}

const CommandRegistration reg({"inspect", "detect a dataset's format and report every problem in it", kUsage, run,
                               {"--json", "--no-images"}, {"--image-root"}});

} // namespace
} // namespace ostc
