#include "ui/session/AttributionSource.h"

#include "core/data/SampleGroups.h"
#include "ui/session/ProjectSession.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>
#include <set>

namespace ost::ui {

namespace {

struct SampleOutcome {
    std::shared_ptr<const Attribution> value; // null with no error: the run stored none
    QString error;
};

struct ReferencesOutcome {
    std::vector<Sample> samples;
    QString error;
};

struct SetOutcome {
    std::shared_ptr<const RunAttributions> value;
    QString error;
};

QString message(const Error &e) { return QString::fromStdString(e.message); }

} // namespace

AttributionSource::AttributionSource(ProjectSession *session) : QObject(session), m_session(session)
{
    connect(session, &ProjectSession::scoresChanged, this, [this] {
        if (resetForRun()) {
            Q_EMIT referencesChanged();
            Q_EMIT referenceSetChanged();
            Q_EMIT attributionChanged(-1);
        }
    });
    resetForRun();
}

AttributionSource::~AttributionSource() = default; // workers own copies of what they read

bool AttributionSource::resetForRun()
{
    const int64_t run = m_session->scores().runId;
    if (run == m_runId)
        return false;
    m_runId = run;
    m_entries.clear();
    m_references.clear();
    m_referencesLoaded = m_referencesLoading = false;
    m_referencesError.clear();
    m_runAttributions.reset();
    m_setLoading = m_setRead = false;
    m_setError.clear();
    return true;
}

bool AttributionSource::runIsFast() const { return m_session->scores().method == "ost-fast"; }

template <typename T, typename Work, typename Done> void AttributionSource::runInBackground(Work work, Done done)
{
    // `work(dataset, store, run)` on a worker, holding its own references to the dataset and the
    // store; the result is dropped when the shown run changed meanwhile (it belongs to the one before).
    auto *watcher = new QFutureWatcher<T>(this);
    const int64_t run = m_runId;
    connect(watcher, &QFutureWatcher<T>::finished, this, [this, watcher, run, done] {
        watcher->deleteLater();
        if (run == m_runId)
            done(watcher->result());
    });
    std::shared_ptr<Dataset> dataset = m_session->sharedDataset();
    std::shared_ptr<ProjectStore> store = m_session->sharedStore();
    watcher->setFuture(QtConcurrent::run([dataset, store, run, work] { return work(*dataset, *store, run); }));
}

void AttributionSource::request(int64_t index)
{
    resetForRun();
    if (index < 0 || index >= m_session->size() || m_runId <= 0 || m_entries.contains(index))
        return;
    start(index, /*onDemand=*/false);
}

void AttributionSource::compute(int64_t index)
{
    resetForRun();
    if (index < 0 || index >= m_session->size() || m_runId <= 0)
        return;
    const State s = state(index);
    if (s == State::Computing || s == State::Loading || s == State::Ready)
        return;
    start(index, /*onDemand=*/true);
}

void AttributionSource::start(int64_t index, bool onDemand)
{
    m_entries[index].state = onDemand ? State::Computing : State::Loading;
    m_entries[index].error.clear();
    Q_EMIT attributionChanged(index);
    const std::string id = m_session->dataset().id(index);
    runInBackground<SampleOutcome>(
        [id, onDemand](const Dataset &dataset, const ProjectStore &store, int64_t run) -> SampleOutcome {
            if (onDemand) {
                Result<Attribution> a = attributionFor(dataset, store, run, id);
                if (!a.ok())
                    return {nullptr, message(a.error())};
                return {std::make_shared<const Attribution>(std::move(a.value())), {}};
            }
            Result<std::optional<Attribution>> a = loadStoredAttribution(store, run, id);
            if (!a.ok())
                return {nullptr, message(a.error())};
            if (!a.value())
                return {};
            return {std::make_shared<const Attribution>(std::move(*a.value())), {}};
        },
        [this, index](const SampleOutcome &out) {
            Entry &e = m_entries[index];
            e.value = out.value;
            e.error = out.error;
            e.state = !out.error.isEmpty() ? State::Failed : out.value ? State::Ready : State::NotStored;
            if (out.value && out.value->source == Attribution::Source::ComputedOnDemand && out.value->seconds > 0)
                m_lastSeconds = out.value->seconds;
            Q_EMIT attributionChanged(index);
        });
}

AttributionSource::State AttributionSource::state(int64_t index) const
{
    return m_entries.value(index).state;
}

const Attribution *AttributionSource::attribution(int64_t index) const
{
    const auto it = m_entries.constFind(index);
    return it == m_entries.constEnd() ? nullptr : it->value.get();
}

QString AttributionSource::error(int64_t index) const { return m_entries.value(index).error; }

double AttributionSource::expectedSeconds() const
{
    if (m_lastSeconds > 0)
        return m_lastSeconds;
    // One exact step and a pass over V per sample, plus loading the proxy: from the run's own pace
    // (a fast run's pace is a first-order estimate, so an exact step takes a few times longer).
    const std::optional<RunInfo> run = m_session->store().run(m_runId);
    const double perSample = run && run->scoredCount > 0 ? run->wallSeconds / double(run->scoredCount) : 1.0;
    return 5.0 + perSample * (runIsFast() ? 4.0 : 1.0);
}

void AttributionSource::requestReferences()
{
    resetForRun();
    if (m_referencesLoaded || m_referencesLoading || m_runId <= 0)
        return;
    m_referencesLoading = true;
    runInBackground<ReferencesOutcome>(
        [](const Dataset &dataset, const ProjectStore &store, int64_t run) -> ReferencesOutcome {
            Result<std::vector<Sample>> refs = runReferenceSamples(dataset, store, run);
            if (!refs.ok())
                return {{}, message(refs.error())};
            return {std::move(refs.value()), {}};
        },
        [this](const ReferencesOutcome &out) {
            m_references = out.samples;
            m_referencesError = out.error;
            m_referencesLoaded = true;
            m_referencesLoading = false;
            Q_EMIT referencesChanged();
        });
}

const Sample *AttributionSource::reference(const std::string &id) const
{
    const auto it = std::find_if(m_references.begin(), m_references.end(), [&](const Sample &s) { return s.id == id; });
    return it == m_references.end() ? nullptr : &*it;
}

QStringList AttributionSource::referenceFields() const
{
    // Fields with a short scalar value in some record (not the turns, images or the id).
    static const QSet<QString> skip = {QStringLiteral("id"), QStringLiteral("messages"), QStringLiteral("conversations"),
                                       QStringLiteral("images"), QStringLiteral("image")};
    std::set<QString> fields;
    for (const Sample &s : m_references) {
        const QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(s.rawJson)).object();
        for (auto it = o.begin(); it != o.end(); ++it)
            if (!skip.contains(it.key()) && (it.value().isString() || it.value().isDouble() || it.value().isBool()) &&
                it.value().toVariant().toString().size() <= 64)
                fields.insert(it.key());
    }
    return QStringList(fields.begin(), fields.end());
}

std::map<std::string, std::string> AttributionSource::groups(const QString &spec) const
{
    if (spec.isEmpty() || m_references.empty())
        return {};
    Result<std::map<std::string, std::string>> g = referenceGroups(m_references, spec.toStdString());
    return g.ok() ? std::move(g.value()) : std::map<std::string, std::string>{};
}

void AttributionSource::requestReferenceSet()
{
    resetForRun();
    if (m_setRead || m_setLoading || m_runId <= 0)
        return;
    m_setLoading = true;
    runInBackground<SetOutcome>(
        [](const Dataset &, const ProjectStore &store, int64_t run) -> SetOutcome {
            Result<std::optional<RunAttributions>> all = loadRunAttributions(store, run);
            if (!all.ok())
                return {nullptr, message(all.error())};
            if (!all.value())
                return {};
            return {std::make_shared<const RunAttributions>(std::move(*all.value())), {}};
        },
        [this](const SetOutcome &out) {
            m_runAttributions = out.value;
            m_setError = out.error;
            m_setLoading = false;
            m_setRead = true;
            Q_EMIT referenceSetChanged();
        });
}

std::optional<ReferenceSetSummary> AttributionSource::referenceSet(const QString &spec) const
{
    if (!m_runAttributions)
        return std::nullopt;
    return summarizeReferenceSet(m_runId, *m_runAttributions, groups(spec));
}

} // namespace ost::ui

#include "moc_AttributionSource.cpp"
