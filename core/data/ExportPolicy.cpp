#include "core/data/ExportPolicy.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace ost {

std::string ExportPolicy::describe() const
{
    std::string base;
    switch (mode) {
    case Mode::All:
        base = "all samples";
        break;
    case Mode::Ids:
        base = std::to_string(ids.size()) + " listed ids";
        break;
    case Mode::TopK:
        base = "top " + std::to_string(topK) + " by utility";
        break;
    case Mode::TopPercent:
        base = "top " + nlohmann::json(topPercent).dump() + "% by utility";
        break;
    case Mode::MinUtility:
        base = "utility >= " + nlohmann::json(minUtility).dump();
        break;
    }
    if (withinGroups && (mode == Mode::TopK || mode == Mode::TopPercent))
        base += " within each " + withinGroups->label();
    return applyDecisions ? base + ", minus dropped, plus kept" : base;
}

std::string ExportPolicy::toJson() const
{
    static const char *names[] = {"all", "ids", "top-k", "top-percent", "min-utility"};
    nlohmann::ordered_json j;
    j["mode"] = names[static_cast<int>(mode)];
    if (mode == Mode::TopK)
        j["top_k"] = topK;
    if (mode == Mode::TopPercent)
        j["top_percent"] = topPercent;
    if (mode == Mode::MinUtility)
        j["min_utility"] = minUtility;
    if (mode == Mode::Ids)
        j["ids"] = ids;
    if (withinGroups && (mode == Mode::TopK || mode == Mode::TopPercent))
        j["within_groups"] = withinGroups->spec();
    j["apply_decisions"] = applyDecisions;
    j["description"] = describe();
    return j.dump();
}

namespace {

// How many of `ranked` candidates a top-k / top-% policy takes (every one for min-utility, which
// filters by value instead). Top-% rounds up so a small group still keeps its best sample.
size_t takeCount(const ExportPolicy &policy, size_t ranked)
{
    using Mode = ExportPolicy::Mode;
    if (policy.mode == Mode::TopK)
        return static_cast<size_t>(std::clamp<int64_t>(policy.topK, 0, static_cast<int64_t>(ranked)));
    if (policy.mode == Mode::TopPercent)
        return static_cast<size_t>(std::min<double>(
            ranked, std::ceil(std::clamp(policy.topPercent, 0.0, 100.0) / 100.0 * ranked - 1e-9)));
    return ranked;
}

} // namespace

ExportSelection selectForExport(const Dataset &dataset, const ExportPolicy &policy,
                                const std::map<std::string, double> &utilities,
                                const std::map<std::string, KeepDecision> &decisions)
{
    using Mode = ExportPolicy::Mode;
    ExportSelection out;
    const int64_t n = dataset.size();
    std::vector<KeepDecision> decision(static_cast<size_t>(n), KeepDecision::Auto);
    if (policy.applyDecisions) {
        for (const auto &[id, d] : decisions) {
            const int64_t i = dataset.indexOf(id);
            if (i < 0)
                out.unknownIds.push_back(id);
            else
                decision[static_cast<size_t>(i)] = d;
        }
    }
    std::vector<char> chosen(static_cast<size_t>(n), 0);
    auto dropped = [&](int64_t i) { return decision[static_cast<size_t>(i)] == KeepDecision::Drop; };

    if (policy.mode == Mode::All) {
        std::fill(chosen.begin(), chosen.end(), 1);
    } else if (policy.mode == Mode::Ids) {
        for (const std::string &id : policy.ids) {
            const int64_t i = dataset.indexOf(id);
            if (i < 0)
                out.unknownIds.push_back(id);
            else
                chosen[static_cast<size_t>(i)] = 1;
        }
    } else {
        // Scored, not-dropped candidates, best first; ties keep file order so exports are stable.
        std::vector<std::pair<double, int64_t>> ranked;
        for (int64_t i = 0; i < n; ++i) {
            auto it = utilities.find(dataset.id(i));
            if (it == utilities.end() || std::isnan(it->second)) {
                ++out.unscored;
                continue;
            }
            if (!dropped(i))
                ranked.emplace_back(it->second, i);
        }
        std::stable_sort(ranked.begin(), ranked.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
        // One ranking per group (a single one without groups), each still best first.
        std::map<std::string, std::vector<std::pair<double, int64_t>>> byGroup;
        const bool grouped = policy.withinGroups && policy.mode != Mode::MinUtility;
        for (const auto &candidate : ranked) {
            std::string group;
            if (grouped) {
                group = policy.withinGroups->of(dataset, candidate.second);
                out.ungrouped += group.empty() ? 1 : 0;
            }
            byGroup[group].push_back(candidate);
        }
        out.groups = grouped ? static_cast<int64_t>(byGroup.size()) : 0;
        for (const auto &[group, members] : byGroup) {
            const size_t take = takeCount(policy, members.size());
            for (size_t k = 0; k < take; ++k)
                if (policy.mode != Mode::MinUtility || members[k].first >= policy.minUtility)
                    chosen[static_cast<size_t>(members[k].second)] = 1;
        }
    }
    for (int64_t i = 0; i < n; ++i) {
        const KeepDecision d = decision[static_cast<size_t>(i)];
        if (d == KeepDecision::Drop && chosen[static_cast<size_t>(i)]) {
            chosen[static_cast<size_t>(i)] = 0;
            ++out.dropped;
        } else if (d == KeepDecision::Drop) {
            ++out.dropped;
        } else if (d == KeepDecision::Keep && !chosen[static_cast<size_t>(i)]) {
            chosen[static_cast<size_t>(i)] = 1;
            ++out.forcedKeeps;
        }
        if (chosen[static_cast<size_t>(i)])
            out.indices.push_back(i);
    }
    return out;
}

} // namespace ost
