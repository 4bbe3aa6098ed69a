#include "core/data/SampleGroups.h"

#include <nlohmann/json.hpp>

namespace ost {

Result<SampleGroups> SampleGroups::parse(const std::string &spec)
{
    SampleGroups g;
    g.m_spec = spec;
    if (spec == "id-prefix")
        g.m_kind = Kind::IdPrefix;
    else if (spec == "id-suffix")
        g.m_kind = Kind::IdSuffix;
    else if (!spec.empty() && spec.find_first_of(" \t\"/") == std::string::npos)
        g.m_kind = Kind::Field;
    else
        return Error{"group '" + spec + "': use id-prefix, id-suffix or the name of a record field (e.g. source)"};
    return g;
}

std::string SampleGroups::label() const
{
    switch (m_kind) {
    case Kind::IdPrefix: return "id prefix";
    case Kind::IdSuffix: return "id suffix";
    default: return "'" + m_spec + "'";
    }
}

std::string SampleGroups::noValuesMessage() const
{
    return "no ranked sample has a value for " + label() +
           " (a record field, or id-prefix / id-suffix for ids like model/problem)";
}

std::string SampleGroups::of(const Dataset &dataset, int64_t index) const
{
    // Only the field kind reads the record.
    return m_kind == Kind::Field ? of(dataset.id(index), dataset.rawRecord(index)) : of(dataset.id(index), {});
}

std::string SampleGroups::of(const std::string &id, const std::string &rawRecord) const
{
    if (m_kind != Kind::Field) {
        const size_t slash = id.rfind('/');
        if (slash == std::string::npos)
            return {};
        return m_kind == Kind::IdPrefix ? id.substr(0, slash) : id.substr(slash + 1);
    }
    const auto record = nlohmann::json::parse(rawRecord, nullptr, /*allow_exceptions=*/false);
    if (!record.is_object())
        return {};
    const auto it = record.find(m_spec);
    if (it == record.end() || it->is_null())
        return {};
    return it->is_string() ? it->get<std::string>() : it->dump();
}

} // namespace ost
