#pragma once
// Parsed samples for the rows on screen. Parsing is on demand and cheap, but data() asks for the
// same row many times per paint; a small LRU keeps scrolling smooth without holding the file.
#include "core/data/Dataset.h"

#include <QCache>
#include <QString>

#include <memory>

namespace ost::ui {

struct CachedSample {
    Sample sample;
    QString error; // non-empty when the record could not be parsed
    bool ok() const { return error.isEmpty(); }
};

class SampleCache {
public:
    explicit SampleCache(int capacity = 512) : m_cache(capacity) {}

    void setDataset(const Dataset *dataset)
    {
        m_dataset = dataset;
        m_cache.clear();
    }
    // Never null for a valid index of a set dataset.
    std::shared_ptr<const CachedSample> get(int64_t index) const;

private:
    const Dataset *m_dataset = nullptr;
    mutable QCache<qint64, std::shared_ptr<const CachedSample>> m_cache;
};

} // namespace ost::ui
