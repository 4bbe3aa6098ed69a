#pragma once
// Per-reference attribution (core/ost/Attribution.h) for the views of one session: a sample's ΔL_v
// per reference read from the shown run (exact runs store them), computed on demand for runs that
// do not (one exact step in the background, never on the UI thread), the run's reference samples
// (to group them by a field and show a reference problem), and the run's reference-set summary.
// Everything is read or computed on worker threads; the signals say when it is there.
#include "core/ost/Attribution.h"

#include <QFutureWatcher>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ost::ui {

class ProjectSession;

class AttributionSource : public QObject {
    Q_OBJECT
public:
    enum class State { None, Loading, Ready, NotStored, Computing, Failed };

    explicit AttributionSource(ProjectSession *session);
    ~AttributionSource() override;

    int64_t runId() const { return m_runId; }
    bool runIsFast() const;
    // Reads the stored attribution of a sample of the shown run (once; attributionChanged follows).
    void request(int64_t index);
    // Takes the exact step for that sample now, in the background (attributionChanged when done).
    void compute(int64_t index);
    State state(int64_t index) const;
    const Attribution *attribution(int64_t index) const;
    QString error(int64_t index) const;
    // Seconds an on-demand step is expected to take: the last one measured, else from the run's speed.
    double expectedSeconds() const;

    // The run's reference samples, in its order (read once per run; referencesChanged follows).
    void requestReferences();
    const std::vector<Sample> &references() const { return m_references; }
    bool referencesLoaded() const { return m_referencesLoaded; }
    QString referencesError() const { return m_referencesError; }
    const Sample *reference(const std::string &id) const;
    // Top-level scalar fields of the reference records, for grouping ("subject", "level").
    QStringList referenceFields() const;
    // reference id -> group under a SampleGroups spec; empty when the spec is "" or fails.
    std::map<std::string, std::string> groups(const QString &spec) const;

    // Every stored attribution of the run, read once (referenceSetChanged follows); then the
    // helped / hurt counts per reference, grouped under `spec`.
    void requestReferenceSet();
    bool referenceSetLoaded() const { return m_runAttributions != nullptr; }
    bool referenceSetLoading() const { return m_setLoading; }
    QString referenceSetError() const { return m_setError; }
    std::optional<ReferenceSetSummary> referenceSet(const QString &spec = {}) const;

Q_SIGNALS:
    void attributionChanged(qint64 index);
    void referencesChanged();
    void referenceSetChanged();

private:
    struct Entry {
        State state = State::None;
        std::shared_ptr<const Attribution> value;
        QString error;
    };
    bool resetForRun(); // true when the shown run changed since (everything is read again)
    template <typename T, typename Work, typename Done> void runInBackground(Work work, Done done);
    void start(int64_t index, bool onDemand);

    ProjectSession *m_session;
    int64_t m_runId = -1;
    QHash<qint64, Entry> m_entries;
    QSet<QFutureWatcherBase *> m_watchers; // in flight; results of another run are dropped
    double m_lastSeconds = 0;
    std::vector<Sample> m_references;
    bool m_referencesLoaded = false, m_referencesLoading = false;
    QString m_referencesError;
    std::shared_ptr<const RunAttributions> m_runAttributions; // null: not read, or the run stored none
    bool m_setLoading = false, m_setRead = false;
    QString m_setError;
};

} // namespace ost::ui
