#pragma once
// Which group a sample belongs to, so a selection can rank within groups: "the best 20 % of each
// model's answers", "the best answer to each problem". Why: one scoring step rewards whatever lowers
// the reference loss most, and a writer's phrasing can matter more than correctness; a plain top 20 %
// then holds one writer's style only, and a model trained on it loses the others (measured on the
// synthetic bench, README "Selecting within groups").
#include "core/common/Result.h"
#include "core/data/Dataset.h"

#include <string>
#include <vector>

namespace ost {

class SampleGroups {
public:
    // spec: "id-prefix" (the id before its last '/': the writer in MATH-V's "model/problem" ids),
    // "id-suffix" (after it: the problem), or the name of a top-level field of the record ("source").
    static Result<SampleGroups> parse(const std::string &spec);

    const std::string &spec() const { return m_spec; }
    std::string label() const; // "id prefix", "id suffix", "'source'"
    // For ExportSelection::noGroupValues(): "no ranked sample has a value for 'sourse' (...)".
    std::string noValuesMessage() const;

    // The sample's group; "" when the record has no such field (or an id without '/'), which counts
    // as one more group, reported as ungrouped so a misspelt field is noticed.
    std::string of(const Dataset &dataset, int64_t index) const;
    // The same for a record read elsewhere (a run's reference samples): its id and original bytes.
    std::string of(const std::string &id, const std::string &rawRecord) const;

private:
    enum class Kind { IdPrefix, IdSuffix, Field };
    Kind m_kind = Kind::Field;
    std::string m_spec;
};

} // namespace ost
