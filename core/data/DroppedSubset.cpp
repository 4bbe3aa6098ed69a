#include "core/data/DroppedSubset.h"
#include "core/common/MessageText.h"

#include "core/data/AtomicFile.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace ost {

using ordered_json = nlohmann::ordered_json;

std::string droppedPathFor(const std::string &outPath)
{
    const size_t slash = outPath.find_last_of('/');
    const size_t dot = outPath.find_last_of('.');
    const std::string stem = dot != std::string::npos && (slash == std::string::npos || dot > slash)
                                 ? outPath.substr(0, dot)
                                 : outPath;
    return stem + ".dropped.jsonl";
}

Status checkDroppedPath(const Dataset &dataset, const std::string &path)
{
    std::error_code ec;
    if (std::filesystem::equivalent(path, dataset.path(), ec))
        return Error{"the dropped subset " + path + " would replace the dataset it lists; choose another output name"};
    return Status::success();
}

Result<DroppedReport> writeDroppedSubset(const Dataset &dataset, const std::vector<int64_t> &kept,
                                         const DroppedInputs &inputs, const std::string &path)
{
    std::vector<bool> isKept(static_cast<size_t>(dataset.size()), false);
    for (int64_t i : kept)
        if (i >= 0 && i < dataset.size())
            isKept[static_cast<size_t>(i)] = true;

    // Rank among the scored samples, for "not-selected": where it stood against the cut.
    std::vector<std::pair<double, int64_t>> ranked;
    for (int64_t i = 0; i < dataset.size(); ++i)
        if (auto it = inputs.utilities.find(dataset.id(i)); it != inputs.utilities.end() && !std::isnan(it->second))
            ranked.emplace_back(it->second, i);
    std::stable_sort(ranked.begin(), ranked.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
    std::map<int64_t, int64_t> rankOf;
    for (size_t r = 0; r < ranked.size(); ++r)
        rankOf[ranked[r].second] = static_cast<int64_t>(r) + 1;

    if (Status st = checkDroppedPath(dataset, path); !st.ok())
        return st.error();
    AtomicFile out;
    if (Status st = out.open(path); !st.ok())
        return st.error();
    DroppedReport report;
    report.path = path;
    for (int64_t i = 0; i < dataset.size(); ++i) {
        if (isKept[static_cast<size_t>(i)])
            continue;
        const std::string &id = dataset.id(i);
        ordered_json reasons = ordered_json::array();
        if (auto d = inputs.droppedByHand.find(id); d != inputs.droppedByHand.end())
            reasons.push_back({{"reason", "dropped"}, {"note", d->second}});
        const auto u = inputs.utilities.find(id);
        const bool scored = u != inputs.utilities.end() && !std::isnan(u->second);
        if (scored && u->second < inputs.harmfulThreshold)
            reasons.push_back({{"reason", "harmful"}, {"utility", u->second}, {"threshold", inputs.harmfulThreshold}});
        if (auto p = inputs.problems.find(i); p != inputs.problems.end() && !p->second.empty())
            reasons.push_back({{"reason", "validation"}, {"problems", p->second}});
        if (reasons.empty()) {
            if (scored)
                reasons.push_back({{"reason", "not-selected"}, {"utility", u->second}, {"rank", rankOf[i]},
                                   {"of", static_cast<int64_t>(ranked.size())}});
            else if (inputs.haveScores)
                reasons.push_back({{"reason", "unscored"}});
            else
                reasons.push_back({{"reason", "not-selected"}});
        }
        ordered_json line{{"id", id}, {"line", dataset.line(i)}, {"reasons", reasons}};
        const std::string raw = dataset.rawRecord(i);
        try {
            line["record"] = ordered_json::parse(raw);
        } catch (const std::exception &) {
            line["record_text"] = raw; // kept as text when it does not parse (invalid UTF-8, ...)
        }
        std::string text;
        try {
            text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        } catch (const std::exception &e) {
            return Error{"sample " + quotedValue(id) + ": cannot write its dropped-subset line: " + e.what()};
        }
        text += '\n';
        if (Status st = out.write(text); !st.ok())
            return st.error();
        ++report.samples;
    }
    for (const ValidationIssue &issue : dataset.indexIssues()) {
        if (issue.index >= 0)
            continue;
        ordered_json line{{"id", nullptr},
                          {"line", issue.line},
                          {"reasons", ordered_json::array({{{"reason", "unreadable"}, {"error", issue.message}}})}};
        if (Status st = out.write(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
            !st.ok())
            return st.error();
        ++report.unreadable;
    }
    if (Status st = out.commit(); !st.ok())
        return st.error();
    return report;
}

} // namespace ost
