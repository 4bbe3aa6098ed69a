#pragma once
// A small horizontal bar chart of ΔL_v, one bar per reference (or per group of references): bars
// to the right (blue) lower that reference's loss, to the left (red) raise it. Painted by hand so
// that each bar is a row of fixed height the pane can scroll, with its label and value beside it;
// a click on a row emits barClicked with its key (the reference id, or the group).
#include <QString>
#include <QWidget>

#include <vector>

namespace ost::ui {

class AttributionChart : public QWidget {
    Q_OBJECT
public:
    struct Bar {
        QString label;   // "ref/37 (geometry)"
        QString key;     // what barClicked reports
        double value = 0; // ΔL_v (> 0 helps)
        QString toolTip;
    };

    explicit AttributionChart(QWidget *parent = nullptr);
    void setBars(std::vector<Bar> bars);
    const std::vector<Bar> &bars() const { return m_bars; }
    QRect barRect(int i) const; // the clickable row of bar i
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    void barClicked(const QString &key);

protected:
    void paintEvent(QPaintEvent *e) override;
    void mousePressEvent(QMouseEvent *e) override;
    void mouseMoveEvent(QMouseEvent *e) override;
    void leaveEvent(QEvent *e) override;
    bool event(QEvent *e) override;

private:
    int rowAt(const QPoint &p) const;
    int rowHeight() const;
    int labelWidth() const;
    std::vector<Bar> m_bars;
    int m_hover = -1;
};

} // namespace ost::ui
