#pragma once
// One open dataset and its project store, as the views see it: score snapshot, decisions, tags
// and validation problems laid out by sample index, plus the undo stack of decisions. Lives on the
// UI thread; the slow parts (reloading scores, validation) run on worker threads and swap in.
#include "core/common/Progress.h"
#include "core/data/Dataset.h"
#include "core/store/ProjectStore.h"
#include "ui/session/CheckSignals.h"
#include "ui/session/ScoreSnapshot.h"
#include "core/jobs/StaleScores.h"

#include <QFutureWatcher>
#include <QHash>
#include <QObject>
#include <QStringList>
#include <QThreadPool>

#include <memory>
#include <vector>

class QUndoStack;

namespace ost::ui {

class AttributionSource;

class ProjectSession : public QObject {
    Q_OBJECT
public:
    ProjectSession(std::shared_ptr<Dataset> dataset, std::shared_ptr<ProjectStore> store,
                   ScoreSnapshot initialScores, QObject *parent = nullptr);
    ~ProjectSession() override;

    const Dataset &dataset() const { return *m_dataset; }
    ProjectStore &store() { return *m_store; }
    std::shared_ptr<Dataset> sharedDataset() const { return m_dataset; }
    std::shared_ptr<ProjectStore> sharedStore() const { return m_store; }
    int64_t size() const { return m_dataset->size(); }
    // What the index could not read (a malformed line, a record that is not an object, a truncated
    // array): no sample, but a row of its own after the samples, so that nothing disappears from view.
    // Rows [size(), rowCount()) are these, in line order.
    int64_t rowCount() const { return size() + int64_t(m_unreadable.size()); }
    int64_t unreadableCount() const { return int64_t(m_unreadable.size()); }
    bool isUnreadableRow(int64_t row) const { return row >= size() && row < rowCount(); }
    const ValidationIssue *unreadable(int64_t row) const
    {
        return isUnreadableRow(row) ? &m_unreadable[size_t(row - size())] : nullptr;
    }
    QString datasetPath() const;

    const ScoreSnapshot &scores() const { return *m_scores; }
    Decision decision(int64_t index) const;
    QStringList tags(int64_t index) const { return m_tags.value(index); }
    QStringList allTagNames() const;
    QStringList problems(int64_t index) const { return m_problems.value(index); }
    bool validationDone() const { return m_validationDone; }
    int64_t problemCount() const { return m_problems.size(); }

    // Records a decision for the given samples as one undoable step; returns false (and emits
    // errorOccurred) when the store refuses it.
    bool decide(const std::vector<int64_t> &indices, Decision decision, const QString &why = {});
    QUndoStack *undoStack() const { return m_undo; }

    QString note(int64_t index) const;
    bool setNote(int64_t index, const QString &note);
    bool setTags(int64_t index, const QStringList &tags);

    // Re-reads the scores of the latest run off the UI thread; scoresChanged follows. With
    // `recheckStale` (after a scoring run) the scores are compared with the file again afterwards;
    // so they are whenever the latest run is another one.
    void reloadScores(bool recheckStale = false);
    // The threshold below which the shown run's samples are harmful, for every view; kept in the
    // store for that run (loadScoreSnapshot reads it back). False (errorOccurred) when not stored.
    bool setHarmfulThreshold(double threshold);
    // True from reloadScores() until the newest snapshot is in scores(). Not the watcher's isRunning():
    // that turns false when the worker ends, before its finished() reaches this thread, so a caller
    // could see "not reloading" while scores() still held the snapshot before (a flaky UI test did).
    bool isReloadingScores() const { return m_reloading; }

    // Scores computed on records that have changed in the file since (see StaleScores).
    const StaleScores &staleScores() const { return m_stale; }
    // Whether the utility shown for this sample was computed on a record that has changed since.
    // Only when the check is of the run on screen: a newer run's scores are not judged by an old check.
    bool isStale(int64_t index) const { return m_stale.runId == m_scores->runId && m_stale.isChanged(index); }
    void setStaleScores(const StaleScores &stale);
    bool isCheckingStaleScores() const { return m_staleWatcher.isRunning(); }

    // What the last `ostc check` stored (duplicates, image checks, lengths); present false when none.
    // Read on a worker when the session starts and on reloadChecks(); checksChanged follows.
    const CheckSignals &checks() const { return *m_checks; }
    void reloadChecks();
    bool isLoadingChecks() const { return m_loadingChecks; } // until checks() holds the newest


    // Per-reference attribution of the shown run's samples ("why this sample"), read or computed
    // in the background; owned by the session.
    AttributionSource *attributions() const { return m_attributions; }

    // Used by DecisionCommand after the store changed: re-reads those samples' decisions.
    void refreshDecisions(const std::vector<std::string> &ids);

Q_SIGNALS:
    void scoresChanged();
    void decisionsChanged();
    void annotationsChanged(qint64 index);
    void validationFinished();
    void staleScoresChanged();
    void checksChanged();
    void errorOccurred(const QString &message);

private:
    void loadDecisionsAndTags();
    void rebuildUndoHistory();
    void startValidation();
    void checkStaleScores();

    std::shared_ptr<Dataset> m_dataset;
    std::shared_ptr<ProjectStore> m_store;
    std::shared_ptr<const ScoreSnapshot> m_scores;
    std::vector<uint8_t> m_decisions; // by index, ost::Decision values
    QHash<qint64, QStringList> m_tags;
    QHash<qint64, QStringList> m_problems;
    std::vector<ValidationIssue> m_unreadable; // index issues without a record, by line
    bool m_validationDone = false;
    QUndoStack *m_undo = nullptr;
    QFutureWatcher<ScoreSnapshot> m_scoreWatcher;
    bool m_reloadAgain = false;
    bool m_reloading = false;
    bool m_recheckStale = false;
    StaleScores m_stale;
    QFutureWatcher<StaleScores> m_staleWatcher;
    AttributionSource *m_attributions = nullptr;
    std::shared_ptr<const CheckSignals> m_checks;
    QFutureWatcher<CheckSignals> m_checkWatcher;
    std::shared_ptr<CancelToken> m_checkCancel;
    bool m_loadingChecks = false;
    bool m_checksAgain = false;
    QThreadPool m_validationPool; // one thread: validation decodes every image and may take minutes
    std::shared_ptr<CancelToken> m_validationCancel;
    QFutureWatcher<std::vector<ValidationIssue>> m_validationWatcher;
};

} // namespace ost::ui
