#include "ui/widgets/HistogramPanel.h"

#include "ui/widgets/HistogramWidget.h"

#include <QDoubleSpinBox>
#include <QDoubleValidator>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace ost::ui {

namespace {
std::vector<double> sortedScored(std::vector<double> v)
{
    v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return std::isnan(x); }), v.end());
    std::sort(v.begin(), v.end());
    return v;
}
} // namespace

HistogramPanel::HistogramPanel(QWidget *parent) : QWidget(parent)
{
    m_histogram = new HistogramWidget(this);
    m_topPercent = new QDoubleSpinBox(this);
    m_topPercent->setObjectName(QStringLiteral("keepTopPercent"));
    m_topPercent->setRange(0, 100);
    m_topPercent->setDecimals(1);
    m_topPercent->setSuffix(QStringLiteral(" %"));
    m_topPercent->setValue(m_percent);
    // Commit on Enter or focus out only: per keystroke, "20" moved the cut to 2 % first and the box
    // then rewrote itself from the cut under the cursor.
    m_topPercent->setKeyboardTracking(false);
    m_topPercent->setToolTip(tr("Move the cut so that this share of the run's scored samples is kept "
                                "(Enter to apply)"));
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("histogramSummary"));
    // Long summaries are cut at the dock's edge rather than widening the main window.
    m_summary->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_summary->setMinimumWidth(40);
    auto *hint = new QLabel(tr("Keep the top"), this);
    m_harmful = new QLineEdit(this);
    m_harmful->setObjectName(QStringLiteral("harmfulThreshold"));
    auto *validator = new QDoubleValidator(m_harmful);
    validator->setLocale(QLocale::c());
    m_harmful->setValidator(validator);
    m_harmful->setMaximumWidth(72);
    m_harmful->setToolTip(tr("Samples with a utility below this are harmful (red, and in the review queue); "
                             "Enter to apply. Kept per run in the project."));
    auto *harmfulLabel = new QLabel(tr("Harmful below"), this);

    auto *controls = new QHBoxLayout;
    controls->setContentsMargins(4, 0, 4, 0);
    controls->addWidget(m_summary, 1);
    controls->addWidget(harmfulLabel);
    controls->addWidget(m_harmful);
    controls->addSpacing(8);
    controls->addWidget(hint);
    controls->addWidget(m_topPercent);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->setSpacing(2);
    layout->addLayout(controls);
    layout->addWidget(m_histogram, 1);

    connect(m_topPercent, &QDoubleSpinBox::valueChanged, this, [this](double v) {
        if (m_syncing)
            return;
        m_percent = v;
        applyPercent();
        Q_EMIT topPercentChanged(m_percent);
    });
    connect(m_histogram, &HistogramWidget::cutDragged, this, &HistogramPanel::onDragged);
    connect(m_harmful, &QLineEdit::editingFinished, this, [this] {
        bool ok = false;
        const double t = QLocale::c().toDouble(m_harmful->text().trimmed(), &ok);
        if (ok && t != m_histogram->harmfulThreshold())
            Q_EMIT harmfulThresholdEdited(t);
    });
    updateSummary();
}

QString HistogramPanel::summaryText() const { return m_summary->text(); }

void HistogramPanel::setTopPercent(double percent)
{
    m_percent = std::clamp(percent, 0.0, 100.0);
    m_syncing = true;
    m_topPercent->setValue(m_percent);
    m_syncing = false;
    applyPercent();
    Q_EMIT topPercentChanged(m_percent);
}

void HistogramPanel::setRunValues(std::vector<double> runValues)
{
    m_run = sortedScored(std::move(runValues));
    m_runSet = true;
    applyPercent();
}

void HistogramPanel::setValues(std::vector<double> values, double harmfulBelow)
{
    if (!m_runSet)
        m_run = sortedScored(values);
    m_histogram->setValues(std::move(values), harmfulBelow);
    if (!m_harmful->hasFocus()) // never rewritten while typed in
        m_harmful->setText(QString::number(harmfulBelow, 'g', 6));
    applyPercent(); // the box is left alone: scores arriving while a curator types change nothing there
}

void HistogramPanel::applyPercent()
{
    if (!m_run.empty()) {
        const int64_t keep = int64_t(std::llround(m_percent / 100.0 * double(m_run.size())));
        m_histogram->setCut(keep <= 0 ? std::nextafter(m_run.back(), INFINITY) : m_run[m_run.size() - size_t(keep)]);
    }
    updateSummary();
}

void HistogramPanel::onDragged(double cut)
{
    if (!m_run.empty()) {
        const auto kept = m_run.end() - std::lower_bound(m_run.begin(), m_run.end(), cut);
        m_percent = 100.0 * double(kept) / double(m_run.size());
        m_syncing = true;
        m_topPercent->setValue(m_percent);
        m_syncing = false;
        Q_EMIT topPercentChanged(m_percent);
    }
    updateSummary();
}

void HistogramPanel::updateSummary()
{
    m_summary->setText(m_histogram->summaryText()); // empty until there are scores
    m_summary->setToolTip(m_summary->text());
    m_topPercent->setEnabled(m_histogram->hasValues() || !m_run.empty());
    m_harmful->setEnabled(m_histogram->hasValues() || !m_run.empty());
}

} // namespace ost::ui

#include "moc_HistogramPanel.cpp"
