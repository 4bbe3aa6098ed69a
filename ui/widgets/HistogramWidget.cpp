#include "ui/widgets/HistogramWidget.h"

#include "ui/models/SampleTableModel.h"

#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace ost::ui {

namespace {
constexpr int kBins = 64;
const QColor kUseful(52, 120, 200);
const QColor kHarmful(208, 60, 60);
} // namespace

HistogramWidget::HistogramWidget(QWidget *parent) : QWidget(parent)
{
    setMouseTracking(true);
    setMinimumHeight(100);
    m_emptyText = tr("Not scored yet — Score > Run OST…");
}

void HistogramWidget::setEmptyText(const QString &text)
{
    m_emptyText = text;
    update();
}

void HistogramWidget::setValues(std::vector<double> values, double harmfulBelow)
{
    values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return std::isnan(v); }), values.end());
    std::sort(values.begin(), values.end());
    m_sorted = std::move(values);
    m_harmfulBelow = harmfulBelow;
    rebin();
    update();
}

void HistogramWidget::rebin()
{
    m_bins.assign(kBins, 0);
    if (m_sorted.empty())
        return;
    // Plot the central 99% so that one outlier does not squash every other bar into one bin;
    // the outliers land in the edge bins.
    const size_t n = m_sorted.size();
    m_lo = m_sorted[size_t(double(n - 1) * 0.005)];
    m_hi = m_sorted[size_t(double(n - 1) * 0.995)];
    m_lo = std::min(m_lo, m_harmfulBelow);
    if (!(m_hi > m_lo))
        m_hi = m_lo + 1e-9 + std::fabs(m_lo) * 0.01;
    const double pad = (m_hi - m_lo) * 0.03;
    m_lo -= pad;
    m_hi += pad;
    for (double v : m_sorted) {
        int b = int((v - m_lo) / (m_hi - m_lo) * kBins);
        m_bins[size_t(std::clamp(b, 0, kBins - 1))]++;
    }
}

void HistogramWidget::setCut(double cut)
{
    m_cut = cut;
    update();
    Q_EMIT cutChanged(m_cut);
}

void HistogramWidget::setCutToTopPercent(double percent)
{
    if (m_sorted.empty())
        return;
    const double share = std::clamp(percent, 0.0, 100.0) / 100.0;
    const int64_t keep = int64_t(std::llround(share * double(m_sorted.size())));
    if (keep <= 0)
        setCut(std::nextafter(m_sorted.back(), INFINITY));
    else
        setCut(m_sorted[m_sorted.size() - size_t(keep)]);
}

int64_t HistogramWidget::keptCount() const
{
    return int64_t(m_sorted.end() - std::lower_bound(m_sorted.begin(), m_sorted.end(), m_cut));
}

int64_t HistogramWidget::harmfulCount() const
{
    return int64_t(std::lower_bound(m_sorted.begin(), m_sorted.end(), m_harmfulBelow) - m_sorted.begin());
}

QRectF HistogramWidget::plotRect() const
{
    const int text = fontMetrics().height();
    return QRectF(12, text + 12, width() - 24, height() - 2 * text - 22);
}

double HistogramWidget::xToValue(double x) const
{
    const QRectF r = plotRect();
    return m_lo + (x - r.left()) / r.width() * (m_hi - m_lo);
}

double HistogramWidget::valueToX(double v) const
{
    const QRectF r = plotRect();
    return r.left() + (std::clamp(v, m_lo, m_hi) - m_lo) / (m_hi - m_lo) * r.width();
}

void HistogramWidget::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), palette().base());
    if (m_sorted.empty()) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(rect(), Qt::AlignCenter, m_emptyText);
        return;
    }
    const QRectF r = plotRect();
    const int64_t maxBin = std::max<int64_t>(1, *std::max_element(m_bins.begin(), m_bins.end()));
    const double bw = r.width() / kBins;
    const double cutX = valueToX(m_cut);
    for (int b = 0; b < kBins; ++b) {
        if (m_bins[size_t(b)] == 0)
            continue;
        // sqrt height: the long tail of harmful samples stays visible next to the main mode
        const double h = std::sqrt(double(m_bins[size_t(b)]) / double(maxBin)) * r.height();
        const QRectF bar(r.left() + b * bw + 0.5, r.bottom() - h, std::max(1.0, bw - 1.0), h);
        const double centre = m_lo + (b + 0.5) / kBins * (m_hi - m_lo);
        QColor c = centre < m_harmfulBelow ? kHarmful : kUseful;
        if (bar.center().x() < cutX)
            c.setAlpha(90); // below the cut: not kept
        p.fillRect(bar, c);
    }
    // axis
    p.setPen(palette().color(QPalette::Mid));
    p.drawLine(r.bottomLeft(), r.bottomRight());
    const QLocale loc;
    p.setPen(palette().color(QPalette::Text));
    const int th = fontMetrics().height();
    const QRectF labels(r.left(), r.bottom() + 4, r.width(), th);
    p.drawText(labels, Qt::AlignLeft, formatScore(m_lo));
    p.drawText(labels, Qt::AlignRight, formatScore(m_hi));
    if (m_harmfulBelow > m_lo && m_harmfulBelow < m_hi) {
        const double zx = valueToX(m_harmfulBelow);
        p.setPen(QPen(kHarmful, 1, Qt::DotLine));
        p.drawLine(QPointF(zx, r.top()), QPointF(zx, r.bottom()));
        // Label the threshold only where it does not collide with the range labels at the ends.
        if (zx - r.left() > 90 && r.right() - zx > 90)
            p.drawText(QRectF(zx - 60, r.bottom() + 4, 120, th), Qt::AlignHCenter, formatScore(m_harmfulBelow));
    }
    // cut line with a handle
    p.setPen(QPen(QColor(30, 30, 30), 2));
    p.drawLine(QPointF(cutX, r.top() - 4), QPointF(cutX, r.bottom()));
    QPainterPath handle;
    handle.moveTo(cutX - 6, r.top() - 10);
    handle.lineTo(cutX + 6, r.top() - 10);
    handle.lineTo(cutX, r.top() - 2);
    handle.closeSubpath();
    p.fillPath(handle, QColor(30, 30, 30));

    const int64_t kept = keptCount();
    const double share = 100.0 * double(kept) / double(m_sorted.size());
    const QString summary = tr("Cut %1 keeps %2 of %3 (%4%)  ·  %5 harmful (red)")
                                .arg(formatScore(m_cut), loc.toString(qlonglong(kept)),
                                     loc.toString(qlonglong(m_sorted.size())), QString::number(share, 'f', 1),
                                     loc.toString(qlonglong(harmfulCount())));
    p.setPen(palette().color(QPalette::Text));
    p.drawText(QRectF(12, 4, width() - 24, th + 4), Qt::AlignLeft | Qt::AlignVCenter, summary);
}

void HistogramWidget::mousePressEvent(QMouseEvent *e)
{
    if (m_sorted.empty() || e->button() != Qt::LeftButton)
        return;
    m_dragging = true;
    setCut(xToValue(e->position().x()));
}

void HistogramWidget::mouseMoveEvent(QMouseEvent *e)
{
    if (m_sorted.empty())
        return;
    const bool nearCut = std::fabs(e->position().x() - valueToX(m_cut)) < 6;
    setCursor(m_dragging || nearCut ? Qt::SizeHorCursor : Qt::CrossCursor);
    if (m_dragging)
        setCut(xToValue(e->position().x()));
}

void HistogramWidget::mouseReleaseEvent(QMouseEvent *)
{
    m_dragging = false;
}

} // namespace ost::ui

#include "moc_HistogramWidget.cpp"
