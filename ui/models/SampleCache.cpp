#include "ui/models/SampleCache.h"

namespace ost::ui {

std::shared_ptr<const CachedSample> SampleCache::get(int64_t index) const
{
    if (!m_dataset || index < 0 || index >= m_dataset->size())
        return nullptr;
    if (auto *hit = m_cache.object(index))
        return *hit;
    auto entry = std::make_shared<CachedSample>();
    auto parsed = m_dataset->sample(index);
    if (parsed.ok())
        entry->sample = parsed.takeValue();
    else
        entry->error = QString::fromStdString(parsed.error().message);
    auto value = std::shared_ptr<const CachedSample>(std::move(entry));
    m_cache.insert(index, new std::shared_ptr<const CachedSample>(value));
    return value;
}

} // namespace ost::ui
