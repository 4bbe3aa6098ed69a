#pragma once
// Opens a dataset, its project store and the latest scores on a worker thread, so that a
// million-line file never freezes the window. Progress arrives through a queued signal.
#include "core/common/Progress.h"
#include "ui/session/ScoreSnapshot.h"
#include "core/jobs/StaleScores.h"

#include <QFutureWatcher>
#include <QObject>
#include <QString>

#include <memory>

namespace ost::ui {

class ProjectSession;

struct OpenedProject {
    std::shared_ptr<Dataset> dataset;
    std::shared_ptr<ProjectStore> store;
    ScoreSnapshot scores;
    StaleScores stale; // scores computed on records that changed in the file since
    QString error; // non-empty when opening failed
};

// Synchronous core of the opener; also used by tests.
OpenedProject openProject(const QString &datasetPath, const ProgressCallback &progress = {},
                          const CancelToken *cancel = nullptr);

class DatasetOpener : public QObject {
    Q_OBJECT
public:
    explicit DatasetOpener(QObject *parent = nullptr);
    ~DatasetOpener() override;

    void open(const QString &path);
    void cancel();
    bool isRunning() const { return m_watcher.isRunning(); }

Q_SIGNALS:
    void progress(qint64 done, qint64 total, const QString &message);
    // The session is parented to nobody; the receiver takes it.
    void opened(ost::ui::ProjectSession *session);
    void failed(const QString &path, const QString &message);

private:
    QFutureWatcher<OpenedProject> m_watcher;
    std::shared_ptr<CancelToken> m_cancel;
    QString m_path;
};

} // namespace ost::ui
