// Per-reference attribution: its storage in the project (float32 blobs) and the summaries. The
// on-demand computation is in core/jobs/AttributionOnDemand.cpp.
#include "core/ost/Attribution.h"

#include "core/data/SampleGroups.h"
#include "core/ost/RunSettings.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace ost {

namespace {

std::string runPrefix(int64_t runId) { return "run/" + std::to_string(runId) + "/attribution/"; }
std::string samplePrefix(int64_t runId) { return runPrefix(runId) + "sample/"; }

// Little-endian IEEE float32, whatever the host's byte order, so a project file moves between machines.
std::string encodeDeltas(const std::vector<double> &deltas)
{
    std::string out(deltas.size() * 4, '\0');
    for (size_t i = 0; i < deltas.size(); ++i) {
        const float f = static_cast<float>(deltas[i]);
        uint32_t bits = 0;
        std::memcpy(&bits, &f, 4);
        for (int b = 0; b < 4; ++b)
            out[i * 4 + b] = static_cast<char>((bits >> (8 * b)) & 0xff);
    }
    return out;
}

std::vector<double> decodeDeltas(const std::string &bytes)
{
    std::vector<double> out(bytes.size() / 4);
    for (size_t i = 0; i < out.size(); ++i) {
        uint32_t bits = 0;
        for (int b = 0; b < 4; ++b)
            bits |= static_cast<uint32_t>(static_cast<unsigned char>(bytes[i * 4 + b])) << (8 * b);
        float f = 0;
        std::memcpy(&f, &bits, 4);
        out[i] = f;
    }
    return out;
}

// nullopt: the run stored no attribution at all.
Result<std::optional<std::vector<std::string>>> storedReferenceIds(const ProjectStore &store, int64_t runId)
{
    const auto text = store.blob(attributionReferencesBlobKey(runId));
    if (!text)
        return std::optional<std::vector<std::string>>{};
    const auto j = nlohmann::json::parse(*text, nullptr, false);
    std::vector<std::string> ids;
    if (j.is_array())
        for (const auto &v : j)
            if (v.is_string())
                ids.push_back(v.get<std::string>());
    if (!j.is_array() || ids.size() != j.size() || ids.empty())
        return Error{store.path() + ": run " + std::to_string(runId) + ": the stored reference ids (blob '" +
                     attributionReferencesBlobKey(runId) + "') are damaged"};
    return std::optional<std::vector<std::string>>{std::move(ids)};
}

Result<std::vector<double>> checkedDeltas(const ProjectStore &store, int64_t runId, const std::string &sampleId,
                                          const std::string &bytes, size_t references)
{
    if (bytes.size() != references * 4)
        return Error{store.path() + ": run " + std::to_string(runId) + ", sample '" + sampleId + "': " +
                     std::to_string(bytes.size()) + " bytes of attribution stored for " + std::to_string(references) +
                     " reference samples (expected " + std::to_string(references * 4) + ")"};
    return decodeDeltas(bytes);
}

std::optional<double> runUtilityOf(const ProjectStore &store, int64_t runId, const std::string &sampleId)
{
    const auto info = store.run(runId);
    if (!info)
        return std::nullopt;
    auto settings = RunSettings::fromJson(info->settingsJson);
    const auto scores = store.scoreMap(runId, settings.ok() ? settings->utilityMethod() : "ost");
    const auto it = scores.find(sampleId);
    return it == scores.end() ? std::nullopt : std::optional<double>(it->second);
}

std::string formatChange(double delta)
{
    // The change of the reference's loss, −ΔL_v, in two significant digits ("+0.21", "-0.0034").
    char buf[32];
    std::snprintf(buf, sizeof buf, "%+.2g", -delta == 0 ? 0.0 : -delta);
    return buf;
}

} // namespace

std::string attributionReferencesBlobKey(int64_t runId) { return runPrefix(runId) + "references"; }

std::string attributionSampleBlobKey(int64_t runId, const std::string &sampleId)
{
    return samplePrefix(runId) + sampleId;
}

Status storeAttributions(ProjectStore &store, int64_t runId, const std::vector<std::string> &referenceIds,
                         const std::map<std::string, std::vector<double>> &samples)
{
    if (samples.empty())
        return Status::success();
    std::vector<std::pair<std::string, std::string>> blobs;
    blobs.reserve(samples.size() + 1);
    // V's ids with every batch (a few hundred bytes): the blobs of a batch never lack their key.
    blobs.emplace_back(attributionReferencesBlobKey(runId), nlohmann::json(referenceIds).dump());
    for (const auto &[id, deltas] : samples) {
        if (deltas.size() != referenceIds.size())
            return Error{"sample '" + id + "': " + std::to_string(deltas.size()) + " reference deltas for " +
                         std::to_string(referenceIds.size()) + " reference samples"};
        blobs.emplace_back(attributionSampleBlobKey(runId, id), encodeDeltas(deltas));
    }
    return store.putBlobs(blobs);
}

Result<std::optional<RunAttributions>> loadRunAttributions(const ProjectStore &store, int64_t runId)
{
    auto ids = storedReferenceIds(store, runId);
    if (!ids.ok())
        return ids.error();
    if (!ids.value())
        return std::optional<RunAttributions>{};
    RunAttributions out;
    out.referenceIds = std::move(**ids);
    const std::string prefix = samplePrefix(runId);
    for (const auto &[key, bytes] : store.blobsWithPrefix(prefix)) {
        const std::string id = key.substr(prefix.size());
        auto deltas = checkedDeltas(store, runId, id, bytes, out.referenceIds.size());
        if (!deltas.ok())
            return deltas.error();
        out.deltas.emplace(id, deltas.takeValue());
    }
    if (Status h = store.health(); !h.ok())
        return h.error();
    return std::optional<RunAttributions>{std::move(out)};
}

Result<std::optional<Attribution>> loadStoredAttribution(const ProjectStore &store, int64_t runId,
                                                         const std::string &sampleId)
{
    auto ids = storedReferenceIds(store, runId);
    if (!ids.ok())
        return ids.error();
    const auto bytes = ids.value() ? store.blob(attributionSampleBlobKey(runId, sampleId)) : std::nullopt;
    if (!bytes)
        return std::optional<Attribution>{};
    Attribution a;
    a.sampleId = sampleId;
    a.runId = runId;
    a.referenceIds = std::move(**ids);
    auto deltas = checkedDeltas(store, runId, sampleId, *bytes, a.referenceIds.size());
    if (!deltas.ok())
        return deltas.error();
    a.deltas = deltas.takeValue();
    a.runUtility = runUtilityOf(store, runId, sampleId);
    double sum = 0;
    for (double d : a.deltas)
        sum += d;
    // The run's own double when it has one (the float32 deltas sum to it within their rounding).
    a.utility = a.runUtility.value_or(sum / static_cast<double>(a.deltas.size()));
    a.source = Attribution::Source::StoredExactRun;
    return std::optional<Attribution>{std::move(a)};
}

Result<std::map<std::string, std::string>> referenceGroups(const std::vector<Sample> &references,
                                                           const std::string &spec)
{
    auto groups = SampleGroups::parse(spec);
    if (!groups.ok())
        return groups.error();
    std::map<std::string, std::string> out;
    bool any = false;
    for (const Sample &s : references) {
        out[s.id] = groups->of(s.id, s.rawJson);
        any = any || !out[s.id].empty();
    }
    if (!any && !references.empty())
        return Error{"no reference sample has a value for " + groups->label() +
                     " (group by a top-level field of the reference records, id-prefix or id-suffix)"};
    return out;
}

AttributionSummary summarizeAttribution(const Attribution &attribution, int topK,
                                        const std::map<std::string, std::string> &groups, const std::string &groupSpec)
{
    AttributionSummary s;
    s.sampleId = attribution.sampleId;
    s.utility = attribution.utility;
    s.groupSpec = groups.empty() ? std::string() : groupSpec;
    std::vector<ReferenceDelta> all;
    std::map<std::string, GroupDelta> byGroup;
    for (size_t v = 0; v < attribution.deltas.size() && v < attribution.referenceIds.size(); ++v) {
        ReferenceDelta r{attribution.referenceIds[v], attribution.deltas[v], {}};
        if (const auto it = groups.find(r.referenceId); it != groups.end())
            r.group = it->second;
        ++s.references;
        s.lowered += r.delta > 0;
        s.raised += r.delta < 0;
        if (!groups.empty()) {
            GroupDelta &g = byGroup[r.group];
            g.group = r.group;
            ++g.references;
            g.lowered += r.delta > 0;
            g.raised += r.delta < 0;
            g.sum += r.delta;
        }
        all.push_back(std::move(r));
    }
    std::stable_sort(all.begin(), all.end(), [](const auto &a, const auto &b) { return a.delta < b.delta; });
    const size_t k = static_cast<size_t>(std::max(0, topK));
    for (const auto &r : all)
        if (r.delta < 0 && s.hurtMost.size() < k)
            s.hurtMost.push_back(r);
    for (auto it = all.rbegin(); it != all.rend(); ++it)
        if (it->delta > 0 && s.helpedMost.size() < k)
            s.helpedMost.push_back(*it);
    for (auto &[name, g] : byGroup) {
        g.mean = g.sum / static_cast<double>(g.references);
        s.groups.push_back(g);
    }
    std::stable_sort(s.groups.begin(), s.groups.end(), [](const auto &a, const auto &b) { return a.sum < b.sum; });
    return s;
}

std::string describeAttribution(const AttributionSummary &s)
{
    std::string out = "lowers the loss on " + std::to_string(s.lowered) + " of " + std::to_string(s.references) +
                      " reference problems";
    auto list = [](const std::vector<ReferenceDelta> &refs) {
        std::string text;
        for (const auto &r : refs)
            text += (text.empty() ? "" : ", ") + r.referenceId + " (" + (r.group.empty() ? "" : r.group + ", ") +
                    formatChange(r.delta) + ")";
        return text;
    };
    out += s.hurtMost.empty() ? "; raises none" : "; hurts most: " + list(s.hurtMost);
    if (!s.helpedMost.empty())
        out += "; helps most: " + list(s.helpedMost);
    return out;
}

ReferenceSetSummary summarizeReferenceSet(int64_t runId, const RunAttributions &attributions,
                                          const std::map<std::string, std::string> &groups)
{
    ReferenceSetSummary out;
    out.runId = runId;
    out.samples = static_cast<int64_t>(attributions.deltas.size());
    for (const auto &id : attributions.referenceIds) {
        ReferenceBalance b;
        b.referenceId = id;
        if (const auto it = groups.find(id); it != groups.end())
            b.group = it->second;
        out.references.push_back(std::move(b));
    }
    for (const auto &[sample, deltas] : attributions.deltas)
        for (size_t v = 0; v < deltas.size() && v < out.references.size(); ++v) {
            out.references[v].helped += deltas[v] > 0;
            out.references[v].hurt += deltas[v] < 0;
            out.references[v].meanDelta += deltas[v];
        }
    for (auto &b : out.references)
        if (out.samples > 0)
            b.meanDelta /= static_cast<double>(out.samples);
    return out;
}

std::optional<double> groupDelta(const std::vector<double> &deltas, const std::vector<std::string> &referenceIds,
                                 const std::map<std::string, std::string> &groups, const std::string &value)
{
    std::optional<double> sum;
    for (size_t v = 0; v < deltas.size() && v < referenceIds.size(); ++v) {
        const auto it = groups.find(referenceIds[v]);
        if (it != groups.end() && it->second == value)
            sum = sum.value_or(0.0) + deltas[v];
    }
    return sum;
}

} // namespace ost
