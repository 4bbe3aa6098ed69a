#include "ui/MainWindow.h"

#include "ui/dialogs/ScoringController.h"
#include "ui/models/SampleFilterProxy.h"
#include "ui/models/SampleTableModel.h"
#include "ui/models/ThumbnailCache.h"
#include "ui/session/DatasetOpener.h"
#include "ui/session/ProjectSession.h"
#include "ui/widgets/DetailPane.h"
#include "ui/widgets/EmptyState.h"
#include "ui/widgets/FilterBar.h"
#include "ui/widgets/GalleryDelegate.h"
#include "ui/widgets/HistogramPanel.h"
#include "ui/widgets/HistogramWidget.h"
#include "ui/widgets/LogPanel.h"
#include "ui/widgets/MiddleElideDelegate.h"
#include "ui/widgets/ReferenceSetPanel.h"
#include "ui/widgets/ReviewQueueWidget.h"
#include "ui/widgets/ScoringStatusWidget.h"

#include "core/common/Log.h"

#include <QCloseEvent>
#include <QDockWidget>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QScrollBar>
#include <QLabel>
#include <QListView>
#include <QMenu>
#include <QLocale>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QUndoStack>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <optional>

namespace ost::ui {

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setWindowTitle(tr("OST Curator"));
    setAcceptDrops(true);
    m_thumbs = new ThumbnailCache(128, this);
    m_model = new SampleTableModel(m_thumbs, this);
    m_proxy = new SampleFilterProxy(this);
    m_proxy->setSampleModel(m_model);
    m_opener = new DatasetOpener(this);
    m_scoring = new ScoringController(this);

    buildViews();
    buildDocks();
    buildMenus();

    m_counts = new QLabel(this);
    m_openLabel = new QLabel(this);
    m_openProgress = new QProgressBar(this);
    m_openProgress->setMaximumWidth(200);
    m_openProgress->setMaximumHeight(16);
    m_openLabel->setVisible(false);
    m_openProgress->setVisible(false);
    m_scoringStatus = new ScoringStatusWidget(m_scoring, this);
    statusBar()->addWidget(m_counts, 1);
    statusBar()->addPermanentWidget(m_openLabel);
    statusBar()->addPermanentWidget(m_openProgress);
    statusBar()->addPermanentWidget(m_scoringStatus);

    m_statsTimer = new QTimer(this);
    m_statsTimer->setSingleShot(true);
    m_statsTimer->setInterval(150);
    connect(m_statsTimer, &QTimer::timeout, this, &MainWindow::updateStats);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &MainWindow::scheduleStatsUpdate);
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, &MainWindow::scheduleStatsUpdate);
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, &MainWindow::scheduleStatsUpdate);
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, &MainWindow::scheduleStatsUpdate);
    connect(m_proxy, &SampleFilterProxy::filterChanged, this, &MainWindow::scheduleStatsUpdate);

    connect(m_opener, &DatasetOpener::progress, this, &MainWindow::onOpenProgress);
    connect(m_opener, &DatasetOpener::opened, this, &MainWindow::setSession);
    connect(m_opener, &DatasetOpener::failed, this, [this](const QString &path, const QString &message) {
        m_openLabel->setVisible(false);
        m_openProgress->setVisible(false);
        ost::log::error(QStringLiteral("Cannot open %1: %2").arg(path, message).toStdString());
        statusBar()->showMessage(tr("Cannot open %1: %2").arg(QFileInfo(path).fileName(), message), 15000);
        m_noDataset->setTitle(tr("Could not open %1").arg(QFileInfo(path).fileName()));
        m_noDataset->setHint(message.toHtmlEscaped() + QStringLiteral("<br><br>") +
                             tr("Open a dataset (Ctrl+O) or drop a .jsonl/.json file here"));
        Q_EMIT datasetFailed(message);
    });
    connect(m_scoring, &ScoringController::finished, this, [this](const ScoringOutcome &outcome) {
        if (!outcome.error.isEmpty()) {
            ost::log::error(("Scoring failed: " + outcome.error).toStdString());
            statusBar()->showMessage(tr("Scoring failed: %1").arg(outcome.error), 20000);
        } else {
            statusBar()->showMessage(outcome.cancelled ? tr("Scoring stopped; Score > Run OST… continues it")
                                                       : tr("Scoring finished"),
                                     10000);
        }
        m_score->setEnabled(true);
    });

    // Dragging emits per mouse move; the store is written once the cut rests.
    m_cutSaveTimer = new QTimer(this);
    m_cutSaveTimer->setSingleShot(true);
    m_cutSaveTimer->setInterval(300);
    connect(m_cutSaveTimer, &QTimer::timeout, this, &MainWindow::saveCut);
    connect(m_histogram, &HistogramPanel::topPercentChanged, this, [this] {
        if (!m_loadingCut && m_session)
            m_cutSaveTimer->start();
    });
    connect(m_histogram, &HistogramPanel::harmfulThresholdEdited, this, [this](double t) {
        if (m_session && m_session->setHarmfulThreshold(t))
            statusBar()->showMessage(tr("Harmful below %1 for run %2").arg(t).arg(m_session->scores().runId), 5000);
    });

    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    m_layoutRestored = restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    if (!settings.contains(QStringLiteral("window/geometry"))) {
        // 1280×800, or less on a screen that small: the size excludes the window manager's frame, and
        // 800 px on an 800 px screen put the status bar (where scoring shows its progress) off screen.
        const QSize room = screen() ? screen()->availableGeometry().size() - QSize(16, 48) : QSize(1280, 800);
        resize(QSize(1280, 800).boundedTo(room));
    }
    updateEmptyStates();
    updateStats();
}

MainWindow::~MainWindow()
{
    m_scoring->cancel();
    m_scoring->waitForFinished();
    m_model->setSession(nullptr);
    delete m_session.data();
}

void MainWindow::buildViews()
{
    m_filterBar = new FilterBar(this);
    connect(m_filterBar, &FilterBar::filterChanged, this, [this](const SampleFilter &f) {
        const SampleFilter::Check before = m_proxy->filter().check;
        m_proxy->setFilter(f);
        if (f.check != before && f.check != SampleFilter::Check::Any)
            showCheckColumn(int(f.check));
    });

    m_table = new QTableView(this);
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setWordWrap(false);
    m_table->setShowGrid(false);
    m_table->setAlternatingRowColors(true);
    m_table->setIconSize(QSize(36, 36));
    m_model->setThumbnailBox(m_table->iconSize()); // whole images, letterboxed, instead of a 128 px crop
    m_table->verticalHeader()->setVisible(false);
    // Fixed row height: the view never measures a million rows.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(42);
    m_table->horizontalHeader()->setHighlightSections(false);
    m_table->horizontalHeader()->setSectionsMovable(true);
    m_table->horizontalHeader()->setContextMenuPolicy(Qt::CustomContextMenu);
    const std::pair<int, int> widths[] = {
        {SampleTableModel::ColThumbnail, 48}, {SampleTableModel::ColId, 120},     {SampleTableModel::ColQuestion, 260},
        {SampleTableModel::ColAnswer, 220},   {SampleTableModel::ColAnswerLength, 58}, {SampleTableModel::ColUtility, 78},
        {SampleTableModel::ColRank, 52},      {SampleTableModel::ColLoss, 64},    {SampleTableModel::ColIfd, 64},
        {SampleTableModel::ColLength, 72},    {SampleTableModel::ColRandom, 64},  {SampleTableModel::ColHarmful, 66},
        {SampleTableModel::ColDecision, 66},  {SampleTableModel::ColTags, 90},    {SampleTableModel::ColProblems, 160},
        {SampleTableModel::ColDuplicate, 150}, {SampleTableModel::ColImageCheck, 130}, {SampleTableModel::ColTokens, 60}};
    for (const auto &[col, w] : widths)
        m_table->setColumnWidth(col, w);
    m_table->setItemDelegateForColumn(SampleTableModel::ColId, new MiddleElideDelegate(m_table));
    connect(m_table->horizontalHeader(), &QHeaderView::sectionResized, this, [this](int logical, int, int) {
        if (!m_sizingColumns && (logical == SampleTableModel::ColQuestion || logical == SampleTableModel::ColAnswer))
            m_textColumnsSized = true; // the curator's widths win from now on
    });
    m_table->viewport()->installEventFilter(this);
    // What a curator decides on comes first, the long texts after: at 1280 px the scroll then cuts
    // into the answer text, not into the scores (the header menu shows or hides any column).
    const int firstColumns[] = {SampleTableModel::ColThumbnail, SampleTableModel::ColId, SampleTableModel::ColUtility,
                                SampleTableModel::ColRank, SampleTableModel::ColHarmful, SampleTableModel::ColDecision};
    for (int visual = 0; visual < int(std::size(firstColumns)); ++visual)
        m_table->horizontalHeader()->moveSection(m_table->horizontalHeader()->visualIndex(firstColumns[visual]), visual);
    connect(m_table->horizontalHeader(), &QHeaderView::customContextMenuRequested, this, [this](const QPoint &pos) {
        QMenu menu(this);
        for (int c = 0; c < SampleTableModel::ColumnCount; ++c) {
            QAction *a = menu.addAction(m_model->headerData(c, Qt::Horizontal).toString());
            a->setCheckable(true);
            a->setChecked(!m_table->isColumnHidden(c));
            connect(a, &QAction::toggled, this, [this, c](bool on) { m_table->setColumnHidden(c, !on); });
        }
        menu.exec(m_table->horizontalHeader()->mapToGlobal(pos));
    });
    m_tableEmpty = new QLabel(m_table->viewport());
    m_tableEmpty->setAlignment(Qt::AlignCenter);
    m_tableEmpty->setStyleSheet(QStringLiteral("color:#777;font-size:13pt;background:transparent"));
    m_tableEmpty->setText(tr("No sample matches the filter.\nClear it with the Clear button or Ctrl+Shift+F."));
    m_tableEmpty->setVisible(false);
    auto *overlay = new QVBoxLayout(m_table->viewport());
    overlay->addWidget(m_tableEmpty);

    m_gallery = new QListView(this);
    m_gallery->setModel(m_proxy);
    m_gallery->setModelColumn(SampleTableModel::ColId);
    m_gallery->setViewMode(QListView::IconMode);
    m_gallery->setResizeMode(QListView::Adjust);
    m_gallery->setMovement(QListView::Static);
    m_gallery->setUniformItemSizes(true);
    m_gallery->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_gallery->setSpacing(2);
    m_gallery->setItemDelegate(new GalleryDelegate(128, m_gallery));

    m_review = new ReviewQueueWidget(m_model, this);

    m_tabs = new QTabWidget(this);
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_table, tr("Table"));
    m_tabs->addTab(m_gallery, tr("Gallery"));
    m_tabs->addTab(m_review, tr("Review harmful"));
    // The reference set V itself: how the pool's steps treat each reference problem. A tab, not a
    // dock: its rows need the height (the bottom dock showed two of sixteen at 1280x800).
    m_referenceSet = new ReferenceSetPanel(m_model, this);
    m_tabs->addTab(m_referenceSet, tr("Reference set"));

    m_bannerText = new QLabel(this);
    m_banner = new QWidget(this);
    m_banner->setObjectName(QStringLiteral("banner"));
    m_banner->setStyleSheet(QStringLiteral("#banner{background:#fff6d6;border-bottom:1px solid #e8d9a0}"));
    auto *bl = new QHBoxLayout(m_banner);
    bl->setContentsMargins(10, 4, 10, 4);
    auto *bannerRun = new QPushButton(tr("Run OST…"), m_banner);
    connect(bannerRun, &QPushButton::clicked, this, &MainWindow::runScoring);
    bl->addWidget(m_bannerText, 1);
    bl->addWidget(bannerRun);

    // Non-modal warning: the file was edited after scoring, so some scores describe old records.
    m_staleText = new QLabel(this);
    m_staleText->setWordWrap(true);
    m_staleText->setTextFormat(Qt::RichText);
    m_staleBanner = new QWidget(this);
    m_staleBanner->setObjectName(QStringLiteral("staleBanner"));
    m_staleBanner->setStyleSheet(QStringLiteral("#staleBanner{background:#fde3cf;border-bottom:1px solid #e3a97a}"));
    auto *sl = new QHBoxLayout(m_staleBanner);
    sl->setContentsMargins(10, 4, 10, 4);
    auto *staleRun = new QPushButton(tr("Score again…"), m_staleBanner);
    staleRun->setToolTip(tr("Score > Run OST…: a new run scores the file as it is now"));
    connect(staleRun, &QPushButton::clicked, this, &MainWindow::runScoring);
    auto *staleClose = new QPushButton(tr("Dismiss"), m_staleBanner);
    connect(staleClose, &QPushButton::clicked, this, [this] {
        m_staleDismissedRun = m_session ? m_session->staleScores().runId : -1;
        m_staleBanner->setVisible(false);
    });
    sl->addWidget(m_staleText, 1);
    sl->addWidget(staleRun);
    sl->addWidget(staleClose);
    m_staleBanner->setVisible(false);

    auto *page = new QWidget(this);
    auto *pl = new QVBoxLayout(page);
    pl->setContentsMargins(0, 0, 0, 0);
    pl->setSpacing(0);
    pl->addWidget(m_banner);
    pl->addWidget(m_staleBanner);
    pl->addWidget(m_tabs, 1);

    // The filter bar spans the window, above the detail dock too: squeezed into the table's width its
    // combos and placeholder were cut at 1280 px.
    m_filterToolbar = addToolBar(tr("Filter"));
    m_filterToolbar->setObjectName(QStringLiteral("filterToolbar"));
    m_filterToolbar->setMovable(false);
    m_filterToolbar->setFloatable(false);
    m_filterBar->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    m_filterToolbar->addWidget(m_filterBar);

    m_noDataset = new EmptyState(tr("No dataset open"), tr("Open a dataset (Ctrl+O) or drop a .jsonl/.json file here"),
                                 this);
    connect(m_noDataset->addButton(tr("Open dataset…")), &QPushButton::clicked, this, &MainWindow::chooseAndOpen);

    m_central = new QStackedWidget(this);
    m_central->addWidget(m_noDataset);
    m_central->addWidget(page);
    setCentralWidget(m_central);

    const auto follow = [this](QAbstractItemView *view) {
        connect(view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
                [this](const QModelIndex &current) {
                    if (!m_syncingSelection)
                        setCurrentSample(current.isValid() ? m_proxy->sampleIndex(current.row()) : -1);
                });
    };
    follow(m_table);
    follow(m_gallery);
    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int) {
        // The review queue has its own detail pane; the dock would only repeat it.
        if (auto *dock = qobject_cast<QDockWidget *>(m_detail ? m_detail->parentWidget() : nullptr))
            dock->setVisible(m_tabs->currentWidget() != m_review);
    });
}

void MainWindow::buildDocks()
{
    m_detail = new DetailPane(m_model, this);
    auto *detailDock = new QDockWidget(tr("Sample"), this);
    detailDock->setObjectName(QStringLiteral("detailDock"));
    detailDock->setWidget(m_detail);
    detailDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable |
                            QDockWidget::DockWidgetClosable);
    addDockWidget(Qt::RightDockWidgetArea, detailDock);

    m_histogram = new HistogramPanel(this);
    auto *histDock = new QDockWidget(tr("Utility distribution"), this);
    histDock->setObjectName(QStringLiteral("histogramDock"));
    histDock->setWidget(m_histogram);
    addDockWidget(Qt::BottomDockWidgetArea, histDock);

    m_log = new LogPanel(this);
    auto *logDock = new QDockWidget(tr("Log"), this);
    logDock->setObjectName(QStringLiteral("logDock"));
    logDock->setWidget(m_log);
    addDockWidget(Qt::BottomDockWidgetArea, logDock);
    tabifyDockWidget(histDock, logDock);
    histDock->raise();
}

void MainWindow::showEvent(QShowEvent *e)
{
    QMainWindow::showEvent(e);
    if (m_layoutRestored)
        return;
    m_layoutRestored = true;
    // First run: give the table most of the room; docks only get their sizes once the window has one.
    const QList<QDockWidget *> docks = findChildren<QDockWidget *>();
    for (QDockWidget *dock : docks) {
        if (dock->objectName() == QLatin1String("detailDock"))
            resizeDocks({dock}, {qMax(380, width() * 34 / 100)}, Qt::Horizontal);
        else if (dock->objectName() == QLatin1String("histogramDock"))
            resizeDocks({dock}, {qMax(150, height() * 22 / 100)}, Qt::Vertical);
    }
}

void MainWindow::openDataset(const QString &path)
{
    if (m_scoring->isRunning()) {
        statusBar()->showMessage(tr("Stop the scoring run before opening another dataset"), 8000);
        return;
    }
    m_detail->saveNotes();
    m_openLabel->setText(tr("Opening %1…").arg(QFileInfo(path).fileName()));
    m_openLabel->setVisible(true);
    m_openProgress->setRange(0, 0);
    m_openProgress->setVisible(true);
    ost::log::info(QStringLiteral("Opening %1").arg(path).toStdString());
    m_opener->open(QFileInfo(path).absoluteFilePath());
}

void MainWindow::onOpenProgress(qint64 done, qint64 total, const QString &message)
{
    if (total > 0) {
        m_openProgress->setRange(0, 1000);
        m_openProgress->setValue(int(1000.0 * double(done) / double(total)));
    }
    if (!message.isEmpty())
        m_openLabel->setText(message);
}

void MainWindow::setSession(ProjectSession *session)
{
    m_openLabel->setVisible(false);
    m_openProgress->setVisible(false);
    ProjectSession *old = m_session;
    m_detail->showSample(-1);
    m_model->setSession(nullptr);
    m_thumbs->clear();
    if (m_cutSaveTimer->isActive()) { // the previous project's last drag
        m_cutSaveTimer->stop();
        saveCut();
    }
    m_runValuesOf = nullptr;
    delete old;
    m_session = session;
    session->setParent(this);
    m_model->setSession(session);
    connect(session, &ProjectSession::errorOccurred, this, [this](const QString &message) {
        ost::log::error(message.toStdString());
        statusBar()->showMessage(message, 15000);
    });
    connect(session, &ProjectSession::scoresChanged, this, [this] {
        m_runValuesOf = nullptr; // a new snapshot: the histogram's run values are read again
        if (m_session && m_session->scores().runId != m_cutRunId) {
            if (m_cutSaveTimer->isActive()) { // a drag just before: it belongs to the run before
                m_cutSaveTimer->stop();
                saveCut();
            }
            loadCut(); // another run: its own cut, or the project's last share
        }
        updateEmptyStates();
        scheduleStatsUpdate();
    });
    connect(session, &ProjectSession::decisionsChanged, this, &MainWindow::scheduleStatsUpdate);
    connect(session, &ProjectSession::checksChanged, this, &MainWindow::updateCheckColumns);
    connect(session, &ProjectSession::staleScoresChanged, this, &MainWindow::updateStaleBanner);
    m_staleDismissedRun = -1;
    connect(session, &ProjectSession::annotationsChanged, this,
            [this] { m_filterBar->setTags(m_session ? m_session->allTagNames() : QStringList()); });
    connect(session->undoStack(), &QUndoStack::indexChanged, this, &MainWindow::updateUndoActions);
    m_filterBar->setTags(session->allTagNames());

    const QString path = session->datasetPath();
    setWindowTitle(tr("%1 — OST Curator").arg(QFileInfo(path).fileName()));
    setWindowFilePath(path);
    addRecent(path);
    ost::log::info(QStringLiteral("Opened %1: %2 samples, %3 scored")
                       .arg(path)
                       .arg(session->size())
                       .arg(session->scores().scoredCount)
                       .toStdString());
    if (session->unreadableCount() > 0) {
        const ValidationIssue &first = *session->unreadable(session->size());
        ost::log::warn(QStringLiteral("%1: %2 line(s) could not be read and are listed as rows at the end "
                                      "(first: line %3: %4)")
                           .arg(path)
                           .arg(session->unreadableCount())
                           .arg(first.line)
                           .arg(QString::fromStdString(first.message))
                           .toStdString());
    }
    m_cutRunId = -1;
    loadCut();
    updateCheckColumns();
    sizeColumns();
    if (session->scores().hasScores())
        m_table->sortByColumn(SampleTableModel::ColUtility, Qt::DescendingOrder);
    else
        m_table->sortByColumn(-1, Qt::AscendingOrder);
    updateEmptyStates();
    updateStaleBanner();
    updateUndoActions();
    updateStats();
    if (m_proxy->rowCount() > 0)
        m_table->setCurrentIndex(m_proxy->index(0, SampleTableModel::ColId));
    // Focus on the table, not the first field of the tab chain (the search box took Ctrl+Z and K/D).
    m_table->setFocus(Qt::OtherFocusReason);
    Q_EMIT datasetOpened();
}

void MainWindow::setCurrentSample(int64_t index)
{
    m_detail->showSample(index);
    // Keep table and gallery on the same sample.
    m_syncingSelection = true;
    const int row = m_proxy->proxyRowOf(index);
    for (QAbstractItemView *view : {static_cast<QAbstractItemView *>(m_table), static_cast<QAbstractItemView *>(m_gallery)}) {
        if (row >= 0 && view->currentIndex().row() != row)
            view->selectionModel()->setCurrentIndex(m_proxy->index(row, view == m_gallery ? SampleTableModel::ColId : 0),
                                                    QItemSelectionModel::NoUpdate);
    }
    m_syncingSelection = false;
}

void MainWindow::showView(View view)
{
    m_tabs->setCurrentIndex(int(view)); // the tabs are in View's order
}

void MainWindow::updateEmptyStates()
{
    m_central->setCurrentIndex(m_session ? 1 : 0);
    m_filterBar->setEnabled(m_session);
    const bool scored = m_session && m_session->scores().hasScores();
    m_banner->setVisible(m_session && !scored && !m_scoring->isRunning());
    m_bannerText->setText(tr("<b>Not scored yet</b> — Score &gt; Run OST… ranks every sample by how much one "
                             "training step on it helps the reference set."));
    m_histogram->histogram()->setEmptyText(m_session ? tr("Not scored yet — Score > Run OST…")
                                                     : tr("Open a dataset to see its utility distribution"));
    if (m_export)
        m_export->setEnabled(m_session);
    if (m_score)
        m_score->setEnabled(m_session && !m_scoring->isRunning());
}

void MainWindow::showCheckColumn(int check)
{
    // The check columns come last (at 1280 px they are off to the right, and scrolling to them hid
    // the ids): a check filter moves the column it is about next to Decision, and "Duplicates only"
    // sorts by the group so that each lies together.
    using C = SampleFilter::Check;
    const auto c = C(check);
    const int column = c == C::ImageIssues                      ? SampleTableModel::ColImageCheck
                       : c == C::OverCutoff || c == C::CutsImage ? SampleTableModel::ColTokens
                                                                 : SampleTableModel::ColDuplicate;
    if (c == C::Duplicates)
        m_table->sortByColumn(SampleTableModel::ColDuplicate, Qt::AscendingOrder);
    QHeaderView *h = m_table->horizontalHeader();
    const int after = h->visualIndex(SampleTableModel::ColDecision) + 1;
    if (h->visualIndex(column) > after)
        h->moveSection(h->visualIndex(column), after);
    m_table->horizontalScrollBar()->setValue(0);
}

void MainWindow::updateCheckColumns()
{
    // The check columns only where `ostc check` left results (until they are read, too: they would
    // be empty); the header's menu still shows or hides them.
    const bool present = m_session && m_session->checks().present;
    for (int c : {SampleTableModel::ColDuplicate, SampleTableModel::ColImageCheck, SampleTableModel::ColTokens})
        m_table->setColumnHidden(c, !present);
    m_filterBar->setChecksAvailable(present);
    scheduleStatsUpdate();
}

void MainWindow::updateStaleBanner()
{
    const StaleScores stale = m_session ? m_session->staleScores() : StaleScores{};
    const bool show = stale.any() && stale.runId != m_staleDismissedRun;
    if (show) {
        const QLocale loc;
        QString text = stale.changed() == 1
                           ? tr("<b>The dataset changed since it was scored:</b> 1 score may refer to old content")
                           : tr("<b>The dataset changed since it was scored:</b> %1 scores may refer to old content")
                                 .arg(loc.toString(qlonglong(stale.changed())));
        if (stale.missing > 0)
            text += stale.missing == 1 ? tr(", and 1 scored sample is no longer in the file")
                                       : tr(", and %1 scored samples are no longer in the file")
                                             .arg(loc.toString(qlonglong(stale.missing)));
        text += tr(". Score again (Score &gt; Run OST…) to replace them.");
        m_staleText->setText(text);
        ost::log::warn(QStringLiteral("%1: %2 of %3 scores were computed on records that have changed since, "
                                      "%4 scored ids are gone")
                           .arg(m_session->datasetPath())
                           .arg(stale.changed())
                           .arg(stale.checked)
                           .arg(stale.missing)
                           .toStdString());
    }
    m_staleBanner->setVisible(show);
}

QString MainWindow::staleWarning() const
{
    return m_staleBanner->isHidden() ? QString() : m_staleText->text();
}

void MainWindow::scheduleStatsUpdate()
{
    m_statsTimer->start();
}

void MainWindow::updateStats()
{
    const bool noRows = m_session && m_proxy->rowCount() == 0;
    m_tableEmpty->setVisible(noRows);
    if (!m_session) {
        m_counts->setText(tr("No dataset open"));
        m_histogram->setValues({}, 0);
        return;
    }
    const ScoreSnapshot &scores = m_session->scores();
    const std::vector<int64_t> shown = m_proxy->visibleSampleIndices();
    std::vector<double> values;
    values.reserve(shown.size());
    int64_t harmful = 0, kept = 0, dropped = 0;
    for (int64_t i : shown) {
        values.push_back(scores.utilityAt(i));
        harmful += scores.isHarmful(i) ? 1 : 0;
        const Decision d = m_session->decision(i);
        kept += d == Decision::Keep;
        dropped += d == Decision::Drop;
    }
    if (m_runValuesOf != &scores) {
        m_runValuesOf = &scores;
        m_histogram->setRunValues(scores.utility);
    }
    m_histogram->setValues(std::move(values), scores.harmfulThreshold);
    const QLocale loc;
    const auto samplesShown = std::count_if(shown.begin(), shown.end(), [this](int64_t i) { return i < m_session->size(); });
    const QString nShown = loc.toString(qlonglong(samplesShown));
    m_keepShown->setText(tr("Keep All %1 Shown…").arg(nShown));
    m_dropShown->setText(tr("Drop All %1 Shown…").arg(nShown));
    QStringList parts;
    parts << tr("%1 samples").arg(loc.toString(qlonglong(m_session->size())));
    if (m_session->unreadableCount() > 0)
        parts << tr("%n unreadable line(s)", nullptr, int(m_session->unreadableCount()));
    if (qlonglong(shown.size()) != m_session->rowCount())
        parts << tr("%1 shown").arg(loc.toString(qlonglong(shown.size())));
    parts << (scores.hasScores() ? tr("%1 scored").arg(loc.toString(qlonglong(scores.scoredCount)))
                                 : tr("not scored"));
    if (scores.hasScores()) {
        // A newer run without scores: one under way gets "yet", one that ended without any says how.
        const bool underWay = scores.newerRunStatus == "running" || scores.newerRunStatus == "paused" ||
                              scores.newerRunStatus == "cancelled";
        if (scores.newerRunId <= 0)
            parts << tr("run %1").arg(scores.runId);
        else if (underWay)
            parts << tr("run %1 shown (run %2 has no scores yet)").arg(scores.runId).arg(scores.newerRunId);
        else
            parts << tr("run %1 shown (run %2, %3, has no scores)")
                         .arg(scores.runId)
                         .arg(scores.newerRunId)
                         .arg(QString::fromStdString(scores.newerRunStatus));
    }
    if (scores.hasScores())
        parts << tr("%1 harmful").arg(loc.toString(qlonglong(harmful)));
    parts << tr("%1 kept · %2 dropped").arg(loc.toString(qlonglong(kept)), loc.toString(qlonglong(dropped)));
    if (m_session->problemCount() > 0)
        parts << tr("%1 with problems").arg(loc.toString(qlonglong(m_session->problemCount())));
    m_counts->setText(parts.join(QStringLiteral("  ·  ")));
}

QString MainWindow::countsText() const { return m_counts->text(); }

bool MainWindow::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_table->viewport() && event->type() == QEvent::Resize)
        QTimer::singleShot(0, this, &MainWindow::fitTextColumns);
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::sizeColumns()
{
    if (!m_session)
        return;
    // The id column as wide as the longest id among the first rows (a million are not measured),
    // within bounds; the delegate elides the rest in the middle.
    const QFontMetrics fm(m_table->font());
    int widest = fm.horizontalAdvance(m_model->headerData(SampleTableModel::ColId, Qt::Horizontal).toString());
    const int64_t n = std::min<int64_t>(m_session->size(), 2000);
    for (int64_t i = 0; i < n; ++i)
        widest = std::max(widest, fm.horizontalAdvance(QString::fromStdString(m_session->dataset().id(i))));
    m_sizingColumns = true;
    m_table->setColumnWidth(SampleTableModel::ColId, std::clamp(widest + 16, 70, 300));
    m_sizingColumns = false;
    fitTextColumns();
}

void MainWindow::fitTextColumns()
{
    // Question and Answer share what the columns before them leave of the visible width, so that
    // both read in full at 1280 px (the Answer was cut off at the right); later columns scroll.
    if (m_textColumnsSized)
        return;
    QHeaderView *h = m_table->horizontalHeader();
    const int question = h->visualIndex(SampleTableModel::ColQuestion), answer = h->visualIndex(SampleTableModel::ColAnswer);
    int before = 0;
    for (int v = 0; v < std::min(question, answer); ++v)
        if (!h->isSectionHidden(h->logicalIndex(v)))
            before += h->sectionSize(h->logicalIndex(v));
    const int room = m_table->viewport()->width() - before - 4;
    if (room < 2 * 140)
        return;
    m_sizingColumns = true;
    m_table->setColumnWidth(SampleTableModel::ColQuestion, room * 55 / 100);
    m_table->setColumnWidth(SampleTableModel::ColAnswer, room - room * 55 / 100);
    m_sizingColumns = false;
}

namespace {
const std::string kCutKey = "ui/cut/topPercent"; // the project's last share; + "/run/ID" per run
std::optional<double> storedPercent(const ProjectStore &store, const std::string &key)
{
    const std::optional<std::string> text = store.blob(key);
    bool ok = false;
    const double p = text ? QString::fromStdString(*text).toDouble(&ok) : 0;
    return ok && p >= 0 && p <= 100 ? std::optional<double>(p) : std::nullopt;
}
} // namespace

void MainWindow::loadCut()
{
    if (!m_session)
        return;
    const int64_t runId = m_session->scores().runId;
    m_cutRunId = runId;
    const ProjectStore &store = m_session->store();
    // This run's cut; for a run not cut yet, the share this project was last cut at; else half.
    std::optional<double> p = storedPercent(store, kCutKey + "/run/" + std::to_string(runId));
    if (!p)
        p = storedPercent(store, kCutKey);
    m_loadingCut = true;
    m_histogram->setTopPercent(p.value_or(50.0));
    m_loadingCut = false;
}

void MainWindow::saveCut()
{
    if (!m_session)
        return;
    const std::string value = QString::number(m_histogram->topPercent(), 'g', 12).toStdString();
    ProjectStore &store = m_session->store();
    for (const std::string &key : {kCutKey, kCutKey + "/run/" + std::to_string(m_cutRunId)})
        if (Status st = store.putBlob(key, value); !st.ok()) {
            statusBar()->showMessage(tr("Cannot save the cut: %1").arg(QString::fromStdString(st.error().message)),
                                     8000);
            return;
        }
}

ProjectSession *MainWindow::session() const { return m_session.data(); }

std::vector<int64_t> MainWindow::selectedSamples() const
{
    QAbstractItemView *view = m_tabs->currentWidget() == m_gallery ? static_cast<QAbstractItemView *>(m_gallery)
                                                                   : static_cast<QAbstractItemView *>(m_table);
    std::vector<int64_t> out;
    for (const QModelIndex &i : view->selectionModel()->selectedRows(view == m_gallery ? SampleTableModel::ColId : 0))
        out.push_back(m_proxy->sampleIndex(i.row()));
    if (out.empty() && m_detail->currentSample() >= 0)
        out.push_back(m_detail->currentSample());
    return out;
}

void MainWindow::closeEvent(QCloseEvent *e)
{
    m_detail->saveNotes();
    m_review->detail()->saveNotes();
    if (m_scoring->isRunning()) {
        m_scoring->cancel(); // the job stops between batches; a later run continues it
        m_scoring->waitForFinished();
    }
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    e->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent *e)
{
    for (const QUrl &url : e->mimeData()->urls()) {
        const QString suffix = QFileInfo(url.toLocalFile()).suffix().toLower();
        if (url.isLocalFile() && (suffix == QLatin1String("jsonl") || suffix == QLatin1String("json"))) {
            e->acceptProposedAction();
            return;
        }
    }
}

void MainWindow::dropEvent(QDropEvent *e)
{
    for (const QUrl &url : e->mimeData()->urls()) {
        if (url.isLocalFile()) {
            openDataset(url.toLocalFile());
            e->acceptProposedAction();
            return;
        }
    }
}

} // namespace ost::ui

#include "moc_MainWindow.cpp"
