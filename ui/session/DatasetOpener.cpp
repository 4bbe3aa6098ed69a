#include "ui/session/DatasetOpener.h"

#include "ui/session/ProjectSession.h"

#include <QtConcurrent/QtConcurrentRun>

#include <atomic>
#include <chrono>

namespace ost::ui {

OpenedProject openProject(const QString &datasetPath, const ProgressCallback &progress, const CancelToken *cancel)
{
    OpenedProject out;
    const std::string path = datasetPath.toStdString();
    auto dataset = Dataset::open(path, DatasetOptions{}, progress, cancel);
    if (!dataset.ok()) {
        out.error = QString::fromStdString(dataset.error().message);
        return out;
    }
    if (cancel && cancel->isCancelled()) {
        out.error = QStringLiteral("Opening %1 was cancelled").arg(datasetPath);
        return out;
    }
    auto store = ProjectStore::open(ProjectStore::defaultPathFor(path));
    if (!store.ok()) {
        out.error = QStringLiteral("Cannot open the project store for %1: %2")
                        .arg(datasetPath, QString::fromStdString(store.error().message));
        return out;
    }
    out.dataset = std::shared_ptr<Dataset>(dataset.takeValue());
    out.store = std::shared_ptr<ProjectStore>(store.takeValue());
    out.scores = loadScoreSnapshot(*out.dataset, *out.store);
    if (out.scores.hasScores()) {
        if (progress) {
            Progress p;
            p.message = "checking the scores against the file";
            progress(p);
        }
        out.stale = findStaleScores(*out.dataset, *out.store, out.scores.runId, out.scores.method, cancel);
    }
    out.stale.runId = out.scores.runId;
    if (Status h = out.store->health(); !h.ok()) // fewer scores than stored must not look like the truth
        out.error = QString::fromStdString(h.error().message);
    return out;
}

DatasetOpener::DatasetOpener(QObject *parent) : QObject(parent)
{
    connect(&m_watcher, &QFutureWatcher<OpenedProject>::finished, this, [this] {
        OpenedProject result = m_watcher.result();
        if (!result.error.isEmpty() || !result.dataset) {
            Q_EMIT failed(m_path, result.error.isEmpty() ? tr("Unknown error") : result.error);
            return;
        }
        auto *session = new ProjectSession(result.dataset, result.store, std::move(result.scores));
        session->setStaleScores(result.stale);
        Q_EMIT opened(session);
    });
}

DatasetOpener::~DatasetOpener()
{
    cancel();
    m_watcher.waitForFinished();
}

void DatasetOpener::open(const QString &path)
{
    cancel();
    m_watcher.waitForFinished();
    m_path = path;
    m_cancel = std::make_shared<CancelToken>();
    std::shared_ptr<CancelToken> cancelToken = m_cancel;
    // Progress comes from the worker; a queued invoke hands it to the UI thread, at most ~20 a second
    // so that a per-record callback cannot flood the event queue.
    auto lastEmit = std::make_shared<std::atomic<int64_t>>(0);
    auto onProgress = [this, lastEmit](const Progress &p) {
        const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now().time_since_epoch())
                                .count();
        if (now - lastEmit->load() < 50 && p.done < p.total)
            return;
        lastEmit->store(now);
        const QString message = QString::fromStdString(p.message);
        const qint64 done = p.done, total = p.total;
        QMetaObject::invokeMethod(
            this, [this, done, total, message] { Q_EMIT progress(done, total, message); }, Qt::QueuedConnection);
    };
    m_watcher.setFuture(QtConcurrent::run([path, cancelToken, onProgress] {
        return openProject(path, onProgress, cancelToken.get());
    }));
}

void DatasetOpener::cancel()
{
    if (m_cancel)
        m_cancel->cancel();
}

} // namespace ost::ui

#include "moc_DatasetOpener.cpp"
