#pragma once
// Utility histogram (Qt Charts) with a cut line the user drags with the mouse. Samples at or above
// the cut are kept, and the kept side is shaded (when every bar is red, the colour alone does not say
// which side is kept); bins below the harmful threshold are red. The x axis spans the data (the
// threshold is drawn when it falls inside), not 0 and the data. Bar heights are on a square-root scale
// (the y labels are counts), so a tail of a few harmful samples stays visible next to a mode of
// hundreds. Counts come from a sorted copy of the values (binary search), so dragging over a million
// values only moves one line series.
#include <QWidget>

#include <cstdint>
#include <utility>
#include <vector>

class QLabel;
class QStackedLayout;

QT_BEGIN_NAMESPACE
class QAreaSeries;
class QCategoryAxis;
class QChart;
class QChartView;
class QLineSeries;
QT_END_NAMESPACE

namespace ost::ui {

class HistogramWidget : public QWidget {
    Q_OBJECT
public:
    static constexpr int kBins = 64;

    explicit HistogramWidget(QWidget *parent = nullptr);

    // NaNs are ignored. `harmfulBelow`: bins left of it are drawn red.
    void setValues(std::vector<double> values, double harmfulBelow);
    void setEmptyText(const QString &text);
    bool hasValues() const { return !m_sorted.empty(); }

    double cut() const { return m_cut; }
    void setCut(double cut);
    // Moves the cut so that the top `percent` of the values are kept.
    void setCutToTopPercent(double percent);
    int64_t keptCount() const;   // values >= cut
    int64_t totalCount() const { return int64_t(m_sorted.size()); }
    int64_t harmfulCount() const;
    double harmfulThreshold() const { return m_harmfulBelow; }
    double minValue() const { return m_sorted.empty() ? 0 : m_sorted.front(); }
    double maxValue() const { return m_sorted.empty() ? 0 : m_sorted.back(); }
    double plotMin() const { return m_lo; } // the x axis' range
    double plotMax() const { return m_hi; }
    // The shaded kept side in axis values (from the cut to the right end); empty without values.
    std::pair<double, double> keptBand() const;
    // "Cut 0.012 keeps 120 of 600 (20.0%) · 37 harmful (red)"; empty without values.
    QString summaryText() const;

    // For tests: the chart view, and where (in its viewport) a utility value lies on the x axis.
    QChartView *chartView() const { return m_view; }
    QPoint viewportPosOf(double value) const;
    // Bin counts as drawn, red (harmful) bins and the others.
    std::vector<int64_t> harmfulBins() const;
    std::vector<int64_t> usefulBins() const;

    QSize sizeHint() const override { return {600, 140}; }
    QSize minimumSizeHint() const override { return {200, 90}; }

Q_SIGNALS:
    void cutChanged(double cut); // while dragging and after setCut
    void cutDragged(double cut); // by the mouse only

private:
    friend class CutChartView;
    void rebin();
    void rebuildSeries();
    void updateCutSeries();
    // Drag handling, in chart view viewport coordinates.
    bool nearCut(const QPoint &pos) const;
    void cutFromViewportPos(const QPoint &pos);

    std::vector<double> m_sorted;
    std::vector<int64_t> m_bins;
    double m_lo = 0, m_hi = 1;   // plotted range
    double m_harmfulBelow = 0;
    double m_cut = 0;

    QStackedLayout *m_stack;
    QLabel *m_empty;
    QChart *m_chart;
    QChartView *m_view;
    QCategoryAxis *m_x; // labels at exact multiples of a round step (a value axis summed its steps: "-5.55e-17")
    QCategoryAxis *m_y; // square-root scale, labelled in samples
    QAreaSeries *m_useful;
    QAreaSeries *m_harmful;
    QAreaSeries *m_dropped;   // grey veil over the values below the cut
    QAreaSeries *m_kept;      // green tint behind the bars right of the cut
    QLineSeries *m_cutLine;
    QLineSeries *m_threshold; // dotted, at the harmful threshold
};

} // namespace ost::ui
