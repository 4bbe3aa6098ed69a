#include "core/check/CheckResults.h"

#include "core/common/Time.h"
#include "core/store/ProjectStore.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

namespace ost {

namespace {

using Json = nlohmann::ordered_json;

const std::string &idOf(const CheckReport &r, int64_t index)
{
    return r.ids[static_cast<size_t>(index)];
}

std::vector<ImageIssue> allIssues()
{
    std::vector<ImageIssue> out;
    for (int i = 0; i < kImageIssueCount; ++i)
        out.push_back(static_cast<ImageIssue>(i));
    return out;
}

Json measuresJson(const CheckedImage &im)
{
    Json j;
    j["path"] = im.path;
    if (!im.error.empty()) {
        j["error"] = im.error;
        return j;
    }
    const ImageMeasures &m = im.measures;
    j["width"] = m.width;
    j["height"] = m.height;
    j["blur"] = m.blur;
    j["brightness"] = m.brightness;
    j["entropy"] = m.entropy;
    j["aspect"] = m.aspect;
    j["pixels"] = m.pixels;
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(m.perceptualHash));
    j["phash"] = hex;
    j["issues"] = Json::array();
    for (ImageIssue i : im.issues)
        j["issues"].push_back(imageIssueName(i));
    j["samples"] = im.samples.size();
    return j;
}

} // namespace

std::vector<std::pair<std::string, std::string>> checkTags(const CheckReport &r)
{
    std::set<std::pair<std::string, std::string>> tags;
    auto tag = [&](int64_t index, const std::string &what) {
        if (index >= 0 && !idOf(r, index).empty())
            tags.emplace(idOf(r, index), kCheckTagPrefix + what);
    };
    for (const auto &g : r.groups) {
        for (size_t k = 1; k < g.members.size(); ++k) {
            switch (g.kind) {
            case DuplicateKind::ExactSample: tag(g.members[k], "exact-duplicate"); break;
            case DuplicateKind::NearAnswer: tag(g.members[k], "near-duplicate"); break;
            case DuplicateKind::ExactImage:
            case DuplicateKind::NearImage:
                for (int64_t s : r.images[static_cast<size_t>(g.members[k])].samples)
                    tag(s, "duplicate-image");
                break;
            }
        }
    }
    for (const auto &im : r.images)
        for (ImageIssue i : im.issues)
            for (int64_t s : im.samples)
                tag(s, imageIssueName(i));
    for (const auto &L : r.overCutoff) {
        tag(L.index, "over-cutoff");
        if (L.cutsImage(r.options.cutoffLen))
            tag(L.index, "cuts-image-tokens");
    }
    for (const auto &p : r.problems)
        if (!p.id.empty())
            tags.emplace(p.id, std::string(kCheckTagPrefix) + "unreadable");
    return {tags.begin(), tags.end()};
}

std::string checkReportJson(const CheckReport &r, bool full, int examples)
{
    Json j;
    j["dataset"] = r.datasetPath;
    j["samples"] = r.samples;
    j["images"] = r.images.size();
    Json settings;
    settings["near_threshold"] = r.options.nearTextThreshold;
    settings["shingle_words"] = r.options.shingleWords;
    settings["permutations"] = r.options.permutations;
    settings["lsh_bands"] = r.options.lshBands;
    settings["lsh_rows"] = r.options.lshRows;
    settings["near_image_distance"] = r.options.nearImageDistance;
    settings["near_image_correlation"] = r.options.nearImageCorrelation;
    settings["cutoff_len"] = r.options.cutoffLen;
    settings["tokenizer"] = r.tokenizerName;
    settings["max_pixels"] = r.options.maxPixelsCap > 0 ? std::min(r.options.maxPixelsCap, r.options.imageProcessor.maxPixels)
                                                        : r.options.imageProcessor.maxPixels;
    for (ImageIssue i : allIssues())
        settings["rules"][imageIssueName(i)] = imageIssueRule(i, r.options.image);
    j["settings"] = settings;

    Json dup;
    for (DuplicateKind k : {DuplicateKind::ExactSample, DuplicateKind::NearAnswer, DuplicateKind::ExactImage,
                            DuplicateKind::NearImage}) {
        Json kj;
        kj["groups"] = r.groupCount(k);
        kj["redundant"] = r.redundantCount(k);
        dup[duplicateKindName(k)] = kj;
    }
    j["duplicates"] = dup;
    Json groups = Json::array();
    for (const auto &g : r.groups) {
        Json gj;
        gj["kind"] = duplicateKindName(g.kind);
        const bool images = g.kind == DuplicateKind::ExactImage || g.kind == DuplicateKind::NearImage;
        gj["members"] = Json::array();
        for (int64_t m : g.members)
            gj["members"].push_back(images ? r.images[static_cast<size_t>(m)].path : idOf(r, m));
        if (g.kind == DuplicateKind::NearAnswer) {
            gj["jaccard_max"] = g.closest;
            gj["jaccard_min"] = g.farthest;
        } else if (g.kind == DuplicateKind::NearImage) {
            gj["distance_min"] = g.closest;
            gj["distance_max"] = g.farthest;
        }
        if (images) {
            int64_t uses = 0;
            for (int64_t m : g.members)
                uses += static_cast<int64_t>(r.images[static_cast<size_t>(m)].samples.size());
            gj["samples"] = uses;
        }
        groups.push_back(gj);
    }
    j["groups"] = groups;

    Json checks;
    for (ImageIssue issue : allIssues()) {
        std::vector<const CheckedImage *> flagged;
        for (const auto &im : r.images)
            if (std::find(im.issues.begin(), im.issues.end(), issue) != im.issues.end())
                flagged.push_back(&im);
        const bool lowWorse = imageIssueLowIsWorse(issue);
        std::stable_sort(flagged.begin(), flagged.end(), [&](const CheckedImage *a, const CheckedImage *b) {
            const double va = imageIssueValue(issue, a->measures), vb = imageIssueValue(issue, b->measures);
            return lowWorse ? va < vb : va > vb;
        });
        Json cj;
        cj["rule"] = imageIssueRule(issue, r.options.image);
        cj["images"] = flagged.size();
        int64_t samples = 0;
        for (const auto *im : flagged)
            samples += static_cast<int64_t>(im->samples.size());
        cj["samples"] = samples;
        cj["worst"] = Json::array();
        for (size_t k = 0; k < flagged.size() && (full || k < static_cast<size_t>(examples)); ++k)
            cj["worst"].push_back({{"path", flagged[k]->path}, {"value", imageIssueValue(issue, flagged[k]->measures)},
                                   {"samples", flagged[k]->samples.size()}});
        checks[imageIssueName(issue)] = cj;
    }
    j["image_checks"] = checks;

    Json length;
    length["cutoff_len"] = r.options.cutoffLen;
    length["over_cutoff"] = r.overCutoff.size();
    int64_t cutting = 0;
    for (const auto &L : r.overCutoff)
        cutting += L.cutsImage(r.options.cutoffLen) ? 1 : 0;
    length["cuts_image_tokens"] = cutting;
    std::vector<int64_t> measured;
    for (int64_t t : r.tokens)
        if (t >= 0)
            measured.push_back(t);
    std::sort(measured.begin(), measured.end());
    if (!measured.empty()) {
        length["tokens_median"] = measured[measured.size() / 2];
        length["tokens_p99"] = measured[std::min(measured.size() - 1, measured.size() * 99 / 100)];
        length["tokens_max"] = measured.back();
    }
    std::vector<SampleLength> longest = r.overCutoff;
    std::stable_sort(longest.begin(), longest.end(), [](const SampleLength &a, const SampleLength &b) { return a.tokens > b.tokens; });
    length["samples"] = Json::array();
    for (size_t k = 0; k < longest.size() && (full || k < static_cast<size_t>(examples)); ++k)
        length["samples"].push_back({{"id", idOf(r, longest[k].index)},
                                     {"tokens", longest[k].tokens},
                                     {"image_tokens", longest[k].imageTokens},
                                     {"cuts_image_tokens", longest[k].cutsImage(r.options.cutoffLen)}});
    j["length"] = length;

    j["problems"] = Json::array();
    for (const auto &p : r.problems)
        j["problems"].push_back({{"id", p.id}, {"index", p.index}, {"message", p.message}});
    j["seconds"] = {{"total", r.seconds}, {"read", r.readSeconds}, {"images", r.imageSeconds},
                    {"length", r.lengthSeconds}, {"groups", r.groupSeconds}};
    if (full) {
        j["checked_at"] = isoTimeUtcNow();
        j["image_measures"] = Json::array();
        for (const auto &im : r.images)
            j["image_measures"].push_back(measuresJson(im));
        Json tokens = Json::object();
        for (size_t i = 0; i < r.tokens.size(); ++i)
            if (r.tokens[i] >= 0 && !r.ids[i].empty())
                tokens[r.ids[i]] = r.tokens[i];
        j["tokens"] = tokens;
    }
    return j.dump(full ? -1 : 2, ' ', false, Json::error_handler_t::replace);
}

Status saveCheckResults(ProjectStore &store, const CheckReport &report)
{
    if (Status s = store.replaceTagsWithPrefix(kCheckTagPrefix, checkTags(report)); !s.ok())
        return s;
    return store.putBlob(kCheckReportBlobKey, checkReportJson(report, true));
}

} // namespace ost
