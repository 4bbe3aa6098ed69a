// Tags written by checks rather than by the curator (see ProjectStore::replaceTagsWithPrefix): many at
// once, recomputable, so one transaction at the normal (not fsync-per-commit) durability of scores.
#include "core/store/internal/ProjectStoreImpl.h"

#include <mutex>

namespace ost {

namespace {
using Lock = std::lock_guard<std::mutex>;
}

Status ProjectStore::replaceTagsWithPrefix(const std::string &prefix,
                                           const std::vector<std::pair<std::string, std::string>> &tags)
{
    if (prefix.empty())
        return Error{d->path + ": replacing tags needs a non-empty prefix (it would remove the curator's tags)"};
    for (const auto &[id, tag] : tags)
        if (tag.size() <= prefix.size() || tag.compare(0, prefix.size(), prefix) != 0)
            return Error{d->path + ": tag '" + tag + "' for sample " + id + " does not start with '" + prefix + "'"};
    Lock lock(d->mutex);
    sql::Transaction tx(*d->db);
    if (!tx.begun().ok())
        return tx.begun();
    {
        // substr, not LIKE: a prefix holding '%' or '_' must match literally.
        // (SQLite's substr and length count characters alike, so a UTF-8 prefix works too.)
        auto del = d->db->query("DELETE FROM tags WHERE substr(tag, 1, length(?1)) = ?1");
        del.bind(1, prefix);
        if (Status s = del.run(); !s.ok())
            return s;
    }
    for (const auto &[id, tag] : tags) {
        auto q = d->db->query("INSERT OR IGNORE INTO tags(sample_id, tag) VALUES (?, ?)");
        q.bind(1, id).bind(2, tag);
        if (Status s = q.run(); !s.ok())
            return s;
    }
    return tx.commit();
}

} // namespace ost
