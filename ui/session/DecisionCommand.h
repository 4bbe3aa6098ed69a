#pragma once
// One decision step (a single K/D key or a bulk action) on the undo stack. The store keeps the
// batch in its append-only log, so undo/redo are undoBatch/redoBatch and survive restarts.
#include "core/store/ProjectStore.h"

#include <QUndoCommand>

#include <string>
#include <vector>

namespace ost::ui {

class ProjectSession;

class DecisionCommand : public QUndoCommand {
public:
    // A new decision: the first redo() writes it to the store.
    DecisionCommand(ProjectSession *session, std::vector<std::string> ids, Decision decision, QString why);
    // A batch already in the store's log (rebuilding history after a restart): the first redo()
    // only records that it is applied.
    DecisionCommand(ProjectSession *session, int64_t batch, std::vector<std::string> ids, const QString &text);

    void undo() override;
    void redo() override;

    int64_t batch() const { return m_batch; }
    bool failed() const { return m_failed; }
    // While rebuilding history the stack replays undo() on batches the log already marks undone.
    void setReplaying(bool on) { m_replaying = on; }

private:
    ProjectSession *m_session;
    std::vector<std::string> m_ids;
    Decision m_decision = Decision::Auto;
    QString m_why;
    int64_t m_batch = 0;
    bool m_applied = false;  // the store already holds this batch (first redo is a no-op)
    bool m_failed = false;
    bool m_replaying = false;
};

QString describeDecision(Decision decision, size_t count);

} // namespace ost::ui
