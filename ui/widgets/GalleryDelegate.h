#pragma once
// Paints one gallery tile: the thumbnail, the sample id and utility, and a coloured frame for the
// curator's decision (green kept, red dropped) or a red corner for harmful samples.
#include <QStyledItemDelegate>

namespace ost::ui {

class GalleryDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    explicit GalleryDelegate(int thumbSide, QObject *parent = nullptr);
    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

private:
    int m_side;
};

} // namespace ost::ui
