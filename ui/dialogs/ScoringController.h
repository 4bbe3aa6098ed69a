#pragma once
// Runs a ScoringJob on a worker thread for the window: pause/resume/cancel through a CancelToken,
// progress as a queued signal, and a 1 s timer that makes the session re-read the scores so the
// table fills while the job writes batches to the store.
#include "core/common/Progress.h"
#include "core/ost/RunSettings.h"

#include <QFutureWatcher>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <memory>
#include <optional>

namespace ost::ui {

class ProjectSession;

struct ScoringOutcome {
    int64_t runId = 0;
    QString error;
    bool cancelled = false;
};

class ScoringController : public QObject {
    Q_OBJECT
public:
    explicit ScoringController(QObject *parent = nullptr);
    ~ScoringController() override;

    bool isRunning() const { return m_watcher.isRunning(); }
    bool isPaused() const { return m_cancel && m_cancel->isPaused(); }
    // Between cancel() and finished: the job stops at its next check (after the batch in flight).
    bool isCancelling() const { return isRunning() && m_cancel && m_cancel->isCancelled(); }
    void start(ProjectSession *session, const RunSettings &settings, std::optional<int64_t> resumeRunId);
    void setPaused(bool paused);
    void cancel();
    void waitForFinished() { m_watcher.waitForFinished(); }

Q_SIGNALS:
    void started();
    void progress(qint64 done, qint64 total, double rate, double etaSeconds, const QString &message);
    void pausedChanged(bool paused);
    void cancelling(); // at once on cancel(), so that the click is seen while the batch finishes
    void finished(const ost::ui::ScoringOutcome &outcome);

private:
    QPointer<ProjectSession> m_session;
    std::shared_ptr<CancelToken> m_cancel;
    QFutureWatcher<ScoringOutcome> m_watcher;
    QTimer m_poll;
};

} // namespace ost::ui

Q_DECLARE_METATYPE(ost::ui::ScoringOutcome)
