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
    auto *hint = new QLabel(tr("Drag the cut line, or keep the top"), this);
    hint->setEnabled(false);

    auto *controls = new QHBoxLayout;
    controls->addWidget(hint);
    controls->addWidget(m_topPercent);
    controls->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_histogram, 1);
    layout->addLayout(controls);

    connect(m_topPercent, &QDoubleSpinBox::valueChanged, this, [this](double v) {
        if (!m_syncing)
            m_histogram->setCutToTopPercent(v);
    });
    connect(m_histogram, &HistogramWidget::cutChanged, this, [this] { syncSpin(); });
}

double HistogramPanel::topPercent() const { return m_topPercent->value(); }

void HistogramPanel::setValues(std::vector<double> values, double harmfulBelow)
{
    const bool first = !m_histogram->hasValues();
    m_histogram->setValues(std::move(values), harmfulBelow);
    if (first)
        m_histogram->setCutToTopPercent(m_topPercent->value());
    else
        syncSpin();
}

void HistogramPanel::syncSpin()
{
    if (!m_histogram->hasValues())
        return;
    m_syncing = true;
    m_topPercent->setValue(100.0 * double(m_histogram->keptCount()) / double(m_histogram->totalCount()));
    m_syncing = false;
}

} // namespace ost::ui

#include "moc_HistogramPanel.cpp"
