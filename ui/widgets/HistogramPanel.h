#pragma once
// The histogram with its "keep top N %" control; both move the same cut.
#include <QWidget>

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

private:
    void syncSpin();
    HistogramWidget *m_histogram;
    QDoubleSpinBox *m_topPercent;
    bool m_syncing = false;
};

} // namespace ost::ui
