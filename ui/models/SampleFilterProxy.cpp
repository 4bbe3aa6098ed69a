#include "ui/models/SampleFilterProxy.h"

#include "ui/models/SampleTableModel.h"
#include "ui/session/CheckSignals.h"
#include "ui/session/ProjectSession.h"

namespace ost::ui {

bool SampleFilter::isEmpty() const
{
    return text.isEmpty() && !hasUtilityBound() && !scoredOnly && !staleOnly && harmful == Harmful::Any &&
           decision == DecisionFilter::Any && tag.isEmpty() && validation == Validation::Any &&
           check == Check::Any;
}

SampleFilterProxy::SampleFilterProxy(QObject *parent) : QSortFilterProxyModel(parent)
{
    setSortRole(SampleTableModel::SortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
}

void SampleFilterProxy::setSampleModel(SampleTableModel *model)
{
    m_model = model;
    setSourceModel(model);
}

void SampleFilterProxy::setFilter(const SampleFilter &filter)
{
    m_filter = filter;
    invalidateFilter();
    Q_EMIT filterChanged();
}

int64_t SampleFilterProxy::sampleIndex(int proxyRow) const
{
    if (proxyRow < 0 || proxyRow >= rowCount())
        return -1;
    return mapToSource(index(proxyRow, 0)).row();
}

int SampleFilterProxy::proxyRowOf(int64_t sampleIndex) const
{
    if (!m_model || sampleIndex < 0 || sampleIndex >= m_model->rowCount())
        return -1;
    return mapFromSource(m_model->index(int(sampleIndex), 0)).row();
}

std::vector<int64_t> SampleFilterProxy::visibleSampleIndices() const
{
    std::vector<int64_t> out;
    const int n = rowCount();
    out.reserve(size_t(n));
    for (int r = 0; r < n; ++r)
        out.push_back(mapToSource(index(r, 0)).row());
    return out;
}

bool SampleFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &) const
{
    if (!m_model || !m_model->session())
        return true;
    const ProjectSession &s = *m_model->session();
    const SampleFilter &f = m_filter;
    const int64_t row = sourceRow;

    if (f.staleOnly && !s.isStale(row))
        return false;
    if (f.scoredOnly || f.hasUtilityBound() || f.harmful != SampleFilter::Harmful::Any) {
        const double u = s.scores().utilityAt(row);
        if (std::isnan(u)) {
            if (f.scoredOnly || f.hasUtilityBound() || f.harmful == SampleFilter::Harmful::Only)
                return false;
        } else {
            if (u < f.minUtility || u > f.maxUtility)
                return false;
            const bool harmful = s.scores().isHarmful(row);
            if (f.harmful == SampleFilter::Harmful::Only && !harmful)
                return false;
            if (f.harmful == SampleFilter::Harmful::Exclude && harmful)
                return false;
        }
    }
    switch (f.decision) {
    case SampleFilter::DecisionFilter::Any: break;
    case SampleFilter::DecisionFilter::Auto: if (s.decision(row) != Decision::Auto) return false; break;
    case SampleFilter::DecisionFilter::Keep: if (s.decision(row) != Decision::Keep) return false; break;
    case SampleFilter::DecisionFilter::Drop: if (s.decision(row) != Decision::Drop) return false; break;
    case SampleFilter::DecisionFilter::Decided: if (s.decision(row) == Decision::Auto) return false; break;
    }
    if (!f.tag.isEmpty() && !s.tags(row).contains(f.tag))
        return false;
    if (f.validation == SampleFilter::Validation::Ok && !s.problems(row).isEmpty())
        return false;
    if (f.validation == SampleFilter::Validation::Problems && s.problems(row).isEmpty())
        return false;
    if (f.check != SampleFilter::Check::Any && !acceptsCheck(s.checks(), row))
        return false;
    if (!f.text.isEmpty()) {
        if (s.isUnreadableRow(row))
            return s.problems(row).join(QLatin1Char(' ')).contains(f.text, Qt::CaseInsensitive);
        if (QString::fromStdString(s.dataset().id(row)).contains(f.text, Qt::CaseInsensitive))
            return true;
        auto sample = m_model->sampleAt(row);
        if (!sample || !sample->ok())
            return sample && sample->error.contains(f.text, Qt::CaseInsensitive);
        for (const Turn &t : sample->sample.turns)
            if (QString::fromStdString(t.content).contains(f.text, Qt::CaseInsensitive))
                return true;
        return false;
    }
    return true;
}

bool SampleFilterProxy::acceptsCheck(const CheckSignals &c, int64_t row) const
{
    using F = CheckSignals;
    switch (m_filter.check) {
    case SampleFilter::Check::Any: return true;
    case SampleFilter::Check::Duplicates: return c.has(row, F::InGroup);
    case SampleFilter::Check::Collapse: return !c.has(row, F::Redundant);
    case SampleFilter::Check::ImageIssues: return c.has(row, F::ImageIssue);
    case SampleFilter::Check::OverCutoff: return c.has(row, F::OverCutoff);
    case SampleFilter::Check::CutsImage: return c.has(row, F::CutsImage);
    case SampleFilter::Check::Flagged:
        return c.has(row, F::Redundant) || c.has(row, F::ImageIssue) || c.has(row, F::OverCutoff);
    }
    return true;
}

bool SampleFilterProxy::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    const QVariant l = left.data(SampleTableModel::SortRole);
    const QVariant r = right.data(SampleTableModel::SortRole);
    // Rows without a value (unscored) go last in both directions: a descending sort reverses
    // lessThan, so "no value" is the greatest when ascending and the least when descending.
    if (!l.isValid() || !r.isValid()) {
        if (l.isValid() != r.isValid())
            return (sortOrder() == Qt::AscendingOrder) == r.isValid() ? false : true;
        return left.row() < right.row();
    }
    if (l.typeId() == QMetaType::Double || r.typeId() == QMetaType::Double || l.typeId() == QMetaType::Int ||
        l.typeId() == QMetaType::LongLong) {
        const double a = l.toDouble(), b = r.toDouble();
        if (a != b)
            return a < b;
        return left.row() < right.row(); // stable: ties keep file order
    }
    const int c = QString::compare(l.toString(), r.toString(), Qt::CaseInsensitive);
    return c != 0 ? c < 0 : left.row() < right.row();
}

} // namespace ost::ui

#include "moc_SampleFilterProxy.cpp"
