#pragma once
// A Dataset over samples held in memory, for job tests that need no file.
#include "core/data/Dataset.h"

namespace ost::testing {

class MemoryDataset : public Dataset {
public:
    explicit MemoryDataset(std::vector<Sample> samples) : m_samples(std::move(samples))
    {
        for (size_t i = 0; i < m_samples.size(); ++i)
            m_samples[i].index = static_cast<int64_t>(i);
    }
    const std::string &path() const override { return m_path; }
    DatasetFormat format() const override { return DatasetFormat::MessagesJsonl; }
    int64_t size() const override { return static_cast<int64_t>(m_samples.size()); }
    const std::string &id(int64_t i) const override { return m_samples[i].id; }
    int64_t indexOf(const std::string &id) const override
    {
        for (size_t i = 0; i < m_samples.size(); ++i)
            if (m_samples[i].id == id)
                return static_cast<int64_t>(i);
        return -1;
    }
    std::string rawRecord(int64_t i) const override { return m_samples[i].rawJson; }
    Result<Sample> sample(int64_t i) const override
    {
        if (m_samples[i].turns.empty())
            return Error{"record " + std::to_string(i) + " (" + m_samples[i].id + "): not valid JSON"};
        return m_samples[i];
    }
    const std::vector<ValidationIssue> &indexIssues() const override { return m_issues; }

private:
    std::vector<Sample> m_samples;
    std::string m_path = "memory.jsonl";
    std::vector<ValidationIssue> m_issues;
};

} // namespace ost::testing
