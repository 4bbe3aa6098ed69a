#include "ui/widgets/ReferenceSetPanel.h"

#include "ui/dialogs/ReferenceDialog.h"
#include "ui/models/SampleTableModel.h"
#include "ui/session/AttributionSource.h"
#include "ui/session/ProjectSession.h"
#include "ui/widgets/ReferenceGroupChoices.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace ost::ui {

namespace {
double hurtShare(const ReferenceBalance &r)
{
    const int64_t n = r.helped + r.hurt;
    return n > 0 ? double(r.hurt) / double(n) : 0.0;
}
} // namespace

void ReferenceBalanceModel::setSummary(std::optional<ReferenceSetSummary> summary, QHash<QString, QString> questions)
{
    beginResetModel();
    m_summary = std::move(summary);
    m_questions = std::move(questions);
    endResetModel();
}

int ReferenceBalanceModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() || !m_summary ? 0 : int(m_summary->references.size());
}

int ReferenceBalanceModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant ReferenceBalanceModel::data(const QModelIndex &index, int role) const
{
    if (!m_summary || !index.isValid() || index.row() >= rowCount())
        return {};
    const ReferenceBalance &r = m_summary->references[size_t(index.row())];
    if (role == Qt::DisplayRole || role == Qt::UserRole) { // UserRole: the sort key
        const bool sortKey = role == Qt::UserRole;
        switch (index.column()) {
        case ColReference: return QString::fromStdString(r.referenceId);
        case ColGroup: return QString::fromStdString(r.group);
        case ColHelped: return qlonglong(r.helped);
        case ColHurt: return qlonglong(r.hurt);
        case ColHurtShare: return sortKey ? QVariant(hurtShare(r)) : QVariant(QStringLiteral("%1 %").arg(100 * hurtShare(r), 0, 'f', 0));
        case ColMean: return sortKey ? QVariant(r.meanDelta) : QVariant(formatScore(r.meanDelta));
        case ColQuestion: return m_questions.value(QString::fromStdString(r.referenceId));
        default: return {};
        }
    }
    if (role == Qt::ToolTipRole && index.column() == ColQuestion)
        return m_questions.value(QString::fromStdString(r.referenceId));
    if (role == Qt::TextAlignmentRole && index.column() >= ColHelped && index.column() <= ColMean)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ForegroundRole && (index.column() == ColMean || index.column() == ColHurtShare))
        return r.meanDelta < 0 ? QColor(192, 48, 48) : QColor(42, 111, 184);
    return {};
}

QVariant ReferenceBalanceModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::DisplayRole) {
        switch (section) {
        case ColReference: return tr("Reference");
        case ColGroup: return tr("Group");
        case ColHelped: return tr("Helped by");
        case ColHurt: return tr("Hurt by");
        case ColHurtShare: return tr("Hurt %");
        case ColMean: return tr("Mean ΔL");
        case ColQuestion: return tr("Question");
        default: return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case ColHelped: return tr("Pool samples whose step lowers this reference problem's loss (ΔL > 0)");
        case ColHurt: return tr("Pool samples whose step raises it (ΔL < 0)");
        case ColHurtShare: return tr("Hurt by / (helped by + hurt by)");
        case ColMean: return tr("Mean ΔL over the pool samples: its share of their utilities");
        default: return {};
        }
    }
    return {};
}

ReferenceSetPanel::ReferenceSetPanel(SampleTableModel *samples, QWidget *parent) : QWidget(parent), m_samples(samples)
{
    setObjectName(QStringLiteral("referenceSetPanel"));
    m_summaryText = new QLabel(this);
    m_summaryText->setWordWrap(true);
    m_summaryText->setTextFormat(Qt::RichText);
    m_groupBy = new QComboBox(this);
    m_groupBy->setObjectName(QStringLiteral("referenceGroupBy"));
    fillReferenceGroupChoices(m_groupBy, {});
    connect(m_groupBy, &QComboBox::currentIndexChanged, this, &ReferenceSetPanel::refresh);
    m_model = new ReferenceBalanceModel(this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(Qt::UserRole);
    m_table = new QTableView(this);
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->setVisible(false);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setStretchLastSection(true); // the question takes the rest
    m_table->setWordWrap(false);
    m_table->setColumnWidth(ReferenceBalanceModel::ColReference, 160);
    m_table->setAlternatingRowColors(true);
    m_table->sortByColumn(ReferenceBalanceModel::ColHurtShare, Qt::DescendingOrder);
    connect(m_table, &QTableView::doubleClicked, this, [this](const QModelIndex &i) { openReference(i.row()); });
    m_table->setToolTip(tr("Double-click a reference problem to open it"));

    auto *row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Group by"), this));
    row->addWidget(m_groupBy, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_summaryText);
    layout->addLayout(row);
    layout->addWidget(m_table, 1);
    connect(m_samples, &QAbstractItemModel::modelReset, this, [this] {
        connectSession();
        refresh();
    });
    refresh();
}

ProjectSession *ReferenceSetPanel::session() const { return m_samples->session(); }

void ReferenceSetPanel::connectSession()
{
    ProjectSession *s = session();
    if (s == m_connected)
        return;
    m_connected = s;
    fillReferenceGroupChoices(m_groupBy, s ? s->attributions()->referenceFields() : QStringList());
    if (!s)
        return;
    connect(s->attributions(), &AttributionSource::referenceSetChanged, this, &ReferenceSetPanel::refresh);
    connect(s->attributions(), &AttributionSource::referencesChanged, this, [this] {
        if (session())
            fillReferenceGroupChoices(m_groupBy, session()->attributions()->referenceFields());
        refresh();
    });
}

void ReferenceSetPanel::showEvent(QShowEvent *e)
{
    QWidget::showEvent(e);
    connectSession();
    refresh(); // read when first shown, not for every project opened with the dock hidden
}

void ReferenceSetPanel::refresh()
{
    ProjectSession *s = session();
    if (!s) {
        m_model->setSummary(std::nullopt);
        m_summaryText->setText(tr("Open a scored dataset to see its reference set."));
        return;
    }
    AttributionSource *src = s->attributions();
    if (isVisible()) {
        src->requestReferenceSet();
        src->requestReferences();
    }
    const QString spec = m_groupBy->currentData().toString();
    std::optional<ReferenceSetSummary> summary = src->referenceSet(spec);
    m_table->setColumnHidden(ReferenceBalanceModel::ColGroup, spec.isEmpty());
    QHash<QString, QString> questions;
    for (const Sample &r : src->references())
        questions.insert(QString::fromStdString(r.id), QString::fromStdString(r.question()).simplified());
    m_model->setSummary(summary, questions);
    if (!summary) {
        if (!src->referenceSetError().isEmpty())
            m_summaryText->setText(QStringLiteral("<span style='color:#c03030'>%1</span>")
                                       .arg(src->referenceSetError().toHtmlEscaped()));
        else if (src->referenceSetLoading() || !isVisible())
            m_summaryText->setText(tr("Reading the run's per-reference values…"));
        else
            m_summaryText->setText(s->scores().runId <= 0
                                       ? tr("Not scored yet.")
                                       : tr("Run %1 stored no per-reference values (a fast run, or one from before "
                                            "they were kept): score in exact mode to see how the pool treats each "
                                            "reference problem.")
                                             .arg(s->scores().runId));
        return;
    }
    const QLocale loc;
    const std::vector<ReferenceBalance> &refs = summary->references;
    QString text = tr("Run %1: <b>%2</b> pool samples × <b>%3</b> reference problems.")
                       .arg(summary->runId)
                       .arg(loc.toString(qlonglong(summary->samples)))
                       .arg(refs.size());
    if (!refs.empty()) {
        const auto worst = std::max_element(refs.begin(), refs.end(), [](const ReferenceBalance &a, const ReferenceBalance &b) {
            return hurtShare(a) < hurtShare(b);
        });
        const auto best = std::min_element(refs.begin(), refs.end(), [](const ReferenceBalance &a, const ReferenceBalance &b) {
            return hurtShare(a) < hurtShare(b);
        });
        text += tr(" Most hurt: <b>%1</b> (by %2 of %3 samples); least: <b>%4</b> (%5 of %6).")
                    .arg(QString::fromStdString(worst->referenceId).toHtmlEscaped())
                    .arg(worst->hurt)
                    .arg(worst->helped + worst->hurt)
                    .arg(QString::fromStdString(best->referenceId).toHtmlEscaped())
                    .arg(best->hurt)
                    .arg(best->helped + best->hurt);
        // A problem that most of the pool's steps make worse weighs against nearly every sample alike:
        // an odd or mislabelled reference is the usual reason.
        const int64_t hurtByMost = std::count_if(refs.begin(), refs.end(), [](const ReferenceBalance &r) {
            return hurtShare(r) >= 0.8;
        });
        if (hurtByMost == 1)
            text += tr(" <span style='color:#a65a00'>1 problem is hurt by at least 80 % of the pool: an odd or "
                       "mislabelled reference?</span>");
        else if (hurtByMost > 1)
            text += tr(" <span style='color:#a65a00'>%1 problems are hurt by at least 80 % of the pool: odd or "
                       "mislabelled references?</span>")
                        .arg(hurtByMost);
    }
    m_summaryText->setText(text);
}

void ReferenceSetPanel::openReference(int proxyRow)
{
    ProjectSession *s = session();
    if (!s || !m_model->summary())
        return;
    const QModelIndex source = m_proxy->mapToSource(m_proxy->index(proxyRow, 0));
    if (!source.isValid())
        return;
    const ReferenceBalance &r = m_model->summary()->references[size_t(source.row())];
    const Sample *ref = s->attributions()->reference(r.referenceId);
    if (!ref) {
        m_summaryText->setText(QStringLiteral("<span style='color:#c03030'>%1</span>")
                                   .arg(tr("Cannot show %1: %2")
                                            .arg(QString::fromStdString(r.referenceId),
                                                 s->attributions()->referencesError().isEmpty()
                                                     ? tr("the reference samples are still being read")
                                                     : s->attributions()->referencesError())
                                            .toHtmlEscaped()));
        return;
    }
    if (!m_dialog)
        m_dialog = new ReferenceDialog(window());
    m_dialog->showReference(*ref, tr("Helped by %1 and hurt by %2 pool samples; mean ΔL %3.")
                                      .arg(r.helped)
                                      .arg(r.hurt)
                                      .arg(formatScore(r.meanDelta)));
}

} // namespace ost::ui

#include "moc_ReferenceSetPanel.cpp"
