#pragma once
// Every key of the window on one page (? or Help > Keyboard Shortcuts): the menus' shortcuts read
// from the actions themselves, so the page cannot drift from what the keys do, plus the keys that
// live in one view only (the review queue, the table, the histogram).
#include <QDialog>

class QLabel;
class QMenuBar;

namespace ost::ui {

class ShortcutOverlay : public QDialog {
    Q_OBJECT
public:
    ShortcutOverlay(QMenuBar *menus, QWidget *parent = nullptr);
    // Rebuilds the page from the menus as they are now (shortcuts may have been changed).
    void refresh();
    QString text() const;

private:
    QMenuBar *m_menus;
    QLabel *m_page;
};

} // namespace ost::ui
