#include "ui/widgets/WhyPanel.h"

#include "ui/dialogs/ReferenceDialog.h"
#include "ui/models/SampleTableModel.h"
#include "ui/session/AttributionSource.h"
#include "ui/session/ProjectSession.h"
#include "ui/widgets/AttributionChart.h"
#include "ui/widgets/ReferenceGroupChoices.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace ost::ui {

namespace {
const QString kGroupPrefix = QStringLiteral("group:");
}

WhyPanel::WhyPanel(SampleTableModel *model, QWidget *parent) : QWidget(parent), m_model(model)
{
    setObjectName(QStringLiteral("whyPanel"));
    m_sentence = new QLabel(this);
    m_sentence->setObjectName(QStringLiteral("whySentence"));
    m_sentence->setWordWrap(true);
    m_sentence->setTextFormat(Qt::RichText);
    m_sentence->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_status->setTextFormat(Qt::RichText);
    m_status->setStyleSheet(QStringLiteral("color:#666"));

    m_groupBy = new QComboBox(this);
    m_groupBy->setObjectName(QStringLiteral("whyGroupBy"));
    m_groupBy->setToolTip(tr("Bars per reference problem, or per group of them by a field of the reference records"));
    m_groupRow = new QWidget(this);
    auto *gl = new QHBoxLayout(m_groupRow);
    gl->setContentsMargins(0, 0, 0, 0);
    gl->addWidget(new QLabel(tr("Bars per"), m_groupRow));
    gl->addWidget(m_groupBy, 1);
    connect(m_groupBy, &QComboBox::currentIndexChanged, this, [this] { refresh(); });

    m_chart = new AttributionChart(this);
    connect(m_chart, &AttributionChart::barClicked, this, &WhyPanel::onBarClicked);
    m_scroll = new QScrollArea(this);
    m_scroll->setWidget(m_chart);
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_hint = new QLabel(tr("Blue: the step on this sample lowers that reference's loss; red: raises it (the "
                           "number: by how much). Click a bar to open the reference problem."),
                        this);
    m_hint->setWordWrap(true);
    m_hint->setStyleSheet(QStringLiteral("color:#777"));

    m_explain = new QPushButton(this);
    m_explain->setObjectName(QStringLiteral("explainButton"));
    connect(m_explain, &QPushButton::clicked, this, [this] {
        if (session() && m_index >= 0)
            session()->attributions()->compute(m_index);
    });

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 6, 4, 4);
    layout->addWidget(m_sentence);
    layout->addWidget(m_status);
    layout->addWidget(m_explain, 0, Qt::AlignLeft);
    layout->addWidget(m_groupRow);
    layout->addWidget(m_scroll, 1);
    layout->addWidget(m_hint);
    layout->addStretch(0); // keeps the text and the button at the top while there is no chart
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] { showSample(-1); });
    showSample(-1);
}

ProjectSession *WhyPanel::session() const { return m_model->session(); }

void WhyPanel::showSample(int64_t index)
{
    ProjectSession *s = session();
    if (s != m_connected) {
        m_connected = s;
        if (s) {
            AttributionSource *src = s->attributions();
            connect(src, &AttributionSource::attributionChanged, this, [this](qint64 changed) {
                if (changed < 0 || changed == m_index)
                    refresh();
            });
            connect(src, &AttributionSource::referencesChanged, this, [this] {
                refreshGroupChoices();
                refresh();
            });
        }
        refreshGroupChoices();
    }
    m_index = s && index >= 0 && index < s->size() ? index : -1;
    if (s && m_index >= 0) {
        s->attributions()->request(m_index);
        s->attributions()->requestReferences();
    }
    refresh();
}

void WhyPanel::refreshGroupChoices()
{
    fillReferenceGroupChoices(m_groupBy, session() ? session()->attributions()->referenceFields() : QStringList());
}

void WhyPanel::refresh()
{
    ProjectSession *s = session();
    const auto setState = [this](const QString &status, const QString &button) {
        m_status->setText(status);
        m_status->setVisible(!status.isEmpty());
        m_explain->setText(button);
        m_explain->setVisible(!button.isEmpty());
        m_explain->setEnabled(true);
    };
    const bool ready = s && m_index >= 0 && s->attributions()->state(m_index) == AttributionSource::State::Ready;
    m_sentence->setVisible(ready);
    m_groupRow->setVisible(ready);
    m_scroll->setVisible(ready);
    m_hint->setVisible(ready);
    if (!s || m_index < 0) {
        setState(tr("Select a sample to see which reference problems its step helps and hurts."), {});
        return;
    }
    if (s->scores().runId <= 0 || std::isnan(s->scores().utilityAt(m_index))) {
        setState(tr("Not scored: the explanation splits a sample's utility over the reference problems."), {});
        return;
    }
    AttributionSource *src = s->attributions();
    const QString explain = tr("Explain (runs one step, ~%1 s)").arg(std::max(1.0, std::round(src->expectedSeconds())));
    switch (src->state(m_index)) {
    case AttributionSource::State::None:
    case AttributionSource::State::Loading:
        setState(tr("Reading…"), {});
        return;
    case AttributionSource::State::NotStored:
        setState(src->runIsFast()
                     ? tr("Run %1 is a fast run: its utilities are first-order estimates without a value per "
                          "reference problem. One exact step on this sample gives them.")
                           .arg(src->runId())
                     : tr("Run %1 stored no per-reference values for this sample. One exact step on it gives them.")
                           .arg(src->runId()),
                 explain);
        return;
    case AttributionSource::State::Computing:
        setState(tr("Taking one step on this sample and a pass over the reference set…"), explain);
        m_explain->setEnabled(false);
        return;
    case AttributionSource::State::Failed:
        setState(QStringLiteral("<span style='color:#c03030'>%1</span>").arg(src->error(m_index).toHtmlEscaped()),
                 explain);
        return;
    case AttributionSource::State::Ready:
        break;
    }
    const Attribution &a = *src->attribution(m_index);
    QString note;
    if (a.source == Attribution::Source::ComputedOnDemand)
        note = tr("Computed now (%1 s): exact utility %2").arg(a.seconds, 0, 'f', 1).arg(formatScore(a.utility));
    if (a.runUtility && std::fabs(*a.runUtility - a.utility) > 1e-6 * std::max(1.0, std::fabs(a.utility)))
        note += (note.isEmpty() ? QString() : QStringLiteral("; ")) +
                tr("the run's %1 utility is %2").arg(src->runIsFast() ? tr("first-order") : tr("stored"),
                                                     formatScore(*a.runUtility));
    setState(note.toHtmlEscaped(), {});
    showBars();
}

void WhyPanel::showBars()
{
    AttributionSource *src = session()->attributions();
    const Attribution &a = *src->attribution(m_index);
    const QString spec = m_groupBy->currentData().toString();
    const std::map<std::string, std::string> groups = src->groups(spec);
    const AttributionSummary summary = summarizeAttribution(a, 3, groups, groups.empty() ? std::string() : spec.toStdString());
    QString sentence = QString::fromStdString(describeAttribution(summary)).toHtmlEscaped();
    if (!sentence.isEmpty())
        sentence[0] = sentence[0].toUpper();
    m_sentence->setText(QStringLiteral("<b>%1</b>").arg(sentence));

    std::vector<AttributionChart::Bar> bars;
    if (!groups.empty()) {
        for (const GroupDelta &g : summary.groups) {
            const QString name = g.group.empty() ? tr("(no value)") : QString::fromStdString(g.group);
            bars.push_back({tr("%1 (%2)").arg(name).arg(g.references), kGroupPrefix + QString::fromStdString(g.group),
                            g.mean,
                            tr("%1: %2 reference problems, loss lowered on %3, raised on %4; mean ΔL %5. Click to "
                               "open the one it hurts most.")
                                .arg(name)
                                .arg(g.references)
                                .arg(g.lowered)
                                .arg(g.raised)
                                .arg(formatScore(g.mean))});
        }
    } else {
        std::vector<size_t> order(a.deltas.size());
        for (size_t i = 0; i < order.size(); ++i)
            order[i] = i;
        std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) { return a.deltas[x] < a.deltas[y]; });
        for (size_t i : order) {
            const QString id = QString::fromStdString(a.referenceIds[i]);
            bars.push_back({id, id, a.deltas[i],
                            tr("%1: ΔL %2 (the step %3 its loss). Click to open it.")
                                .arg(id, formatScore(a.deltas[i]),
                                     a.deltas[i] >= 0 ? tr("lowers") : tr("raises"))});
        }
    }
    m_chart->setBars(std::move(bars));
}

void WhyPanel::onBarClicked(const QString &key)
{
    if (!key.startsWith(kGroupPrefix)) {
        openReference(key);
        return;
    }
    // A group: the reference in it that this sample hurts most (or helps least).
    AttributionSource *src = session()->attributions();
    const Attribution *a = src->attribution(m_index);
    const std::map<std::string, std::string> groups = src->groups(m_groupBy->currentData().toString());
    const std::string group = key.mid(kGroupPrefix.size()).toStdString();
    int best = -1;
    for (size_t i = 0; a && i < a->referenceIds.size(); ++i) {
        const auto g = groups.find(a->referenceIds[i]);
        if ((g == groups.end() ? std::string() : g->second) == group && (best < 0 || a->deltas[i] < a->deltas[size_t(best)]))
            best = int(i);
    }
    if (best >= 0)
        openReference(QString::fromStdString(a->referenceIds[size_t(best)]));
}

void WhyPanel::openReference(const QString &referenceId)
{
    ProjectSession *s = session();
    if (!s)
        return;
    AttributionSource *src = s->attributions();
    const Sample *ref = src->reference(referenceId.toStdString());
    if (!ref) {
        m_status->setText(QStringLiteral("<span style='color:#c03030'>%1</span>")
                              .arg((src->referencesError().isEmpty()
                                        ? tr("Reference %1 is not among the run's reference samples (still reading them?)")
                                              .arg(referenceId)
                                        : tr("Cannot read the run's reference samples: %1").arg(src->referencesError()))
                                       .toHtmlEscaped()));
        m_status->setVisible(true);
        return;
    }
    QString context;
    if (const Attribution *a = src->attribution(m_index)) {
        const auto it = std::find(a->referenceIds.begin(), a->referenceIds.end(), ref->id);
        if (it != a->referenceIds.end()) {
            const double d = a->deltas[size_t(it - a->referenceIds.begin())];
            context = (d >= 0 ? tr("The step on <b>%1</b> lowers this problem's loss by %2.")
                              : tr("The step on <b>%1</b> raises this problem's loss by %2."))
                          .arg(QString::fromStdString(s->dataset().id(m_index)).toHtmlEscaped(), formatScore(std::fabs(d)));
        }
    }
    if (!m_dialog)
        m_dialog = new ReferenceDialog(window());
    m_dialog->showReference(*ref, context);
}

} // namespace ost::ui

#include "moc_WhyPanel.cpp"
