#pragma once
// One reference problem of the run's V, opened from "Why this sample" or the reference-set view:
// its id, what the sample under review does to its loss, its image and its turns (question and
// answer). Non-modal, one per window, placed beside it so the sample stays in view.
#include "core/data/Sample.h"

#include <QDialog>

class QLabel;
class QTextBrowser;

namespace ost::ui {

class ImageView;

class ReferenceDialog : public QDialog {
    Q_OBJECT
public:
    explicit ReferenceDialog(QWidget *parent = nullptr);
    // `context`: a line about the sample under review ("the step on s12 raises its loss by 0.21"), or "".
    void showReference(const Sample &reference, const QString &context);
    QString referenceId() const { return m_id; }
    QTextBrowser *conversation() const { return m_conversation; }

private:
    QString m_id;
    QLabel *m_title;
    QLabel *m_context;
    ImageView *m_image;
    QTextBrowser *m_conversation;
};

} // namespace ost::ui
