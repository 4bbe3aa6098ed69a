#include "ui/session/ProjectSession.h"

#include "ui/session/AttributionSource.h"
#include "ui/session/DecisionCommand.h"

#include <QSet>
#include <QUndoStack>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>
#include <map>

namespace ost::ui {

ProjectSession::ProjectSession(std::shared_ptr<Dataset> dataset, std::shared_ptr<ProjectStore> store,
                               ScoreSnapshot initialScores, QObject *parent)
    : QObject(parent), m_dataset(std::move(dataset)), m_store(std::move(store)),
      m_scores(std::make_shared<const ScoreSnapshot>(std::move(initialScores))), m_undo(new QUndoStack(this)),
      m_checks(std::make_shared<const CheckSignals>())
{
    loadDecisionsAndTags();
    rebuildUndoHistory();

    connect(&m_scoreWatcher, &QFutureWatcher<ScoreSnapshot>::finished, this, [this] {
        m_scores = std::make_shared<const ScoreSnapshot>(m_scoreWatcher.result());
        m_reloading = m_reloadAgain; // a newer reload queued behind this one is still to come
        Q_EMIT scoresChanged();
        if (m_recheckStale || m_scores->runId != m_stale.runId) {
            m_recheckStale = false;
            checkStaleScores();
        }
        if (m_reloadAgain) {
            m_reloadAgain = false;
            reloadScores();
        }
    });
    connect(&m_validationWatcher, &QFutureWatcher<std::vector<ValidationIssue>>::finished, this, [this] {
        if (m_validationWatcher.isCanceled())
            return;
        for (const ValidationIssue &issue : m_validationWatcher.result()) {
            if (issue.index < 0)
                continue;
            QStringList &list = m_problems[issue.index];
            const QString text = QString::fromStdString(issue.message);
            if (!list.contains(text))
                list << text;
        }
        m_validationDone = true;
        Q_EMIT validationFinished();
    });
    connect(&m_staleWatcher, &QFutureWatcher<StaleScores>::finished, this,
            [this] { setStaleScores(m_staleWatcher.result()); });
    connect(&m_checkWatcher, &QFutureWatcher<CheckSignals>::finished, this, [this] {
        m_checks = std::make_shared<const CheckSignals>(m_checkWatcher.result());
        m_loadingChecks = m_checksAgain;
        if (!m_checks->error.isEmpty())
            Q_EMIT errorOccurred(m_checks->error);
        Q_EMIT checksChanged();
        if (m_checksAgain) {
            m_checksAgain = false;
            reloadChecks();
        }
    });

    // Problems found while indexing are known now; the full check (images) follows in the background.
    // Those without a record (it could not be read) become rows of their own after the samples.
    for (const ValidationIssue &issue : m_dataset->indexIssues()) {
        if (issue.index >= 0) {
            m_problems[issue.index] << QString::fromStdString(issue.message);
        } else {
            m_problems[size() + int64_t(m_unreadable.size())]
                << (issue.line > 0 ? tr("line %1: %2").arg(issue.line).arg(QString::fromStdString(issue.message))
                                   : QString::fromStdString(issue.message));
            m_unreadable.push_back(issue);
        }
    }
    startValidation();
    reloadChecks();
    m_attributions = new AttributionSource(this);
}

ProjectSession::~ProjectSession()
{
    if (m_validationCancel)
        m_validationCancel->cancel();
    if (m_checkCancel)
        m_checkCancel->cancel();
    // Workers hold their own shared_ptrs to the dataset and store; waiting keeps the watchers'
    // signals from arriving at a half-destroyed object.
    m_validationWatcher.waitForFinished();
    m_scoreWatcher.waitForFinished();
    m_staleWatcher.waitForFinished();
    m_checkWatcher.waitForFinished();
}

QString ProjectSession::datasetPath() const { return QString::fromStdString(m_dataset->path()); }

Decision ProjectSession::decision(int64_t index) const
{
    if (index < 0 || index >= int64_t(m_decisions.size()))
        return Decision::Auto;
    return Decision(m_decisions[size_t(index)]);
}

QStringList ProjectSession::allTagNames() const
{
    QSet<QString> names;
    for (const QStringList &list : m_tags)
        for (const QString &t : list)
            names.insert(t);
    QStringList sorted(names.begin(), names.end());
    sorted.sort(Qt::CaseInsensitive);
    return sorted;
}

void ProjectSession::loadDecisionsAndTags()
{
    m_decisions.assign(size_t(m_dataset->size()), uint8_t(Decision::Auto));
    for (const auto &[id, d] : m_store->decisions()) {
        const int64_t index = m_dataset->indexOf(id);
        if (index >= 0)
            m_decisions[size_t(index)] = uint8_t(d);
    }
    m_tags.clear();
    for (const auto &[id, tags] : m_store->allTags()) {
        const int64_t index = m_dataset->indexOf(id);
        if (index < 0)
            continue;
        QStringList list;
        for (const std::string &t : tags)
            list << QString::fromStdString(t);
        m_tags.insert(index, list);
    }
}

void ProjectSession::rebuildUndoHistory()
{
    // The log is linear: batches in order of their first event. Undone batches at its end form the
    // redo side; undone batches followed by newer ones were overwritten and are not redoable.
    struct Batch {
        int64_t id = 0;
        std::vector<std::string> ids;
        Decision decision = Decision::Auto;
        bool undone = false;
    };
    std::vector<Batch> batches;
    std::map<int64_t, size_t> position;
    for (const DecisionEvent &e : m_store->decisionLog()) {
        auto it = position.find(e.batch);
        if (it == position.end()) {
            it = position.emplace(e.batch, batches.size()).first;
            batches.push_back({e.batch, {}, e.decision, e.undone});
        }
        Batch &b = batches[it->second];
        b.ids.push_back(e.sampleId);
        b.undone = b.undone && e.undone;
    }
    size_t firstRedo = batches.size();
    while (firstRedo > 0 && batches[firstRedo - 1].undone)
        --firstRedo;

    std::vector<DecisionCommand *> redoSide;
    for (size_t i = 0; i < batches.size(); ++i) {
        if (batches[i].undone && i < firstRedo)
            continue;
        auto *cmd = new DecisionCommand(this, batches[i].id, batches[i].ids,
                                        describeDecision(batches[i].decision, batches[i].ids.size()));
        m_undo->push(cmd);
        if (i >= firstRedo)
            redoSide.push_back(cmd);
    }
    for (DecisionCommand *cmd : redoSide)
        cmd->setReplaying(true);
    m_undo->setIndex(m_undo->count() - int(redoSide.size()));
    for (DecisionCommand *cmd : redoSide)
        cmd->setReplaying(false);
    m_undo->setClean();
}

bool ProjectSession::decide(const std::vector<int64_t> &indices, Decision decision, const QString &why)
{
    if (indices.empty())
        return true;
    std::vector<std::string> ids;
    ids.reserve(indices.size());
    for (int64_t i : indices)
        if (i >= 0 && i < size())
            ids.push_back(m_dataset->id(i));
    auto *cmd = new DecisionCommand(this, std::move(ids), decision, why);
    const int before = m_undo->index();
    m_undo->push(cmd); // deletes cmd when its redo() failed (obsolete)
    return m_undo->index() > before;
}

void ProjectSession::refreshDecisions(const std::vector<std::string> &ids)
{
    if (ids.size() > 2000) {
        std::fill(m_decisions.begin(), m_decisions.end(), uint8_t(Decision::Auto));
        for (const auto &[id, d] : m_store->decisions()) {
            const int64_t index = m_dataset->indexOf(id);
            if (index >= 0)
                m_decisions[size_t(index)] = uint8_t(d);
        }
    } else {
        for (const std::string &id : ids) {
            const int64_t index = m_dataset->indexOf(id);
            if (index >= 0)
                m_decisions[size_t(index)] = uint8_t(m_store->decision(id));
        }
    }
    Q_EMIT decisionsChanged();
}

QString ProjectSession::note(int64_t index) const
{
    if (index < 0 || index >= size())
        return {};
    return QString::fromStdString(m_store->note(m_dataset->id(index)));
}

bool ProjectSession::setNote(int64_t index, const QString &note)
{
    if (index < 0 || index >= size())
        return false;
    if (Status s = m_store->setNote(m_dataset->id(index), note.toStdString()); !s.ok()) {
        Q_EMIT errorOccurred(QString::fromStdString(s.error().message));
        return false;
    }
    Q_EMIT annotationsChanged(index);
    return true;
}

bool ProjectSession::setTags(int64_t index, const QStringList &wanted)
{
    if (index < 0 || index >= size())
        return false;
    const std::string &id = m_dataset->id(index);
    const QStringList current = m_tags.value(index);
    for (const QString &t : current)
        if (!wanted.contains(t))
            if (Status s = m_store->removeTag(id, t.toStdString()); !s.ok()) {
                Q_EMIT errorOccurred(QString::fromStdString(s.error().message));
                return false;
            }
    for (const QString &t : wanted)
        if (!current.contains(t))
            if (Status s = m_store->addTag(id, t.toStdString()); !s.ok()) {
                Q_EMIT errorOccurred(QString::fromStdString(s.error().message));
                return false;
            }
    if (wanted.isEmpty())
        m_tags.remove(index);
    else
        m_tags.insert(index, wanted);
    Q_EMIT annotationsChanged(index);
    return true;
}

void ProjectSession::reloadScores(bool recheckStale)
{
    m_recheckStale = m_recheckStale || recheckStale;
    m_reloading = true;
    if (m_scoreWatcher.isRunning()) {
        m_reloadAgain = true;
        return;
    }
    std::shared_ptr<Dataset> dataset = m_dataset;
    std::shared_ptr<ProjectStore> store = m_store;
    m_scoreWatcher.setFuture(QtConcurrent::run([dataset, store] { return loadScoreSnapshot(*dataset, *store); }));
}

bool ProjectSession::setHarmfulThreshold(double threshold)
{
    if (!std::isfinite(threshold) || m_scores->runId <= 0)
        return false;
    if (Status st = m_store->putBlob(harmfulThresholdKey(m_scores->runId), QString::number(threshold, 'g', 17).toStdString());
        !st.ok()) {
        Q_EMIT errorOccurred(tr("Cannot store the harmful threshold: %1").arg(QString::fromStdString(st.error().message)));
        return false;
    }
    auto copy = std::make_shared<ScoreSnapshot>(*m_scores);
    copy->harmfulThreshold = threshold;
    m_scores = std::move(copy);
    Q_EMIT scoresChanged();
    return true;
}

void ProjectSession::setStaleScores(const StaleScores &stale)
{
    m_stale = stale;
    Q_EMIT staleScoresChanged();
}

void ProjectSession::checkStaleScores()
{
    if (m_staleWatcher.isRunning()) {
        m_recheckStale = true; // the next reload checks again
        return;
    }
    std::shared_ptr<Dataset> dataset = m_dataset;
    std::shared_ptr<ProjectStore> store = m_store;
    const int64_t runId = m_scores->runId;
    const std::string method = m_scores->method;
    m_staleWatcher.setFuture(QtConcurrent::run(
        [dataset, store, runId, method] { return findStaleScores(*dataset, *store, runId, method); }));
}

void ProjectSession::reloadChecks()
{
    if (m_checkWatcher.isRunning()) {
        m_checksAgain = true; // the store may have changed after that one read it
        return;
    }
    m_loadingChecks = true;
    m_checkCancel = std::make_shared<CancelToken>();
    std::shared_ptr<Dataset> dataset = m_dataset;
    std::shared_ptr<ProjectStore> store = m_store;
    std::shared_ptr<CancelToken> cancel = m_checkCancel;
    m_checkWatcher.setFuture(
        QtConcurrent::run([dataset, store, cancel] { return loadCheckSignals(*dataset, *store, cancel.get()); }));
}

void ProjectSession::startValidation()
{
    m_validationCancel = std::make_shared<CancelToken>();
    std::shared_ptr<Dataset> dataset = m_dataset;
    std::shared_ptr<CancelToken> cancel = m_validationCancel;
    m_validationPool.setMaxThreadCount(1);
    m_validationWatcher.setFuture(QtConcurrent::run(&m_validationPool, [dataset, cancel] {
        return validateDataset(*dataset, DatasetOptions{}, {}, cancel.get());
    }));
}

} // namespace ost::ui

#include "moc_ProjectSession.cpp"
