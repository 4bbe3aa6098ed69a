#pragma once
// The histogram with its "keep the top P %" control. The cut is a share of the run's scored samples,
// not a utility: a utility means nothing in another dataset or run, a share does. Dragging the cut
// line and committing a number in the box (Enter or focus out; typing is never rewritten) move the
// same cut; filtering changes the bars, not the cut. A label says how many samples the cut keeps.
#include <QWidget>

#include <vector>

class QDoubleSpinBox;
class QLabel;
class QLineEdit;

namespace ost::ui {

class HistogramWidget;

class HistogramPanel : public QWidget {
    Q_OBJECT
public:
    explicit HistogramPanel(QWidget *parent = nullptr);
    HistogramWidget *histogram() const { return m_histogram; }
    // The samples shown (the filter's). NaNs are ignored.
    void setValues(std::vector<double> values, double harmfulBelow);
    // Every scored sample of the run: what the share is of. Until it is set, the shown values are.
    void setRunValues(std::vector<double> runValues);
    // The share of the run's scored samples that the cut keeps, as last committed or dragged.
    double topPercent() const { return m_percent; }
    // Moves the cut to keep that share; emits topPercentChanged (what a curator's edit does).
    void setTopPercent(double percent);
    QString summaryText() const; // what the label says: "Cut … keeps N of M (…%) · K harmful (red)"

    // The "harmful below" field: shows the run's threshold, emits harmfulThresholdEdited on Enter or
    // focus out (the same threshold as ostc score --harmful-threshold, for the app's views).
    QLineEdit *harmfulField() const { return m_harmful; }

Q_SIGNALS:
    void topPercentChanged(double percent);
    void harmfulThresholdEdited(double threshold);

private:
    void applyPercent();
    void onDragged(double cut);
    void updateSummary();
    HistogramWidget *m_histogram;
    QDoubleSpinBox *m_topPercent;
    QLabel *m_summary;
    QLineEdit *m_harmful;
    std::vector<double> m_run; // sorted scored utilities of the run
    bool m_runSet = false;
    double m_percent = 50.0;
    bool m_syncing = false;
};

} // namespace ost::ui
