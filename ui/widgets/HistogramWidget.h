#pragma once
// Utility histogram with a draggable cut line. Painted by hand: it must stay responsive while the
// cut is dragged over a million values, so counts come from a sorted copy (binary search), not a
// chart model rebuilt on every mouse move.
#include <QWidget>

#include <vector>

namespace ost::ui {

class HistogramWidget : public QWidget {
    Q_OBJECT
public:
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
    double minValue() const { return m_sorted.empty() ? 0 : m_sorted.front(); }
    double maxValue() const { return m_sorted.empty() ? 0 : m_sorted.back(); }

    QSize sizeHint() const override { return {600, 140}; }
    QSize minimumSizeHint() const override { return {240, 100}; }

Q_SIGNALS:
    void cutChanged(double cut); // while dragging and after setCut

protected:
    void paintEvent(QPaintEvent *) override;
    void mousePressEvent(QMouseEvent *) override;
    void mouseMoveEvent(QMouseEvent *) override;
    void mouseReleaseEvent(QMouseEvent *) override;

private:
    QRectF plotRect() const;
    double xToValue(double x) const;
    double valueToX(double v) const;
    void rebin();

    std::vector<double> m_sorted;
    std::vector<int64_t> m_bins;
    double m_lo = 0, m_hi = 1;   // plotted range
    double m_harmfulBelow = 0;
    double m_cut = 0;
    bool m_dragging = false;
    QString m_emptyText;
};

} // namespace ost::ui
