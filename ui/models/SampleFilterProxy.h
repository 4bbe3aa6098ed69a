#pragma once
// Sorting and filtering of the sample table. Filters read the session's vectors directly (not
// through QVariant) so that re-filtering a million rows after a decision stays quick.
#include <QSortFilterProxyModel>

#include <cmath>
#include <limits>
#include <vector>

namespace ost::ui {

class SampleTableModel;
struct CheckSignals;

struct SampleFilter {
    enum class Harmful { Any, Only, Exclude };
    enum class DecisionFilter { Any, Auto, Keep, Drop, Decided };
    enum class Validation { Any, Ok, Problems };
    // `ostc check` results (CheckSignals). Collapse hides every duplicate but the one its group keeps
    // (non-duplicates stay); Duplicates shows every member of a group, the kept one too.
    enum class Check { Any, Duplicates, Collapse, ImageIssues, OverCutoff, CutsImage, Flagged };

    QString text;                     // in id, question or answer (case-insensitive)
    double minUtility = -std::numeric_limits<double>::infinity();
    double maxUtility = std::numeric_limits<double>::infinity();
    bool scoredOnly = false;          // hide unscored rows (implied by a utility bound)
    bool staleOnly = false;           // only rows whose score is of a record that changed since
    Harmful harmful = Harmful::Any;
    DecisionFilter decision = DecisionFilter::Any;
    QString tag;                      // exact tag, "" for any
    Validation validation = Validation::Any;
    Check check = Check::Any;

    bool hasUtilityBound() const { return std::isfinite(minUtility) || std::isfinite(maxUtility); }
    bool isEmpty() const;
};

class SampleFilterProxy : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit SampleFilterProxy(QObject *parent = nullptr);

    void setSampleModel(SampleTableModel *model);
    SampleTableModel *sampleModel() const { return m_model; }

    const SampleFilter &filter() const { return m_filter; }
    void setFilter(const SampleFilter &filter);

    int64_t sampleIndex(int proxyRow) const;   // -1 when out of range
    int proxyRowOf(int64_t sampleIndex) const; // -1 when filtered out
    std::vector<int64_t> visibleSampleIndices() const;

Q_SIGNALS:
    void filterChanged();

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    bool acceptsCheck(const CheckSignals &checks, int64_t row) const;
    SampleTableModel *m_model = nullptr;
    SampleFilter m_filter;
};

} // namespace ost::ui
