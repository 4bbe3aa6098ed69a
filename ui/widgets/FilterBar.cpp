#include "ui/widgets/FilterBar.h"

#include <QComboBox>
#include <QDoubleValidator>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QTimer>
#include <QToolButton>

namespace ost::ui {

FilterBar::FilterBar(QWidget *parent) : QWidget(parent)
{
    m_text = new QLineEdit(this);
    m_text->setPlaceholderText(tr("Search id, question, answer…"));
    m_text->setClearButtonEnabled(true);
    m_text->setMinimumWidth(120);
    m_min = new QLineEdit(this);
    m_max = new QLineEdit(this);
    for (QLineEdit *e : {m_min, m_max}) {
        auto *v = new QDoubleValidator(e);
        v->setLocale(QLocale::c());
        e->setValidator(v);
        e->setMaximumWidth(70);
    }
    m_min->setPlaceholderText(tr("min"));
    m_max->setPlaceholderText(tr("max"));
    m_min->setToolTip(tr("Show samples with utility at least this"));
    m_max->setToolTip(tr("Show samples with utility at most this"));

    m_harmful = new QComboBox(this);
    m_harmful->addItems({tr("All samples"), tr("Harmful only"), tr("Not harmful"), tr("Scored only"),
                         tr("Changed since scored")});
    m_harmful->setItemData(4, tr("Samples whose record was edited after the run scored it"), Qt::ToolTipRole);
    m_decision = new QComboBox(this);
    m_decision->addItems({tr("Any decision"), tr("Auto"), tr("Kept"), tr("Dropped"), tr("Decided")});
    m_tag = new QComboBox(this);
    m_tag->addItem(tr("Any tag"));
    m_validation = new QComboBox(this);
    m_validation->addItems({tr("Any validation"), tr("Valid"), tr("With problems")});
    // In SampleFilter::Check order.
    m_check = new QComboBox(this);
    m_check->setObjectName(QStringLiteral("checkFilter"));
    m_check->addItems({tr("Any check"), tr("Duplicates only"), tr("Collapse duplicates"), tr("Image issues"),
                       tr("Over cutoff"), tr("Cuts image tokens"), tr("Any check flag")});
    m_check->setItemData(1, tr("Every member of a duplicate group, the one collapsing keeps too, sorted by the "
                               "Duplicate column so that each group lies together"),
                         Qt::ToolTipRole);
    m_check->setItemData(2, tr("One row per duplicate group: hides the members after the first"), Qt::ToolTipRole);
    m_check->setItemData(3, tr("Blurry, dark, light, low-information, odd-aspect, tiny or huge images"),
                         Qt::ToolTipRole);
    m_check->setItemData(4, tr("More tokens than the check's cutoff_len"), Qt::ToolTipRole);
    m_check->setItemData(5, tr("Over the cutoff, and the cut falls inside the image tokens (the trainer stops "
                               "with \"image features and image tokens do not match\")"),
                         Qt::ToolTipRole);
    m_check->setItemData(6, tr("A redundant duplicate, a flagged image or over the cutoff"), Qt::ToolTipRole);
    setChecksAvailable(false);
    // The combos keep their full width when there is room but may shrink below their longest entry
    // (the popup still shows it in full), so that the bar does not set the main window's minimum width.
    for (QComboBox *c : {m_harmful, m_decision, m_tag, m_validation, m_check})
        c->setMinimumWidth(72);
    m_clear = new QToolButton(this);
    m_clear->setText(tr("Clear"));
    m_clear->setToolTip(tr("Clear all filters"));

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 3, 6, 3);
    layout->setSpacing(6);
    layout->addWidget(m_text, 3);
    layout->addWidget(new QLabel(tr("Utility"), this));
    layout->addWidget(m_min);
    layout->addWidget(new QLabel(QStringLiteral("–"), this));
    layout->addWidget(m_max);
    layout->addWidget(m_harmful);
    layout->addWidget(m_decision);
    layout->addWidget(m_tag);
    layout->addWidget(m_validation);
    layout->addWidget(m_check);
    layout->addWidget(m_clear);

    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(250);
    connect(m_debounce, &QTimer::timeout, this, [this] { Q_EMIT filterChanged(filter()); });
    connect(m_text, &QLineEdit::textChanged, this, &FilterBar::schedule);
    connect(m_min, &QLineEdit::textChanged, this, &FilterBar::schedule);
    connect(m_max, &QLineEdit::textChanged, this, &FilterBar::schedule);
    for (QComboBox *c : {m_harmful, m_decision, m_tag, m_validation, m_check})
        connect(c, &QComboBox::currentIndexChanged, this, [this] { Q_EMIT filterChanged(filter()); });
    connect(m_clear, &QToolButton::clicked, this, &FilterBar::clear);
    for (QLineEdit *e : {m_text, m_min, m_max})
        e->installEventFilter(this);
}

bool FilterBar::eventFilter(QObject *watched, QEvent *event)
{
    // A field with nothing of its own to undo lets Ctrl+Z / Ctrl+Shift+Z through to the window's
    // Undo/Redo of decisions; it used to take them with no feedback at all.
    if (event->type() == QEvent::ShortcutOverride) {
        auto *edit = qobject_cast<QLineEdit *>(watched);
        auto *key = static_cast<QKeyEvent *>(event);
        if (edit && ((key->matches(QKeySequence::Undo) && !edit->isUndoAvailable()) ||
                     (key->matches(QKeySequence::Redo) && !edit->isRedoAvailable()))) {
            event->ignore();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void FilterBar::schedule() { m_debounce->start(); }

void FilterBar::focusSearch()
{
    m_text->setFocus(Qt::ShortcutFocusReason);
    m_text->selectAll();
}

void FilterBar::clear()
{
    for (QLineEdit *e : {m_text, m_min, m_max})
        e->clear();
    for (QComboBox *c : {m_harmful, m_decision, m_tag, m_validation, m_check})
        c->setCurrentIndex(0);
    m_debounce->stop();
    Q_EMIT filterChanged(filter());
}

void FilterBar::setTags(const QStringList &tags)
{
    const QString current = m_tag->currentIndex() > 0 ? m_tag->currentText() : QString();
    QSignalBlocker block(m_tag);
    m_tag->clear();
    m_tag->addItem(tr("Any tag"));
    m_tag->addItems(tags);
    const int i = m_tag->findText(current);
    m_tag->setCurrentIndex(i > 0 ? i : 0);
}

void FilterBar::setChecksAvailable(bool available)
{
    // Left enabled either way: a filter chosen before the results arrive still applies once they do.
    m_check->setToolTip(available ? tr("Filter by what ostc check found")
                                  : tr("No check results in this project: run  ostc check DATASET  and reopen it"));
}

SampleFilter FilterBar::filter() const
{
    SampleFilter f;
    f.text = m_text->text().trimmed();
    bool ok = false;
    if (double v = QLocale::c().toDouble(m_min->text(), &ok); ok)
        f.minUtility = v;
    if (double v = QLocale::c().toDouble(m_max->text(), &ok); ok)
        f.maxUtility = v;
    switch (m_harmful->currentIndex()) {
    case 1: f.harmful = SampleFilter::Harmful::Only; break;
    case 2: f.harmful = SampleFilter::Harmful::Exclude; break;
    case 3: f.scoredOnly = true; break;
    case 4: f.staleOnly = true; break;
    default: break;
    }
    f.decision = SampleFilter::DecisionFilter(m_decision->currentIndex());
    f.tag = m_tag->currentIndex() > 0 ? m_tag->currentText() : QString();
    f.validation = SampleFilter::Validation(m_validation->currentIndex());
    f.check = SampleFilter::Check(m_check->currentIndex());
    return f;
}

} // namespace ost::ui

#include "moc_FilterBar.cpp"
