#include "ui/ScreenshotTaker.h"

#include "ui/MainWindow.h"
#include "ui/dialogs/ExportDialog.h"
#include "ui/dialogs/ScoringDialog.h"
#include "ui/models/ThumbnailCache.h"
#include "ui/session/ProjectSession.h"
#include "ui/widgets/DetailPane.h"
#include "ui/widgets/ImageView.h"
#include "ui/widgets/ReviewQueueWidget.h"

#include <QApplication>
#include <QFileInfo>
#include <QPixmap>

namespace ost::ui {

namespace {
constexpr int kSettleMs = 600;      // a few paints after the last thumbnail arrived
constexpr int kValidationWaitMs = 15000;
constexpr int kGiveUpMs = 60000;
} // namespace

bool ScreenshotTaker::parseTarget(const QString &name, Target &out)
{
    const QString n = name.toLower();
    if (n == QLatin1String("main") || n.isEmpty())
        out = Target::Main;
    else if (n == QLatin1String("review"))
        out = Target::Review;
    else if (n == QLatin1String("export"))
        out = Target::Export;
    else if (n == QLatin1String("scoring"))
        out = Target::Scoring;
    else if (n == QLatin1String("gallery"))
        out = Target::Gallery;
    else
        return false;
    return true;
}

ScreenshotTaker::ScreenshotTaker(MainWindow *window, QString outPath, Target target, QSize size, QObject *parent)
    : QObject(parent), m_window(window), m_outPath(std::move(outPath)), m_target(target), m_size(size)
{
    m_poll.setInterval(100);
    connect(&m_poll, &QTimer::timeout, this, &ScreenshotTaker::poll);
    connect(window, &MainWindow::datasetOpened, this, &ScreenshotTaker::onOpened);
    connect(window, &MainWindow::datasetFailed, this,
            [this](const QString &message) { Q_EMIT finished(false, tr("Cannot open the dataset: %1").arg(message)); });
}

void ScreenshotTaker::start(const QString &datasetPath)
{
    m_window->resize(m_size);
    m_window->show();
    m_window->openDataset(datasetPath);
}

void ScreenshotTaker::onOpened()
{
    if (m_opened)
        return;
    m_opened = true;
    m_sinceOpen.start();
    switch (m_target) {
    case Target::Review: m_window->showView(MainWindow::View::Review); break;
    case Target::Gallery: m_window->showView(MainWindow::View::Gallery); break;
    case Target::Export: {
        ExportDialog *d = m_window->createExportDialog();
        m_dialog = d;
        break;
    }
    case Target::Scoring: m_dialog = m_window->createScoringDialog(); break;
    case Target::Main: break;
    }
    if (m_dialog) {
        m_dialog->show();
        m_dialog->adjustSize();
    }
    m_poll.start();
}

bool ScreenshotTaker::ready() const
{
    ProjectSession *session = m_window->session();
    if (!session)
        return false;
    if (m_window->thumbnails()->pendingCount() > 0 || session->isReloadingScores())
        return false;
    const DetailPane *detail = m_target == Target::Review ? m_window->reviewQueue()->detail() : m_window->detailPane();
    if (detail->imageView()->isLoading())
        return false;
    if (!session->validationDone() && m_sinceOpen.elapsed() < kValidationWaitMs)
        return false;
    if (auto *e = qobject_cast<ExportDialog *>(m_dialog.data()); e && !e->isPreviewReady())
        return false;
    if (auto *s = qobject_cast<ScoringDialog *>(m_dialog.data()); s && !s->modelChecked() && m_sinceOpen.elapsed() < 8000)
        return false;
    return true;
}

void ScreenshotTaker::poll()
{
    qint64 &readySince = m_readySince;
    if (m_sinceOpen.elapsed() > kGiveUpMs) {
        capture();
        return;
    }
    if (!ready()) {
        readySince = -1;
        return;
    }
    if (readySince < 0)
        readySince = m_sinceOpen.elapsed();
    if (m_sinceOpen.elapsed() - readySince >= kSettleMs)
        capture();
}

void ScreenshotTaker::capture()
{
    m_poll.stop();
    QWidget *target = m_dialog ? m_dialog.data() : static_cast<QWidget *>(m_window);
    const QPixmap pm = target->grab();
    if (pm.isNull() || !pm.save(m_outPath, "PNG")) {
        Q_EMIT finished(false, tr("Cannot write %1").arg(m_outPath));
        return;
    }
    Q_EMIT finished(true, tr("Saved %1 (%2x%3)").arg(QFileInfo(m_outPath).absoluteFilePath()).arg(pm.width()).arg(pm.height()));
}

} // namespace ost::ui

#include "moc_ScreenshotTaker.cpp"
