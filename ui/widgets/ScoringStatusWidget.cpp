#include "ui/widgets/ScoringStatusWidget.h"

#include "core/common/Progress.h"
#include "ui/dialogs/ScoringController.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QToolButton>

namespace ost::ui {

ScoringStatusWidget::ScoringStatusWidget(ScoringController *controller, QWidget *parent)
    : QWidget(parent), m_controller(controller)
{
    m_label = new QLabel(this);
    m_bar = new QProgressBar(this);
    m_bar->setMaximumWidth(180);
    m_bar->setMaximumHeight(16);
    m_bar->setTextVisible(false);
    m_pause = new QToolButton(this);
    m_pause->setText(tr("Pause"));
    m_pause->setAutoRaise(true);
    m_cancel = new QToolButton(this);
    m_cancel->setText(tr("Cancel"));
    m_cancel->setAutoRaise(true);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_label);
    layout->addWidget(m_bar);
    layout->addWidget(m_pause);
    layout->addWidget(m_cancel);
    setVisible(false);

    connect(m_pause, &QToolButton::clicked, this, [this] { m_controller->setPaused(!m_controller->isPaused()); });
    connect(m_cancel, &QToolButton::clicked, m_controller, &ScoringController::cancel);
    connect(controller, &ScoringController::started, this, [this] {
        m_label->setText(tr("Scoring: starting…"));
        m_bar->setRange(0, 0);
        m_pause->setText(tr("Pause"));
        m_pause->setEnabled(true);
        m_cancel->setEnabled(true);
        setVisible(true);
    });
    // The job stops at its next check; until then the click is acknowledged, not silently pending.
    connect(controller, &ScoringController::cancelling, this, [this] {
        m_label->setText(tr("Scoring: cancelling… (stops after the batch in flight)"));
        m_bar->setRange(0, 0);
        m_pause->setEnabled(false);
        m_cancel->setEnabled(false);
    });
    connect(controller, &ScoringController::pausedChanged, this, [this](bool paused) {
        m_pause->setText(paused ? tr("Resume") : tr("Pause"));
        if (paused)
            m_label->setText(tr("Scoring paused"));
    });
    connect(controller, &ScoringController::progress, this,
            [this](qint64 done, qint64 total, double rate, double eta, const QString &message) {
                if (m_controller->isPaused() || m_controller->isCancelling())
                    return;
                Progress p;
                p.done = done;
                p.total = total;
                p.ratePerSecond = rate;
                p.etaSeconds = eta;
                QString text = QString::fromStdString(formatProgress(p));
                if (!message.isEmpty())
                    text = message + QStringLiteral(" · ") + text;
                m_label->setText(tr("Scoring: %1").arg(text));
                if (total > 0) {
                    m_bar->setRange(0, 1000);
                    m_bar->setValue(int(1000.0 * double(done) / double(total)));
                }
            });
    connect(controller, &ScoringController::finished, this, [this] { setVisible(false); });
}

QString ScoringStatusWidget::text() const { return m_label->text(); }

} // namespace ost::ui

#include "moc_ScoringStatusWidget.cpp"
