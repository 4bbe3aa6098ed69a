#include "ui/widgets/EmptyState.h"

#include <QHBoxLayout>
#include <QPushButton>
#include <QVBoxLayout>

namespace ost::ui {

EmptyState::EmptyState(const QString &title, const QString &hint, QWidget *parent) : QWidget(parent)
{
    m_title = new QLabel(title, this);
    m_hint = new QLabel(hint, this);
    for (QLabel *l : {m_title, m_hint}) {
        l->setAlignment(Qt::AlignCenter);
        l->setWordWrap(true);
    }
    QFont f = m_title->font();
    f.setPointSizeF(f.pointSizeF() * 1.6);
    m_title->setFont(f);
    m_title->setStyleSheet(QStringLiteral("color:#444"));
    m_hint->setStyleSheet(QStringLiteral("color:#777"));
    m_buttons = new QWidget(this);
    auto *bl = new QHBoxLayout(m_buttons);
    bl->addStretch(1);
    bl->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->addStretch(2);
    layout->addWidget(m_title);
    layout->addWidget(m_hint);
    layout->addSpacing(12);
    layout->addWidget(m_buttons);
    layout->addStretch(3);
}

void EmptyState::setTitle(const QString &title) { m_title->setText(title); }
void EmptyState::setHint(const QString &hint) { m_hint->setText(hint); }

QPushButton *EmptyState::addButton(const QString &text)
{
    auto *b = new QPushButton(text, m_buttons);
    auto *bl = static_cast<QHBoxLayout *>(m_buttons->layout());
    bl->insertWidget(bl->count() - 1, b);
    return b;
}

} // namespace ost::ui

#include "moc_EmptyState.cpp"
