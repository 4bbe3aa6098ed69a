#include "ui/widgets/HistogramWidget.h"

#include "ui/models/SampleTableModel.h"

#include <QAreaSeries>
#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QGraphicsLayout>
#include <QLabel>
#include <QLineSeries>
#include <QLocale>
#include <QMouseEvent>
#include <QStackedLayout>

#include <algorithm>
#include <cmath>

namespace ost::ui {

namespace {
const QColor kUseful(52, 120, 200);
const QColor kHarmful(208, 60, 60);
const QColor kCut(30, 30, 30);
constexpr int kGrabPixels = 6; // how close to the cut line a press grabs it
} // namespace

// The chart view forwards mouse drags to the widget: press anywhere in the plot moves the cut there,
// dragging moves it along.
class CutChartView : public QChartView {
public:
    CutChartView(QChart *chart, HistogramWidget *owner) : QChartView(chart, owner), m_owner(owner)
    {
        setRenderHint(QPainter::Antialiasing);
        setMouseTracking(true);
        setFrameShape(QFrame::NoFrame);
    }

protected:
    void mousePressEvent(QMouseEvent *e) override
    {
        if (!m_owner->hasValues() || e->button() != Qt::LeftButton)
            return QChartView::mousePressEvent(e);
        m_dragging = true;
        m_owner->cutFromViewportPos(e->position().toPoint());
        e->accept();
    }
    void mouseMoveEvent(QMouseEvent *e) override
    {
        if (!m_owner->hasValues())
            return QChartView::mouseMoveEvent(e);
        const QPoint pos = e->position().toPoint();
        viewport()->setCursor(m_dragging || m_owner->nearCut(pos) ? Qt::SizeHorCursor : Qt::CrossCursor);
        if (m_dragging)
            m_owner->cutFromViewportPos(pos);
        e->accept();
    }
    void mouseReleaseEvent(QMouseEvent *e) override
    {
        m_dragging = false;
        e->accept();
    }

private:
    HistogramWidget *m_owner;
    bool m_dragging = false;
};

namespace {

// 1, 2, 5, 10, 20, 50, ... nearest below `v` (at least 1).
int64_t roundCount(int64_t v)
{
    int64_t best = 1;
    for (int64_t p = 1; p <= v; p *= 10)
        for (int64_t m : {1, 2, 5})
            if (m * p <= v)
                best = m * p;
    return best;
}

// A round step of about a fifth of `span`: 1, 2 or 5 times a power of ten.
double niceStep(double span)
{
    const double raw = span / 5.0;
    const double p = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0})
        if (m * p >= raw)
            return m * p;
    return 10.0 * p;
}

QAreaSeries *makeArea(const QColor &colour, QChart *chart)
{
    auto *area = new QAreaSeries(new QLineSeries(chart), new QLineSeries(chart));
    area->setBrush(colour);
    area->setPen(Qt::NoPen);
    chart->addSeries(area);
    return area;
}

} // namespace

HistogramWidget::HistogramWidget(QWidget *parent) : QWidget(parent)
{
    m_chart = new QChart;
    m_chart->legend()->hide();
    m_chart->setBackgroundRoundness(0);
    m_chart->setMargins(QMargins(2, 8, 2, 0)); // room for the top y label
    m_chart->layout()->setContentsMargins(0, 0, 0, 0);
    m_chart->setBackgroundBrush(palette().base());
    m_chart->setAnimationOptions(QChart::NoAnimation);

    m_kept = makeArea(QColor(60, 170, 90, 45), m_chart); // first: behind the bars
    m_useful = makeArea(kUseful, m_chart);
    m_dropped = makeArea(QColor(255, 255, 255, 150), m_chart);
    m_harmful = makeArea(kHarmful, m_chart); // above the veil: harmful bins stay red when not kept
    m_threshold = new QLineSeries(m_chart);
    m_threshold->setPen(QPen(kHarmful, 1, Qt::DotLine));
    m_chart->addSeries(m_threshold);
    m_cutLine = new QLineSeries(m_chart);
    m_cutLine->setPen(QPen(kCut, 2));
    m_chart->addSeries(m_cutLine);

    QFont axisFont = font();
    axisFont.setPointSizeF(std::max(6.0, axisFont.pointSizeF() - 1));
    m_x = new QCategoryAxis(m_chart);
    m_x->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    m_x->setTruncateLabels(false);
    m_x->setLabelsFont(axisFont);
    m_x->setGridLineVisible(false);
    m_y = new QCategoryAxis(m_chart);
    m_y->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    m_y->setLabelsFont(axisFont);
    m_y->setTruncateLabels(false); // a category axis measures its labels short and would show "..."

    m_chart->addAxis(m_x, Qt::AlignBottom);
    m_chart->addAxis(m_y, Qt::AlignLeft);
    for (QAbstractSeries *s : m_chart->series()) {
        s->attachAxis(m_x);
        s->attachAxis(m_y);
    }

    m_view = new CutChartView(m_chart, this);
    m_view->setToolTip(tr("Utility of the scored samples (x) and how many fall in each bin (y).\n"
                          "Drag the black cut line: samples right of it are kept. Red: harmful."));
    m_empty = new QLabel(this);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setEnabled(false);
    m_empty->setText(tr("Not scored yet — Score > Run OST…"));

    m_stack = new QStackedLayout(this);
    m_stack->setContentsMargins(0, 0, 0, 0);
    m_stack->addWidget(m_empty);
    m_stack->addWidget(m_view);
    m_stack->setCurrentWidget(m_empty);
}

void HistogramWidget::setEmptyText(const QString &text)
{
    m_empty->setText(text);
}

void HistogramWidget::setValues(std::vector<double> values, double harmfulBelow)
{
    values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return std::isnan(v); }), values.end());
    std::sort(values.begin(), values.end());
    m_sorted = std::move(values);
    m_harmfulBelow = harmfulBelow;
    rebin();
    rebuildSeries();
    m_stack->setCurrentWidget(m_sorted.empty() ? static_cast<QWidget *>(m_empty) : m_view);
}

void HistogramWidget::rebin()
{
    m_bins.assign(kBins, 0);
    if (m_sorted.empty())
        return;
    // Plot the central 99% so that one outlier does not squash every other bar into one bin;
    // the outliers land in the edge bins. The range is the data's: with the threshold (0) always in
    // it, data on one side of it filled a third of the plot.
    const size_t n = m_sorted.size();
    m_lo = m_sorted[size_t(double(n - 1) * 0.005)];
    m_hi = m_sorted[size_t(double(n - 1) * 0.995)];
    if (!(m_hi > m_lo))
        m_hi = m_lo + 1e-9 + std::fabs(m_lo) * 0.01;
    const double pad = (m_hi - m_lo) * 0.03;
    m_lo -= pad;
    m_hi += pad;
    // Put a bin edge exactly on the harmful threshold, so that a bin is either all harmful or none.
    const double width = (m_hi - m_lo) / kBins;
    if (m_harmfulBelow > m_lo && m_harmfulBelow < m_hi) {
        m_lo = m_harmfulBelow - std::ceil((m_harmfulBelow - m_lo) / width) * width;
        m_hi = m_lo + width * kBins; // moved down by less than the 3% padding: the top value stays inside
    }
    for (double v : m_sorted) {
        const int b = int(std::floor((v - m_lo) / (m_hi - m_lo) * kBins));
        m_bins[size_t(std::clamp(b, 0, kBins - 1))]++;
    }
}

std::vector<int64_t> HistogramWidget::harmfulBins() const
{
    std::vector<int64_t> out(m_bins.size(), 0);
    for (size_t b = 0; b < m_bins.size(); ++b) {
        const double centre = m_lo + (double(b) + 0.5) / kBins * (m_hi - m_lo);
        if (centre < m_harmfulBelow)
            out[b] = m_bins[b];
    }
    return out;
}

std::vector<int64_t> HistogramWidget::usefulBins() const
{
    std::vector<int64_t> out = harmfulBins();
    for (size_t b = 0; b < out.size(); ++b)
        out[b] = m_bins[b] - out[b];
    return out;
}

void HistogramWidget::rebuildSeries()
{
    const auto steps = [this](const std::vector<int64_t> &bins) {
        QList<QPointF> pts;
        pts.reserve(int(bins.size()) * 2);
        for (size_t b = 0; b < bins.size(); ++b) {
            const double x0 = m_lo + double(b) / kBins * (m_hi - m_lo);
            const double x1 = m_lo + double(b + 1) / kBins * (m_hi - m_lo);
            const double h = std::sqrt(double(bins[b]));
            pts << QPointF(x0, h) << QPointF(x1, h);
        }
        return pts;
    };
    const auto base = [this] { return QList<QPointF>{QPointF(m_lo, 0), QPointF(m_hi, 0)}; };
    m_useful->upperSeries()->replace(steps(usefulBins()));
    m_useful->lowerSeries()->replace(base());
    m_harmful->upperSeries()->replace(steps(harmfulBins()));
    m_harmful->lowerSeries()->replace(base());

    const int64_t top = m_bins.empty() ? 1 : std::max<int64_t>(1, *std::max_element(m_bins.begin(), m_bins.end()));
    const double yMax = std::sqrt(double(top));
    // y labels in samples at 0, a round quarter of the top (half way up on the square-root scale) and the top
    for (const QString &label : m_y->categoriesLabels())
        m_y->remove(label);
    std::vector<int64_t> ticks{0};
    if (const int64_t quarter = roundCount(top / 4); quarter > ticks.back() && quarter < top)
        ticks.push_back(quarter);
    ticks.push_back(top);
    m_y->setStartValue(0);
    for (int64_t t : ticks)
        m_y->append(QString::number(t), std::sqrt(double(t)));
    m_y->setRange(0, yMax);
    // x labels at k * step, each computed on its own (round numbers, one of them exactly 0)
    for (const QString &label : m_x->categoriesLabels())
        m_x->remove(label);
    const double step = niceStep(m_hi - m_lo);
    const int decimals = std::max(0, -static_cast<int>(std::floor(std::log10(step))));
    m_x->setStartValue(m_lo);
    for (int64_t k = static_cast<int64_t>(std::ceil(m_lo / step)); step > 0 && k * step <= m_hi; ++k)
        m_x->append(k == 0 ? QStringLiteral("0") : QString::number(double(k) * step, 'f', decimals), double(k) * step);
    m_x->setRange(m_lo, m_hi);
    if (m_harmfulBelow > m_lo && m_harmfulBelow < m_hi)
        m_threshold->replace({QPointF(m_harmfulBelow, 0), QPointF(m_harmfulBelow, yMax)});
    else
        m_threshold->clear();
    updateCutSeries();
}

void HistogramWidget::updateCutSeries()
{
    if (m_sorted.empty()) {
        m_cutLine->clear();
        for (QAreaSeries *a : {m_dropped, m_kept}) {
            a->upperSeries()->clear();
            a->lowerSeries()->clear();
        }
        return;
    }
    const double x = std::clamp(m_cut, m_lo, m_hi);
    const double top = m_y->max();
    m_cutLine->replace({QPointF(x, 0), QPointF(x, top)});
    m_dropped->upperSeries()->replace({QPointF(m_lo, top), QPointF(x, top)});
    m_dropped->lowerSeries()->replace({QPointF(m_lo, 0), QPointF(x, 0)});
    m_kept->upperSeries()->replace({QPointF(x, top), QPointF(m_hi, top)});
    m_kept->lowerSeries()->replace({QPointF(x, 0), QPointF(m_hi, 0)});
}

std::pair<double, double> HistogramWidget::keptBand() const
{
    const auto pts = m_kept->upperSeries()->points();
    if (pts.size() < 2)
        return {0, 0};
    return {pts.front().x(), pts.back().x()};
}

void HistogramWidget::setCut(double cut)
{
    m_cut = cut;
    updateCutSeries();
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

QString HistogramWidget::summaryText() const
{
    if (m_sorted.empty())
        return {};
    const QLocale loc;
    const int64_t kept = keptCount();
    const double share = 100.0 * double(kept) / double(m_sorted.size());
    QString text = tr("Cut %1 keeps %2 of %3 (%4%)  ·  %5 harmful (red)")
                       .arg(formatScore(m_cut), loc.toString(qlonglong(kept)), loc.toString(qlonglong(m_sorted.size())),
                            QString::number(share, 'f', 1), loc.toString(qlonglong(harmfulCount())));
    // A step large enough to overshoot raises L_V for most samples, good ones too (the demo at eta 0.1:
    // 292 of 400 below 0, 120 of them toxic): the order still ranks, the sign no longer judges.
    if (m_sorted.size() >= 10 && 2 * harmfulCount() > int64_t(m_sorted.size()))
        text += tr(" — over half: at this step size trust the ranking, not the sign");
    return text;
}

QPoint HistogramWidget::viewportPosOf(double value) const
{
    const QPointF inChart = m_chart->mapToPosition(QPointF(value, 0), m_useful);
    return m_view->mapFromScene(m_chart->mapToScene(inChart));
}

bool HistogramWidget::nearCut(const QPoint &pos) const
{
    return std::abs(pos.x() - viewportPosOf(std::clamp(m_cut, m_lo, m_hi)).x()) <= kGrabPixels;
}

void HistogramWidget::cutFromViewportPos(const QPoint &pos)
{
    const QPointF inChart = m_chart->mapFromScene(m_view->mapToScene(pos));
    const QRectF plot = m_chart->plotArea();
    // Past either end of the plotted range (which leaves out the outermost 1%): keep all or none.
    if (inChart.x() <= plot.left())
        setCut(m_sorted.front());
    else if (inChart.x() >= plot.right())
        setCut(std::nextafter(m_sorted.back(), INFINITY));
    else
        setCut(m_chart->mapToValue(inChart, m_useful).x());
    Q_EMIT cutDragged(m_cut);
}

} // namespace ost::ui

#include "moc_HistogramWidget.cpp"
