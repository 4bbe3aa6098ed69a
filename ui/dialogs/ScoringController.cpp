#include "ui/dialogs/ScoringController.h"

#include "core/jobs/ScoringJob.h"
#include "ui/session/ProjectSession.h"

#include <QtConcurrent/QtConcurrentRun>

#include <atomic>
#include <chrono>

namespace ost::ui {

ScoringController::ScoringController(QObject *parent) : QObject(parent)
{
    m_poll.setInterval(1000);
    connect(&m_poll, &QTimer::timeout, this, [this] {
        if (m_session && !m_session->isReloadingScores())
            m_session->reloadScores();
    });
    connect(&m_watcher, &QFutureWatcher<ScoringOutcome>::finished, this, [this] {
        m_poll.stop();
        if (m_session)
            m_session->reloadScores(/*recheckStale=*/true); // a resumed run rescored edited samples
        Q_EMIT finished(m_watcher.result());
    });
}

ScoringController::~ScoringController()
{
    if (m_cancel)
        m_cancel->cancel();
    m_watcher.waitForFinished();
}

void ScoringController::start(ProjectSession *session, const RunSettings &settings,
                              std::optional<int64_t> resumeRunId)
{
    if (isRunning() || !session)
        return;
    m_session = session;
    m_cancel = std::make_shared<CancelToken>();
    std::shared_ptr<CancelToken> cancel = m_cancel;
    std::shared_ptr<Dataset> dataset = session->sharedDataset();
    std::shared_ptr<ProjectStore> store = session->sharedStore();
    auto lastEmit = std::make_shared<std::atomic<int64_t>>(0);
    auto onProgress = [this, lastEmit](const Progress &p) {
        const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now().time_since_epoch())
                                .count();
        if (now - lastEmit->load() < 100 && p.done < p.total)
            return;
        lastEmit->store(now);
        const qint64 done = p.done, total = p.total;
        const double rate = p.ratePerSecond, eta = p.etaSeconds;
        const QString message = QString::fromStdString(p.message);
        QMetaObject::invokeMethod(
            this, [=] { Q_EMIT progress(done, total, rate, eta, message); }, Qt::QueuedConnection);
    };
    m_watcher.setFuture(QtConcurrent::run([dataset, store, settings, cancel, onProgress, resumeRunId] {
        ScoringOutcome out;
        ScoringJob job(*dataset, *store, settings);
        auto result = job.run(onProgress, *cancel, resumeRunId);
        out.cancelled = cancel->isCancelled();
        if (result.ok())
            out.runId = result.value();
        else
            out.error = QString::fromStdString(result.error().message);
        return out;
    }));
    m_poll.start();
    Q_EMIT started();
}

void ScoringController::setPaused(bool paused)
{
    if (!m_cancel || !isRunning())
        return;
    m_cancel->setPaused(paused);
    Q_EMIT pausedChanged(paused);
}

void ScoringController::cancel()
{
    if (m_cancel) {
        const bool first = isRunning() && !m_cancel->isCancelled();
        m_cancel->setPaused(false);
        m_cancel->cancel();
        if (first)
            Q_EMIT cancelling();
    }
}

} // namespace ost::ui

#include "moc_ScoringController.cpp"
