#pragma once
// Large, friendly "what to do next" text for empty views.
#include <QLabel>
#include <QWidget>

class QPushButton;

namespace ost::ui {

class EmptyState : public QWidget {
    Q_OBJECT
public:
    explicit EmptyState(const QString &title, const QString &hint, QWidget *parent = nullptr);
    void setTitle(const QString &title);
    void setHint(const QString &hint);
    // Adds a button under the hint; returns it so the owner can connect it.
    QPushButton *addButton(const QString &text);

private:
    QLabel *m_title;
    QLabel *m_hint;
    QWidget *m_buttons;
};

} // namespace ost::ui
