#pragma once
// Review of harmful samples, lowest utility first, with one-key decisions:
// K keep, D drop, U undo, N/P or arrows to move. Decisions go to the store immediately.
#include <QWidget>

class QLabel;
class QPushButton;
class QTableView;

namespace ost::ui {

class DetailPane;
class SampleFilterProxy;
class SampleTableModel;

class ReviewQueueWidget : public QWidget {
    Q_OBJECT
public:
    explicit ReviewQueueWidget(SampleTableModel *model, QWidget *parent = nullptr);

    int queueSize() const;
    int currentRow() const;
    int64_t currentSample() const;
    void setCurrentRow(int row);
    void keep();
    void drop();
    void undo();
    void next();
    void previous();
    SampleFilterProxy *proxy() const { return m_proxy; }
    DetailPane *detail() const { return m_detail; }

private:
    void decideAndAdvance(int decision);
    void updateStatus();
    void onCurrentChanged();

    SampleTableModel *m_model;
    SampleFilterProxy *m_proxy;
    QTableView *m_list;
    DetailPane *m_detail;
    QLabel *m_status;
    QLabel *m_empty;
};

} // namespace ost::ui
