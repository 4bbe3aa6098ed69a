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
    j["apply_decisions"] = applyDecisions;
    j["description"] = describe();
    return j.dump();
}

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
        size_t take = ranked.size();
        if (policy.mode == Mode::TopK)
            take = static_cast<size_t>(std::clamp<int64_t>(policy.topK, 0, static_cast<int64_t>(ranked.size())));
        else if (policy.mode == Mode::TopPercent)
            take = static_cast<size_t>(std::min<double>(
                ranked.size(), std::ceil(std::clamp(policy.topPercent, 0.0, 100.0) / 100.0 * ranked.size() - 1e-9)));
        for (size_t k = 0; k < take; ++k)
            if (policy.mode != Mode::MinUtility || ranked[k].first >= policy.minUtility)
                chosen[static_cast<size_t>(ranked[k].second)] = 1;
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
