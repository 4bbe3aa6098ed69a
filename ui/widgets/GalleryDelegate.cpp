#include "ui/widgets/GalleryDelegate.h"

#include "core/store/ProjectStore.h"
#include "ui/models/SampleTableModel.h"

#include <QApplication>
#include <QPainter>
#include <QPixmap>

namespace ost::ui {

GalleryDelegate::GalleryDelegate(int thumbSide, QObject *parent) : QStyledItemDelegate(parent), m_side(thumbSide) {}

QSize GalleryDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &) const
{
    const int text = option.fontMetrics.height();
    return {m_side + 16, m_side + 2 * text + 18};
}

void GalleryDelegate::paint(QPainter *p, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    p->save();
    p->setRenderHint(QPainter::Antialiasing);
    const QRect r = option.rect.adjusted(3, 3, -3, -3);
    const bool selected = option.state & QStyle::State_Selected;
    p->setPen(selected ? QPen(option.palette.highlight().color(), 2) : QPen(QColor(220, 222, 226), 1));
    p->setBrush(selected ? option.palette.highlight().color().lighter(185) : option.palette.base().color());
    p->drawRoundedRect(r, 5, 5);

    const QRect imageRect(r.left() + (r.width() - m_side) / 2, r.top() + 5, m_side, m_side);
    const QModelIndex thumbIndex = index.siblingAtColumn(SampleTableModel::ColThumbnail);
    const QVariant deco = thumbIndex.data(SampleTableModel::ThumbnailRole); // full size: the table's is boxed
    if (deco.canConvert<QPixmap>()) {
        const QPixmap pm = deco.value<QPixmap>();
        if (!pm.isNull()) {
            const QSize s = pm.size().scaled(imageRect.size(), Qt::KeepAspectRatio);
            const QRect target(imageRect.center().x() - s.width() / 2, imageRect.center().y() - s.height() / 2,
                               s.width(), s.height());
            p->drawPixmap(target, pm);
        }
    } else if (index.data(SampleTableModel::UnreadableRole).toBool()) {
        p->setPen(QColor(170, 90, 0));
        p->drawText(imageRect, Qt::AlignCenter | Qt::TextWordWrap, tr("could not be read"));
    } else {
        p->setPen(QColor(150, 150, 150));
        p->drawText(imageRect, Qt::AlignCenter, tr("text only"));
    }

    const auto decision = Decision(index.data(SampleTableModel::DecisionRole).toInt());
    if (decision != Decision::Auto) {
        p->setPen(QPen(decision == Decision::Keep ? QColor(40, 150, 70) : QColor(200, 50, 50), 3));
        p->setBrush(Qt::NoBrush);
        p->drawRoundedRect(r.adjusted(1, 1, -1, -1), 5, 5);
    }
    const bool harmful = index.data(SampleTableModel::HarmfulRole).toBool();
    if (harmful) {
        p->setPen(Qt::NoPen);
        p->setBrush(QColor(208, 60, 60));
        p->drawEllipse(QRect(r.right() - 14, r.top() + 4, 10, 10));
    }

    const QStringList caption = index.data(SampleTableModel::CaptionRole).toString().split(QLatin1Char('\n'));
    const int th = option.fontMetrics.height();
    QRect textRect(r.left() + 4, imageRect.bottom() + 4, r.width() - 8, th);
    p->setPen(option.palette.text().color());
    p->drawText(textRect, Qt::AlignHCenter | Qt::AlignVCenter,
                option.fontMetrics.elidedText(caption.value(0), Qt::ElideMiddle, textRect.width()));
    if (caption.size() > 1) {
        textRect.translate(0, th);
        p->setPen(harmful ? QColor(190, 30, 30) : QColor(90, 90, 90));
        p->drawText(textRect, Qt::AlignHCenter | Qt::AlignVCenter, caption.value(1));
    }
    p->restore();
}

} // namespace ost::ui

#include "moc_GalleryDelegate.cpp"
