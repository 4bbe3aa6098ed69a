// Keep/drop decisions (an append-only log with undoable batches), notes and tags: the curator's own
// work, written with synchronous=FULL (see ProjectSchema.cpp).
#include "core/store/internal/ProjectStoreImpl.h"

#include <set>

namespace ost {

using Lock = std::lock_guard<std::mutex>;

namespace {

Decision toDecision(int64_t v)
{
    return v == 1 ? Decision::Keep : v == 2 ? Decision::Drop : Decision::Auto;
}

Decision currentDecision(sql::Db &db, const std::string &sampleId, Status *status = nullptr)
{
    auto q = db.query("SELECT decision FROM decision_log WHERE sample_id = ? AND undone = 0 "
                      "ORDER BY seq DESC LIMIT 1");
    q.bind(1, sampleId);
    const Decision out = q.next() ? toDecision(q.integer(0)) : Decision::Auto;
    if (status)
        *status = q.status();
    return logged(q, out);
}

std::optional<int64_t> optionalInteger(sql::Db &db, const std::string &sqlText)
{
    auto q = db.query(sqlText);
    std::optional<int64_t> out;
    if (q.next() && !q.isNull(0))
        out = q.integer(0);
    return logged(q, out);
}

// Flips the undone flag of every event of a batch and records the action for the audit.
Status setBatchUndone(sql::Db &db, int64_t batch, bool undone)
{
    DurableScope durable(db);
    if (!durable.status().ok())
        return durable.status();
    sql::Transaction tx(db);
    if (!tx.begun().ok())
        return tx.begun();
    auto q = db.query("UPDATE decision_log SET undone = ? WHERE batch = ? AND undone = ?");
    if (Status s = q.bind(1, undone ? 1 : 0).bind(2, batch).bind(3, undone ? 0 : 1).run(); !s.ok())
        return s;
    if (db.changes() == 0)
        return Error{db.path() + ": decision batch " + std::to_string(batch) + " cannot be " +
                     (undone ? "undone (unknown or already undone)" : "redone (unknown or not undone)")};
    auto h = db.query("INSERT INTO batch_history(batch, action, at) VALUES (?, ?, ?)");
    if (Status s = h.bind(1, batch).bind(2, std::string(undone ? "undo" : "redo")).bind(3, isoTimeUtcNow()).run();
        !s.ok())
        return s;
    return tx.commit();
}

} // namespace

Result<int64_t> ProjectStore::setDecisions(const std::vector<std::string> &sampleIds, Decision decision,
                                           const std::string &who, const std::string &why)
{
    std::vector<std::string> ids;
    std::set<std::string> seen;
    for (const auto &id : sampleIds)
        if (!id.empty() && seen.insert(id).second)
            ids.push_back(id);
    if (ids.empty())
        return Error{d->path + ": no samples given for the decision '" + decisionName(decision) + "'"};

    Lock lock(d->mutex);
    DurableScope durable(*d->db);
    if (!durable.status().ok())
        return durable.status().error();
    sql::Transaction tx(*d->db);
    if (!tx.begun().ok())
        return tx.begun().error();
    const int64_t batch = optionalInteger(*d->db, "SELECT max(batch) FROM decision_log").value_or(0) + 1;
    const std::string when = isoTimeUtcNow();
    for (const auto &id : ids) {
        Status read;
        const Decision previous = currentDecision(*d->db, id, &read);
        if (!read.ok())
            return read.error();
        auto q = d->db->query("INSERT INTO decision_log(sample_id, previous, decision, who, at, why, batch) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?)");
        q.bind(1, id).bind(2, static_cast<int>(previous)).bind(3, static_cast<int>(decision));
        q.bind(4, who).bind(5, when).bind(6, why).bind(7, batch);
        if (Status s = q.run(); !s.ok())
            return Error{s.error().message + " (decision for sample " + id + ")"};
    }
    if (Status s = tx.commit(); !s.ok())
        return s.error();
    return batch;
}

Decision ProjectStore::decision(const std::string &sampleId) const
{
    Lock lock(d->mutex);
    return currentDecision(*d->db, sampleId);
}

std::map<std::string, Decision> ProjectStore::decisions() const
{
    Lock lock(d->mutex);
    // SQLite takes the bare column `decision` from the row holding max(seq) of each group.
    auto q = d->db->query("SELECT sample_id, decision, max(seq) FROM decision_log WHERE undone = 0 "
                          "GROUP BY sample_id");
    std::map<std::string, Decision> out;
    while (q.next()) {
        const Decision dec = toDecision(q.integer(1));
        if (dec != Decision::Auto)
            out.emplace(q.text(0), dec);
    }
    return logged(q, std::move(out));
}

Status ProjectStore::undoBatch(int64_t batch)
{
    Lock lock(d->mutex);
    return setBatchUndone(*d->db, batch, true);
}

Status ProjectStore::redoBatch(int64_t batch)
{
    Lock lock(d->mutex);
    return setBatchUndone(*d->db, batch, false);
}

std::optional<int64_t> ProjectStore::lastUndoableBatch() const
{
    Lock lock(d->mutex);
    return optionalInteger(*d->db, "SELECT max(batch) FROM decision_log WHERE undone = 0");
}

std::optional<int64_t> ProjectStore::lastRedoableBatch() const
{
    Lock lock(d->mutex);
    // Like an editor's redo stack: only batches undone after the newest live one; a new action
    // (a higher batch id) makes older undone batches unredoable.
    return optionalInteger(*d->db, "SELECT min(batch) FROM decision_log WHERE undone = 1 AND batch > "
                                   "coalesce((SELECT max(batch) FROM decision_log WHERE undone = 0), 0)");
}

std::vector<DecisionEvent> ProjectStore::decisionLog() const
{
    Lock lock(d->mutex);
    auto q = d->db->query("SELECT seq, sample_id, previous, decision, who, at, why, batch, undone "
                          "FROM decision_log ORDER BY seq");
    std::vector<DecisionEvent> out;
    while (q.next()) {
        DecisionEvent e;
        e.seq = q.integer(0);
        e.sampleId = q.text(1);
        e.previous = toDecision(q.integer(2));
        e.decision = toDecision(q.integer(3));
        e.who = q.text(4);
        e.when = q.text(5);
        e.why = q.text(6);
        e.batch = q.integer(7);
        e.undone = q.integer(8) != 0;
        out.push_back(std::move(e));
    }
    return logged(q, std::move(out));
}

// ---- notes and tags ----------------------------------------------------------------------------

Status ProjectStore::setNote(const std::string &sampleId, const std::string &note)
{
    Lock lock(d->mutex);
    DurableScope durable(*d->db);
    if (!durable.status().ok())
        return durable.status();
    auto q = note.empty() ? d->db->query("DELETE FROM notes WHERE sample_id = ?")
                          : d->db->query("INSERT INTO notes(sample_id, note, updated_at) VALUES (?, ?, ?) "
                                         "ON CONFLICT(sample_id) DO UPDATE SET note = excluded.note, "
                                         "updated_at = excluded.updated_at");
    q.bind(1, sampleId);
    if (!note.empty())
        q.bind(2, note).bind(3, isoTimeUtcNow());
    return q.run();
}

std::string ProjectStore::note(const std::string &sampleId) const
{
    Lock lock(d->mutex);
    auto q = d->db->query("SELECT note FROM notes WHERE sample_id = ?");
    q.bind(1, sampleId);
    std::string out = q.next() ? q.text(0) : std::string();
    return logged(q, std::move(out));
}

std::map<std::string, std::string> ProjectStore::allNotes() const
{
    Lock lock(d->mutex);
    auto q = d->db->query("SELECT sample_id, note FROM notes");
    std::map<std::string, std::string> out;
    while (q.next())
        out.emplace(q.text(0), q.text(1));
    return logged(q, std::move(out));
}

Status ProjectStore::addTag(const std::string &sampleId, const std::string &tag)
{
    if (tag.empty())
        return Error{d->path + ": empty tag for sample " + sampleId};
    Lock lock(d->mutex);
    DurableScope durable(*d->db);
    if (!durable.status().ok())
        return durable.status();
    auto q = d->db->query("INSERT OR IGNORE INTO tags(sample_id, tag) VALUES (?, ?)");
    return q.bind(1, sampleId).bind(2, tag).run();
}

Status ProjectStore::removeTag(const std::string &sampleId, const std::string &tag)
{
    Lock lock(d->mutex);
    DurableScope durable(*d->db);
    if (!durable.status().ok())
        return durable.status();
    auto q = d->db->query("DELETE FROM tags WHERE sample_id = ? AND tag = ?");
    return q.bind(1, sampleId).bind(2, tag).run();
}

std::vector<std::string> ProjectStore::tags(const std::string &sampleId) const
{
    Lock lock(d->mutex);
    auto q = d->db->query("SELECT tag FROM tags WHERE sample_id = ? ORDER BY tag");
    q.bind(1, sampleId);
    std::vector<std::string> out;
    while (q.next())
        out.push_back(q.text(0));
    return logged(q, std::move(out));
}

std::map<std::string, std::vector<std::string>> ProjectStore::allTags() const
{
    Lock lock(d->mutex);
    auto q = d->db->query("SELECT sample_id, tag FROM tags ORDER BY sample_id, tag");
    std::map<std::string, std::vector<std::string>> out;
    while (q.next())
        out[q.text(0)].push_back(q.text(1));
    return logged(q, std::move(out));
}

} // namespace ost
