#include "ui/widgets/AttributionChart.h"

#include "ui/models/SampleTableModel.h"

#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace ost::ui {

namespace {
constexpr int kValueWidth = 62; // "−0.0123"
constexpr int kMargin = 4;
} // namespace

AttributionChart::AttributionChart(QWidget *parent) : QWidget(parent)
{
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void AttributionChart::setBars(std::vector<Bar> bars)
{
    m_bars = std::move(bars);
    m_hover = -1;
    updateGeometry();
    setMinimumHeight(sizeHint().height());
    update();
}

int AttributionChart::rowHeight() const { return fontMetrics().height() + 4; }

int AttributionChart::labelWidth() const
{
    // As wide as the longest label, within a third of the width (the rest is for the bars).
    int w = 0;
    for (const Bar &b : m_bars)
        w = std::max(w, fontMetrics().horizontalAdvance(b.label));
    return std::min(w + 8, std::max(80, width() / 3));
}

QSize AttributionChart::sizeHint() const
{
    return {260, kMargin * 2 + int(m_bars.size()) * rowHeight()};
}

QSize AttributionChart::minimumSizeHint() const { return {160, sizeHint().height()}; }

QRect AttributionChart::barRect(int i) const
{
    return {0, kMargin + i * rowHeight(), width(), rowHeight()};
}

int AttributionChart::rowAt(const QPoint &p) const
{
    const int i = (p.y() - kMargin) / rowHeight();
    return p.y() >= kMargin && i >= 0 && i < int(m_bars.size()) ? i : -1;
}

void AttributionChart::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing, false);
    if (m_bars.empty())
        return;
    // The zero line splits the plot in proportion to the largest raise and the largest drop, so
    // that a sample that only helps (or only hurts) gets the whole width for its bars.
    double neg = 0, pos = 0;
    for (const Bar &b : m_bars)
        (b.value < 0 ? neg : pos) = std::max(b.value < 0 ? neg : pos, std::fabs(b.value));
    const double extent = neg + pos > 0 ? neg + pos : 1.0;
    const int lw = labelWidth();
    const int plotLeft = lw + kMargin, plotRight = width() - kValueWidth - kMargin;
    const double half = std::max(1, plotRight - plotLeft); // pixels per `extent`
    const int zero = plotLeft + int(std::lround(half * neg / extent));
    const int rh = rowHeight();
    for (int i = 0; i < int(m_bars.size()); ++i) {
        const Bar &b = m_bars[size_t(i)];
        const QRect row = barRect(i);
        if (i == m_hover)
            p.fillRect(row, palette().highlight().color().lighter(185));
        p.setPen(palette().text().color());
        const QString label = fontMetrics().elidedText(b.label, Qt::ElideMiddle, lw - 4);
        p.drawText(QRect(2, row.top(), lw - 4, rh), Qt::AlignRight | Qt::AlignVCenter, label);
        const int len = int(std::lround(std::fabs(b.value) / extent * half));
        const QRect bar = b.value >= 0 ? QRect(zero, row.top() + 3, std::max(len, 1), rh - 6)
                                       : QRect(zero - len, row.top() + 3, std::max(len, 1), rh - 6);
        p.fillRect(bar, b.value >= 0 ? QColor(42, 111, 184) : QColor(192, 48, 48));
        p.setPen(QColor(90, 90, 90));
        // The change of that reference's loss, signed as the sentence above says it ("hurts most:
        // ref/8 (+0.00055)"): + raises it (a red bar), − lowers it. The bars themselves are ΔL_v.
        const double lossChange = -b.value;
        p.drawText(QRect(plotRight + 4, row.top(), kValueWidth, rh), Qt::AlignLeft | Qt::AlignVCenter,
                   (lossChange > 0 ? QStringLiteral("+") : QString()) + formatScore(lossChange));
    }
    p.setPen(QColor(120, 120, 120));
    p.drawLine(zero, kMargin, zero, kMargin + int(m_bars.size()) * rh);
}

void AttributionChart::mousePressEvent(QMouseEvent *e)
{
    const int i = rowAt(e->position().toPoint());
    if (e->button() == Qt::LeftButton && i >= 0)
        Q_EMIT barClicked(m_bars[size_t(i)].key);
}

void AttributionChart::mouseMoveEvent(QMouseEvent *e)
{
    const int i = rowAt(e->position().toPoint());
    if (i != m_hover) {
        m_hover = i;
        setCursor(i >= 0 ? Qt::PointingHandCursor : Qt::ArrowCursor);
        update();
    }
}

void AttributionChart::leaveEvent(QEvent *)
{
    m_hover = -1;
    update();
}

bool AttributionChart::event(QEvent *e)
{
    if (e->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(e);
        const int i = rowAt(help->pos());
        if (i >= 0)
            QToolTip::showText(help->globalPos(), m_bars[size_t(i)].toolTip, this, barRect(i));
        else
            QToolTip::hideText();
        return true;
    }
    return QWidget::event(e);
}

} // namespace ost::ui

#include "moc_AttributionChart.cpp"
