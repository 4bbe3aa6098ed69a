#include "ui/dialogs/ReferenceDialog.h"

#include "ui/widgets/ConversationHtml.h"
#include "ui/widgets/ImageView.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QScreen>
#include <QSplitter>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace ost::ui {

ReferenceDialog::ReferenceDialog(QWidget *parent) : QDialog(parent)
{
    setObjectName(QStringLiteral("referenceDialog"));
    setModal(false);
    m_title = new QLabel(this);
    QFont f = m_title->font();
    f.setBold(true);
    m_title->setFont(f);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_context = new QLabel(this);
    m_context->setWordWrap(true);
    m_context->setTextFormat(Qt::RichText);
    m_image = new ImageView(this);
    m_image->setMinimumHeight(100);
    m_conversation = new QTextBrowser(this);
    m_conversation->setOpenLinks(false);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_image);
    split->addWidget(m_conversation);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    split->setChildrenCollapsible(false);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::close);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addWidget(m_context);
    layout->addWidget(split, 1);
    layout->addWidget(buttons);
    resize(440, 560);
}

void ReferenceDialog::showReference(const Sample &reference, const QString &context)
{
    m_id = QString::fromStdString(reference.id);
    setWindowTitle(tr("Reference problem %1").arg(m_id));
    m_title->setText(tr("Reference %1").arg(m_id));
    m_context->setText(context);
    m_context->setVisible(!context.isEmpty());
    m_conversation->setHtml(conversationHtml(reference));
    const QString image = reference.resolvedImages.empty() ? QString() : QString::fromStdString(reference.resolvedImages.front());
    m_image->setVisible(!reference.images.empty());
    if (!reference.images.empty()) {
        if (image.isEmpty())
            m_image->setMessage(tr("Image not found:\n%1").arg(QString::fromStdString(reference.images.front())));
        else
            m_image->showImage(image);
    }
    if (!isVisible() && parentWidget()) {
        // Beside the window, on the side with room, so the sample under review stays in view.
        const QRect w = parentWidget()->window()->frameGeometry();
        const QRect screen = parentWidget()->screen() ? parentWidget()->screen()->availableGeometry() : w;
        // Left of the window, else right of it; on a full screen over the table's side, since the
        // sample's detail pane is docked on the right.
        const int fw = frameGeometry().width();
        const int x = w.left() - fw >= screen.left()      ? w.left() - fw
                      : w.right() + fw <= screen.right() ? w.right() + 1
                                                           : w.left() + 40;
        move(x, w.top() + 60);
    }
    show();
    raise();
}

} // namespace ost::ui

#include "moc_ReferenceDialog.cpp"
