#pragma once
// The filter row above the table: text, utility range, harmful, decision, tag, validation, and the
// `ostc check` results (duplicates, image issues, length).
// Edits are debounced so that typing does not re-filter a million rows per key.
#include "ui/models/SampleFilterProxy.h"

#include <QWidget>

class QComboBox;
class QLineEdit;
class QTimer;
class QToolButton;

namespace ost::ui {

class FilterBar : public QWidget {
    Q_OBJECT
public:
    explicit FilterBar(QWidget *parent = nullptr);

    SampleFilter filter() const;
    void setTags(const QStringList &tags);
    // Whether the project has `ostc check` results: without them the check filter says how to get them.
    void setChecksAvailable(bool available);
    void focusSearch();
    void clear();

Q_SIGNALS:
    void filterChanged(const ost::ui::SampleFilter &filter);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void schedule();
    QLineEdit *m_text;
    QLineEdit *m_min;
    QLineEdit *m_max;
    QComboBox *m_harmful;
    QComboBox *m_decision;
    QComboBox *m_tag;
    QComboBox *m_validation;
    QComboBox *m_check;
    QToolButton *m_clear;
    QTimer *m_debounce;
};

} // namespace ost::ui
