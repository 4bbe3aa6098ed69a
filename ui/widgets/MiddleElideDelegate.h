#pragma once
// Elides in the middle: an id such as "chatgpt35-captions/problem-1234" keeps its beginning and its
// end (the problem number), where eliding at the right left every row reading "chatgpt35-capti…".
#include <QStyledItemDelegate>

namespace ost::ui {

class MiddleElideDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        option->textElideMode = Qt::ElideMiddle;
    }
};

} // namespace ost::ui
