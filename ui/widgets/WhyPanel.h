#pragma once
// "Why this sample": the utility of the sample split over the run's reference problems, in a
// sentence ("lowers the loss on 11 of 16 reference problems; hurts most: ref/37 (+0.21)") and a bar
// chart of ΔL_v per reference or per group of references (a field of the reference records). A
// click on a bar opens that reference problem beside the sample. Runs that stored no per-reference
// values (fast mode) get a button that takes the exact step for this one sample in the background.
#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QScrollArea;

namespace ost::ui {

class AttributionChart;
class ProjectSession;
class ReferenceDialog;
class SampleTableModel;

class WhyPanel : public QWidget {
    Q_OBJECT
public:
    explicit WhyPanel(SampleTableModel *model, QWidget *parent = nullptr);

    void showSample(int64_t index);
    // For tests and screenshots.
    QLabel *sentence() const { return m_sentence; }
    QPushButton *explainButton() const { return m_explain; }
    QComboBox *groupBy() const { return m_groupBy; }
    AttributionChart *chart() const { return m_chart; }
    ReferenceDialog *referenceDialog() const { return m_dialog; }
    void openReference(const QString &referenceId);

private:
    ProjectSession *session() const;
    void refresh();
    void refreshGroupChoices();
    void showBars();
    void onBarClicked(const QString &key);

    SampleTableModel *m_model;
    int64_t m_index = -1;
    QLabel *m_sentence;
    QLabel *m_status;
    QComboBox *m_groupBy;
    QWidget *m_groupRow;
    AttributionChart *m_chart;
    QScrollArea *m_scroll;
    QLabel *m_hint;
    QPushButton *m_explain;
    ReferenceDialog *m_dialog = nullptr;
    ProjectSession *m_connected = nullptr; // the session whose source signals are connected
};

} // namespace ost::ui
