#include "ui/widgets/HistogramPanel.h"

#include "ui/widgets/HistogramWidget.h"

#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace ost::ui {

HistogramPanel::HistogramPanel(QWidget *parent) : QWidget(parent)
{
    m_histogram = new HistogramWidget(this);
    m_topPercent = new QDoubleSpinBox(this);
    m_topPercent->setRange(0, 100);
    m_topPercent->setDecimals(1);
    m_topPercent->setSuffix(QStringLiteral(" %"));
    m_topPercent->setValue(50);
    m_topPercent->setToolTip(tr("Move the cut so that this share of the scored samples is kept"));
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("histogramSummary"));
    // Long summaries are cut at the dock's edge rather than widening the main window.
    m_summary->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_summary->setMinimumWidth(40);
    auto *hint = new QLabel(tr("Keep the top"), this);

    auto *controls = new QHBoxLayout;
    controls->setContentsMargins(4, 0, 4, 0);
    controls->addWidget(m_summary, 1);
    controls->addWidget(hint);
    controls->addWidget(m_topPercent);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->setSpacing(2);
    layout->addLayout(controls);
    layout->addWidget(m_histogram, 1);

    connect(m_topPercent, &QDoubleSpinBox::valueChanged, this, [this](double v) {
        if (!m_syncing)
            m_histogram->setCutToTopPercent(v);
    });
    connect(m_histogram, &HistogramWidget::cutChanged, this, [this] { syncFromCut(); });
    syncFromCut();
}

double HistogramPanel::topPercent() const { return m_topPercent->value(); }

void HistogramPanel::setTopPercent(double percent) { m_topPercent->setValue(percent); }

QString HistogramPanel::summaryText() const { return m_summary->text(); }

void HistogramPanel::setValues(std::vector<double> values, double harmfulBelow)
{
    const bool first = !m_histogram->hasValues();
    m_histogram->setValues(std::move(values), harmfulBelow);
    if (first)
        m_histogram->setCutToTopPercent(m_topPercent->value());
    syncFromCut();
}

void HistogramPanel::syncFromCut()
{
    m_summary->setText(m_histogram->summaryText()); // empty until there are scores
    m_summary->setToolTip(m_summary->text());
    m_topPercent->setEnabled(m_histogram->hasValues());
    if (!m_histogram->hasValues())
        return;
    m_syncing = true;
    m_topPercent->setValue(100.0 * double(m_histogram->keptCount()) / double(m_histogram->totalCount()));
    m_syncing = false;
}

} // namespace ost::ui

#include "moc_HistogramPanel.cpp"
