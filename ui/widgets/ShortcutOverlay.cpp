#include "ui/widgets/ShortcutOverlay.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace ost::ui {

namespace {

QString row(const QString &keys, const QString &what)
{
    return QStringLiteral("<tr><td style='padding:1px 14px 1px 8px'><b>%1</b></td><td>%2</td></tr>")
        .arg(keys.toHtmlEscaped(), what.toHtmlEscaped());
}

// One table for the whole page, so that the key column lines up across sections.
QString section(const QString &title, const QString &rows)
{
    return QStringLiteral("<tr><td colspan='2' style='padding-top:8px'><b>%1</b></td></tr>%2")
        .arg(title.toHtmlEscaped(), rows);
}

QString plain(QString text)
{
    text.remove(QLatin1Char('&'));
    return text;
}

// Shortcuts of a menu and its submenus, in menu order.
QString menuRows(const QMenu *menu)
{
    QString rows;
    for (QAction *a : menu->actions()) {
        if (a->menu()) {
            rows += menuRows(a->menu());
            continue;
        }
        if (a->isSeparator() || a->shortcut().isEmpty())
            continue;
        QStringList keys;
        for (const QKeySequence &k : a->shortcuts())
            keys << k.toString(QKeySequence::NativeText);
        rows += row(keys.join(QStringLiteral(", ")), plain(a->text()));
    }
    return rows;
}

} // namespace

ShortcutOverlay::ShortcutOverlay(QMenuBar *menus, QWidget *parent) : QDialog(parent), m_menus(menus)
{
    setObjectName(QStringLiteral("shortcutOverlay"));
    setWindowTitle(tr("Keyboard shortcuts"));
    m_page = new QLabel(this);
    m_page->setTextFormat(Qt::RichText);
    m_page->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_page->setMargin(8);
    m_page->setWordWrap(true);
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(m_page);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::close);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(scroll, 1);
    layout->addWidget(buttons);
    resize(620, 640);
    refresh();
}

void ShortcutOverlay::refresh()
{
    QString html;
    for (QAction *top : m_menus->actions())
        if (top->menu())
            if (const QString rows = menuRows(top->menu()); !rows.isEmpty())
                html += section(plain(top->text()), rows);
    html += section(tr("Table and gallery"),
                    row(tr("K / D / A"), tr("keep, drop or reset to auto the selected samples")) +
                        row(tr("Up / Down, Page Up / Page Down"), tr("move through the samples")) +
                        row(tr("Click a column header"), tr("sort (unscored samples stay last)")) +
                        row(tr("Right-click the header"), tr("show or hide columns")));
    html += section(tr("Review harmful"),
                    row(QStringLiteral("K"), tr("keep and go to the next")) +
                        row(QStringLiteral("D"), tr("drop and go to the next")) +
                        row(QStringLiteral("U"), tr("undo the last decision")) +
                        row(tr("N / P, Down / Up"), tr("next / previous sample")));
    html += section(tr("Utility histogram"),
                    row(tr("Drag the black line"), tr("move the cut: samples right of it are kept")) +
                        row(tr("Type a share, Enter"), tr("keep the top share of the run's samples")));
    html += section(tr("Why this sample and the reference set"),
                    row(tr("Click a bar"), tr("open that reference problem beside the sample")) +
                        row(tr("Double-click a reference"), tr("open it (Reference set tab)")));
    html += section(tr("Anywhere"),
                    row(QStringLiteral("?"), tr("this page")) +
                        row(QKeySequence(QKeySequence::Undo).toString(QKeySequence::NativeText),
                            tr("undo the last decision, also from the search field when it has nothing "
                               "of its own to undo")));
    m_page->setText(QStringLiteral("<table>%1</table>").arg(html));
}

QString ShortcutOverlay::text() const { return m_page->text(); }

} // namespace ost::ui

#include "moc_ShortcutOverlay.cpp"
