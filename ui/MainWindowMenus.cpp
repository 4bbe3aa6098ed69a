// The main window's menus and the actions behind them (open, score, decide, undo, export).
#include "ui/MainWindow.h"

#include "core/ost/RunSettings.h"
#include "ui/dialogs/AboutDialog.h"
#include "ui/dialogs/ExportDialog.h"
#include "ui/dialogs/ScoringController.h"
#include "ui/dialogs/ScoringDialog.h"
#include "ui/models/SampleFilterProxy.h"
#include "ui/models/SampleTableModel.h"
#include "ui/session/ProjectSession.h"
#include "ui/session/ReferencePath.h"
#include "ui/widgets/DetailPane.h"
#include "ui/widgets/FilterBar.h"
#include "ui/widgets/HistogramPanel.h"
#include "ui/widgets/HistogramWidget.h"
#include "ui/widgets/ShortcutOverlay.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QListView>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QUndoStack>

#include <algorithm>

namespace ost::ui {

namespace {
constexpr int kMaxRecent = 8;
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *open = file->addAction(tr("&Open Dataset…"), this, &MainWindow::chooseAndOpen);
    open->setShortcut(QKeySequence::Open);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    updateRecentMenu();
    file->addSeparator();
    m_export = file->addAction(tr("&Export Subset…"), this, &MainWindow::exportSubset);
    m_export->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    m_undo = edit->addAction(tr("&Undo"), this, [this] {
        if (m_session)
            m_session->undoStack()->undo();
    });
    m_undo->setShortcut(QKeySequence::Undo);
    m_redo = edit->addAction(tr("&Redo"), this, [this] {
        if (m_session)
            m_session->undoStack()->redo();
    });
    m_redo->setShortcut(QKeySequence::Redo);
    edit->addSeparator();
    // K/D act on the table or gallery only: the review queue has its own K/D keys.
    const auto decisionAction = [this, edit](const QString &text, const QKeySequence &key, Decision d) {
        QAction *a = edit->addAction(text, this, [this, d] { bulkDecide(selectedSamples(), int(d), true); });
        a->setShortcut(key);
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        m_table->addAction(a);
        m_gallery->addAction(a);
        m_detail->addAction(a);
        return a;
    };
    decisionAction(tr("&Keep Selected"), QKeySequence(Qt::Key_K), Decision::Keep);
    decisionAction(tr("&Drop Selected"), QKeySequence(Qt::Key_D), Decision::Drop);
    decisionAction(tr("Reset Selected to &Auto"), QKeySequence(Qt::Key_A), Decision::Auto);
    edit->addSeparator();
    // Everything the filter shows, as one undo step; the texts say how many (updateStats).
    m_keepShown = edit->addAction(tr("Keep All Shown…"), this, [this] { decideAllShown(int(Decision::Keep)); });
    m_keepShown->setObjectName(QStringLiteral("keepAllShown"));
    m_dropShown = edit->addAction(tr("Drop All Shown…"), this, [this] { decideAllShown(int(Decision::Drop)); });
    m_dropShown->setObjectName(QStringLiteral("dropAllShown"));
    m_keepShown->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_K));
    m_dropShown->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));
    edit->addSeparator();
    QAction *find = edit->addAction(tr("&Find…"), m_filterBar, &FilterBar::focusSearch);
    find->setShortcut(QKeySequence::Find);
    QAction *clear = edit->addAction(tr("&Clear Filters"), m_filterBar, &FilterBar::clear);
    clear->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F));

    QMenu *score = menuBar()->addMenu(tr("&Score"));
    m_score = score->addAction(tr("&Run OST…"), this, &MainWindow::runScoring);
    m_score->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    QAction *pause = score->addAction(tr("&Pause / Resume"), this, [this] { m_scoring->setPaused(!m_scoring->isPaused()); });
    QAction *cancel = score->addAction(tr("&Stop"), m_scoring, &ScoringController::cancel);
    pause->setEnabled(false);
    cancel->setEnabled(false);
    connect(m_scoring, &ScoringController::started, this, [=] {
        pause->setEnabled(true);
        cancel->setEnabled(true);
        updateEmptyStates();
    });
    connect(m_scoring, &ScoringController::finished, this, [=] {
        pause->setEnabled(false);
        cancel->setEnabled(false);
        updateEmptyStates();
    });

    m_viewMenu = menuBar()->addMenu(tr("&View"));
    const auto viewAction = [this](const QString &text, int key, View v) {
        QAction *a = m_viewMenu->addAction(text, this, [this, v] { showView(v); });
        a->setShortcut(QKeySequence(Qt::CTRL | key));
    };
    viewAction(tr("&Table"), Qt::Key_1, View::Table);
    viewAction(tr("&Gallery"), Qt::Key_2, View::Gallery);
    viewAction(tr("&Review Harmful"), Qt::Key_3, View::Review);
    viewAction(tr("Re&ference Set"), Qt::Key_4, View::References);
    m_viewMenu->addSeparator();
    for (QDockWidget *dock : findChildren<QDockWidget *>())
        m_viewMenu->addAction(dock->toggleViewAction());

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *keys = help->addAction(tr("&Keyboard Shortcuts"), this, &MainWindow::showShortcuts);
    keys->setShortcuts({QKeySequence(Qt::Key_Question), QKeySequence(Qt::Key_F1)});
    keys->setShortcutContext(Qt::WindowShortcut); // text fields take "?" first (ShortcutOverride)
    help->addAction(tr("&About OST Curator"), this, [this] { showAboutDialog(this); });
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
    updateUndoActions();
}

void MainWindow::updateUndoActions()
{
    QUndoStack *stack = m_session ? m_session->undoStack() : nullptr;
    m_undo->setEnabled(stack && stack->canUndo());
    m_redo->setEnabled(stack && stack->canRedo());
    m_undo->setText(stack && stack->canUndo() ? tr("&Undo %1").arg(stack->undoText()) : tr("&Undo"));
    m_redo->setText(stack && stack->canRedo() ? tr("&Redo %1").arg(stack->redoText()) : tr("&Redo"));
}

void MainWindow::updateRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = QSettings().value(QStringLiteral("recentProjects")).toStringList();
    for (const QString &path : recent)
        m_recentMenu->addAction(QFileInfo(path).fileName() + QStringLiteral("  —  ") + path, this,
                                [this, path] { openDataset(path); });
    m_recentMenu->setEnabled(!recent.isEmpty());
}

void MainWindow::addRecent(const QString &path)
{
    QSettings settings;
    QStringList recent = settings.value(QStringLiteral("recentProjects")).toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    settings.setValue(QStringLiteral("recentProjects"), recent);
    settings.setValue(QStringLiteral("lastDirectory"), QFileInfo(path).absolutePath());
    updateRecentMenu();
}

void MainWindow::chooseAndOpen()
{
    const QString dir = QSettings().value(QStringLiteral("lastDirectory")).toString();
    const QString path = QFileDialog::getOpenFileName(this, tr("Open dataset"), dir,
                                                      tr("SFT datasets (*.jsonl *.json);;All files (*)"));
    if (!path.isEmpty())
        openDataset(path);
}

bool MainWindow::bulkDecide(const std::vector<int64_t> &indices, int decision, bool confirm)
{
    if (!m_session || indices.empty())
        return false;
    if (confirm && indices.size() > 1) {
        const QString verb = Decision(decision) == Decision::Keep   ? tr("Keep")
                             : Decision(decision) == Decision::Drop ? tr("Drop")
                                                                    : tr("Reset to auto");
        const auto answer = QMessageBox::question(
            this, tr("Decide for %1 samples").arg(QLocale().toString(qlonglong(indices.size()))),
            tr("%1 %2 samples? You can undo this with %3.")
                .arg(verb, QLocale().toString(qlonglong(indices.size())),
                     QKeySequence(QKeySequence::Undo).toString(QKeySequence::NativeText)));
        if (answer != QMessageBox::Yes)
            return false;
    }
    const bool ok = m_session->decide(indices, Decision(decision),
                                      indices.size() > 1 ? tr("bulk") : QString());
    if (ok)
        statusBar()->showMessage(m_session->undoStack()->undoText(), 4000);
    return ok;
}

void MainWindow::decideAllShown(int decision)
{
    std::vector<int64_t> shown = m_proxy->visibleSampleIndices();
    if (m_session) // the rows of unreadable lines have no sample to decide on
        shown.erase(std::remove_if(shown.begin(), shown.end(), [this](int64_t i) { return i >= m_session->size(); }),
                    shown.end());
    bulkDecide(shown, decision, true);
}

void MainWindow::showShortcuts()
{
    if (!m_shortcuts)
        m_shortcuts = new ShortcutOverlay(menuBar(), this);
    m_shortcuts->refresh();
    m_shortcuts->show();
    m_shortcuts->raise();
    m_shortcuts->activateWindow();
}

ScoringDialog *MainWindow::createScoringDialog()
{
    auto *dialog = new ScoringDialog(this);
    if (m_session) {
        // An unfinished run of this project is offered for resuming with its own settings.
        if (auto run = m_session->store().latestRun();
            run && (run->status == "paused" || run->status == "cancelled" || run->status == "running")) {
            if (auto settings = RunSettings::fromJson(run->settingsJson); settings.ok()) {
                const ReferenceLocation ref = locateReference(QString::fromStdString(settings->referencePath),
                                                              QString::fromStdString(m_session->store().path()));
                dialog->setResumableRun(run->id, QString::fromStdString(run->name), settings.value(), ref.path,
                                        ref.found);
            }
        }
        dialog->setDatasetPath(m_session->datasetPath());
    }
    return dialog;
}

void MainWindow::runScoring()
{
    if (!m_session || m_scoring->isRunning())
        return;
    ScoringDialog *dialog = createScoringDialog();
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        if (!m_session)
            return;
        m_score->setEnabled(false);
        m_scoring->start(m_session, dialog->settings(), dialog->resumeRunId());
    });
    dialog->open();
}

ExportDialog *MainWindow::createExportDialog()
{
    if (!m_session)
        return nullptr;
    auto *dialog = new ExportDialog(m_session, this);
    ExportPolicy p = dialog->policy();
    const ScoreSnapshot &scores = m_session->scores();
    if (scores.hasScores()) {
        // Start from the histogram's cut, a share of the run shown: what the curator has been looking at.
        p.mode = ExportPolicy::Mode::TopPercent;
        p.topPercent = std::max(0.1, m_histogram->topPercent());
        dialog->setOrigin(tr("Starts from run %1 “%2” (the run shown) and the histogram's cut: keep the top %3 %")
                              .arg(scores.runId)
                              .arg(QString::fromStdString(scores.runName))
                              .arg(QString::number(p.topPercent, 'f', 1)));
    }
    // ... ranked within the groups of the last export (each source, each problem), if any.
    p.withinGroups = ExportDialog::lastGrouping();
    dialog->setPolicy(p);
    return dialog;
}

void MainWindow::exportSubset()
{
    ExportDialog *dialog = createExportDialog();
    if (!dialog)
        return;
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ExportDialog::exportFinished, this, [this](bool, const QString &message) {
        statusBar()->showMessage(message, 15000);
    });
    dialog->open();
}

} // namespace ost::ui
