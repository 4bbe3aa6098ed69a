#include "ui/session/DecisionCommand.h"

#include "ui/session/ProjectSession.h"

#include <QCoreApplication>

namespace ost::ui {

QString describeDecision(Decision decision, size_t count)
{
    const QString verb = decision == Decision::Keep ? QStringLiteral("Keep")
                         : decision == Decision::Drop ? QStringLiteral("Drop")
                                                      : QStringLiteral("Reset");
    return count == 1 ? QStringLiteral("%1 1 sample").arg(verb)
                      : QStringLiteral("%1 %2 samples").arg(verb).arg(qulonglong(count));
}

DecisionCommand::DecisionCommand(ProjectSession *session, std::vector<std::string> ids, Decision decision,
                                 QString why)
    : m_session(session), m_ids(std::move(ids)), m_decision(decision), m_why(std::move(why))
{
    setText(describeDecision(decision, m_ids.size()));
}

DecisionCommand::DecisionCommand(ProjectSession *session, int64_t batch, std::vector<std::string> ids,
                                 const QString &text)
    : m_session(session), m_ids(std::move(ids)), m_batch(batch), m_applied(true)
{
    setText(text);
}

void DecisionCommand::redo()
{
    if (m_applied) {
        m_applied = false; // later redo() calls are real redos
        return;
    }
    ProjectStore &store = m_session->store();
    if (m_batch == 0) {
        auto batch = store.setDecisions(m_ids, m_decision, "curator", m_why.toStdString());
        if (!batch.ok()) {
            m_failed = true;
            setObsolete(true);
            Q_EMIT m_session->errorOccurred(QString::fromStdString(batch.error().message));
            return;
        }
        m_batch = batch.value();
    } else if (!m_replaying) {
        if (Status s = store.redoBatch(m_batch); !s.ok())
            Q_EMIT m_session->errorOccurred(QString::fromStdString(s.error().message));
    }
    m_session->refreshDecisions(m_ids);
}

void DecisionCommand::undo()
{
    if (m_batch == 0 || m_replaying)
        return;
    if (Status s = m_session->store().undoBatch(m_batch); !s.ok())
        Q_EMIT m_session->errorOccurred(QString::fromStdString(s.error().message));
    m_session->refreshDecisions(m_ids);
}

} // namespace ost::ui
