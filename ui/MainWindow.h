#pragma once
// The main window: open a dataset (menu, recent files, drag and drop, command line), browse it as
// a table or a gallery, review harmful samples, score, decide, undo and export. It only wires
// views to the session; the work itself runs in the session, the opener and the scoring controller.
#include <QMainWindow>
#include <QPointer>

#include <vector>

class QAction;
class QLabel;
class QListView;
class QMenu;
class QProgressBar;
class QStackedWidget;
class QTabWidget;
class QTableView;
class QTimer;
class QToolBar;

namespace ost::ui {

class DatasetOpener;
class DetailPane;
class EmptyState;
class ExportDialog;
class FilterBar;
class HistogramPanel;
class LogPanel;
class ProjectSession;
class ReferenceSetPanel;
class ReviewQueueWidget;
class SampleFilterProxy;
class SampleTableModel;
class ScoringController;
class ScoringDialog;
class ScoringStatusWidget;
class ShortcutOverlay;
class ThumbnailCache;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    enum class View { Table, Gallery, Review, References };

    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    void openDataset(const QString &path);
    ProjectSession *session() const;
    void showView(View view);

    // For tests and --screenshot.
    ShortcutOverlay *shortcutOverlay() const { return m_shortcuts; }
    SampleTableModel *sampleModel() const { return m_model; }
    SampleFilterProxy *proxy() const { return m_proxy; }
    QTableView *table() const { return m_table; }
    ReviewQueueWidget *reviewQueue() const { return m_review; }
    DetailPane *detailPane() const { return m_detail; }
    HistogramPanel *histogramPanel() const { return m_histogram; }
    ReferenceSetPanel *referenceSetPanel() const { return m_referenceSet; }
    ThumbnailCache *thumbnails() const { return m_thumbs; }
    ScoringController *scoring() const { return m_scoring; }
    FilterBar *filterBar() const { return m_filterBar; }
    QString countsText() const;
    // The "dataset changed since it was scored" banner's text; empty while it is hidden.
    QString staleWarning() const;
    // Dialogs built but not executed, so a caller can show (or grab) them.
    ExportDialog *createExportDialog();
    ScoringDialog *createScoringDialog();
    // Applies a decision to samples, as one undo step; asks first when `confirm` and more than one.
    bool bulkDecide(const std::vector<int64_t> &indices, int decision, bool confirm);
    std::vector<int64_t> selectedSamples() const;

Q_SIGNALS:
    void datasetOpened();
    void datasetFailed(const QString &message);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void closeEvent(QCloseEvent *e) override;
    void showEvent(QShowEvent *e) override;
    void dragEnterEvent(QDragEnterEvent *e) override;
    void dropEvent(QDropEvent *e) override;

private:
    void buildViews();
    void buildDocks();
    void buildMenus();
    void setSession(ProjectSession *session);
    void onOpenProgress(qint64 done, qint64 total, const QString &message);
    void updateEmptyStates();
    void updateStaleBanner();
    void updateCheckColumns();
    void showCheckColumn(int check); // a SampleFilter::Check
    void scheduleStatsUpdate();
    void updateStats();
    void updateUndoActions();
    void updateRecentMenu();
    void addRecent(const QString &path);
    void setCurrentSample(int64_t index);
    void chooseAndOpen();
    void runScoring();
    void exportSubset();
    void decideAllShown(int decision);
    void showShortcuts();
    // The histogram's cut is "keep the top P %" of one project's run, kept in its store.
    void loadCut();
    void saveCut();
    void sizeColumns();    // the id column to its content, then fitTextColumns
    void fitTextColumns(); // Question and Answer fill the visible width until the curator resizes one

    ThumbnailCache *m_thumbs;
    SampleTableModel *m_model;
    SampleFilterProxy *m_proxy;
    QPointer<ProjectSession> m_session;
    DatasetOpener *m_opener;
    ScoringController *m_scoring;

    QStackedWidget *m_central;
    EmptyState *m_noDataset;
    QWidget *m_banner;
    QLabel *m_bannerText;
    QWidget *m_staleBanner;
    QLabel *m_staleText;
    int64_t m_staleDismissedRun = -1; // the run whose warning the curator closed
    QTabWidget *m_tabs;
    QTableView *m_table;
    QLabel *m_tableEmpty;
    QListView *m_gallery;
    ReviewQueueWidget *m_review;
    DetailPane *m_detail;
    HistogramPanel *m_histogram;
    LogPanel *m_log;
    ReferenceSetPanel *m_referenceSet;
    FilterBar *m_filterBar;
    QToolBar *m_filterToolbar;
    QMenu *m_viewMenu = nullptr;

    QLabel *m_counts;
    QProgressBar *m_openProgress;
    QLabel *m_openLabel;
    ScoringStatusWidget *m_scoringStatus;

    QAction *m_undo = nullptr;
    QAction *m_redo = nullptr;
    QAction *m_export = nullptr;
    QAction *m_score = nullptr;
    QAction *m_keepShown = nullptr; // "Keep All N Shown…": the count follows the filter
    QAction *m_dropShown = nullptr;
    ShortcutOverlay *m_shortcuts = nullptr;
    QMenu *m_recentMenu = nullptr;
    QTimer *m_statsTimer;
    bool m_syncingSelection = false;
    bool m_layoutRestored = false; // saved dock sizes win over the first-run defaults
    int64_t m_cutRunId = -1;       // the run whose cut the histogram shows
    bool m_loadingCut = false;
    bool m_sizingColumns = false;
    bool m_textColumnsSized = false; // the curator resized Question or Answer
    QTimer *m_cutSaveTimer;
    const void *m_runValuesOf = nullptr; // the snapshot the histogram's run values are of; reset per swap
};

} // namespace ost::ui
