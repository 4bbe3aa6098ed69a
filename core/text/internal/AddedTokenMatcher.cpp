#include "core/text/internal/AddedTokenMatcher.h"

#include <algorithm>

namespace ost::text {

void AddedTokenMatcher::add(const std::string &content, int64_t id)
{
    if (content.empty())
        return;
    auto &list = m_byFirstByte[static_cast<unsigned char>(content[0])];
    list.push_back({content, id});
    std::stable_sort(list.begin(), list.end(),
                     [](const Entry &a, const Entry &b) { return a.content.size() > b.content.size(); });
    ++m_count;
}

std::vector<AddedTokenMatcher::Segment> AddedTokenMatcher::split(std::string_view text) const
{
    std::vector<Segment> out;
    size_t textStart = 0;
    for (size_t i = 0; i < text.size();) {
        const auto &candidates = m_byFirstByte[static_cast<unsigned char>(text[i])];
        const Entry *hit = nullptr;
        for (const Entry &e : candidates)
            if (text.compare(i, e.content.size(), e.content) == 0) {
                hit = &e;
                break;
            }
        if (!hit) {
            ++i;
            continue;
        }
        if (i > textStart)
            out.push_back({textStart, i, -1});
        out.push_back({i, i + hit->content.size(), hit->id});
        i += hit->content.size();
        textStart = i;
    }
    if (textStart < text.size())
        out.push_back({textStart, text.size(), -1});
    return out;
}

} // namespace ost::text
