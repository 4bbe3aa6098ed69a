#pragma once
// The histogram with its "keep top N %" control; dragging the cut line and the spinner move the
// same cut, and a label says how many samples the cut keeps.
#include <QWidget>

#include <vector>

class QDoubleSpinBox;
class QLabel;

namespace ost::ui {

class HistogramWidget;

class HistogramPanel : public QWidget {
    Q_OBJECT
public:
    explicit HistogramPanel(QWidget *parent = nullptr);
    HistogramWidget *histogram() const { return m_histogram; }
    void setValues(std::vector<double> values, double harmfulBelow);
    double topPercent() const;
    void setTopPercent(double percent);
    QString summaryText() const; // what the label says: "Cut … keeps N of M (…%) · K harmful (red)"

private:
    void syncFromCut();
    HistogramWidget *m_histogram;
    QDoubleSpinBox *m_topPercent;
    QLabel *m_summary;
    bool m_syncing = false;
};

} // namespace ost::ui
