#pragma once
// The status bar's view of a running scoring job: progress, samples/s, ETA, pause and cancel.
#include <QWidget>

class QLabel;
class QProgressBar;
class QToolButton;

namespace ost::ui {

class ScoringController;

class ScoringStatusWidget : public QWidget {
    Q_OBJECT
public:
    explicit ScoringStatusWidget(ScoringController *controller, QWidget *parent = nullptr);
    QString text() const;

private:
    ScoringController *m_controller;
    QLabel *m_label;
    QProgressBar *m_bar;
    QToolButton *m_pause;
    QToolButton *m_cancel;
};

} // namespace ost::ui
