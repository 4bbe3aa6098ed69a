#include "ui/widgets/ReviewQueueWidget.h"

#include "ui/models/SampleFilterProxy.h"
#include "ui/widgets/MiddleElideDelegate.h"
#include "ui/models/SampleTableModel.h"
#include "ui/session/ProjectSession.h"
#include "ui/widgets/DetailPane.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QShortcut>
#include <QSplitter>
#include <QStackedLayout>
#include <QTableView>
#include <QUndoStack>
#include <QVBoxLayout>

namespace ost::ui {

ReviewQueueWidget::ReviewQueueWidget(SampleTableModel *model, QWidget *parent) : QWidget(parent), m_model(model)
{
    m_proxy = new SampleFilterProxy(this);
    m_proxy->setSampleModel(model);
    SampleFilter f;
    f.harmful = SampleFilter::Harmful::Only;
    m_proxy->setFilter(f);
    m_proxy->sort(SampleTableModel::ColUtility, Qt::AscendingOrder);

    m_list = new QTableView(this);
    m_list->setModel(m_proxy);
    m_list->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->verticalHeader()->setVisible(false);
    m_list->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_list->verticalHeader()->setDefaultSectionSize(m_list->fontMetrics().height() + 8);
    m_list->setShowGrid(false);
    m_list->setAlternatingRowColors(true);
    m_list->setWordWrap(false);
    for (int c = 0; c < SampleTableModel::ColumnCount; ++c)
        m_list->setColumnHidden(c, c != SampleTableModel::ColId && c != SampleTableModel::ColUtility &&
                                       c != SampleTableModel::ColDecision && c != SampleTableModel::ColQuestion);
    m_list->horizontalHeader()->setStretchLastSection(false);
    m_list->horizontalHeader()->setSectionResizeMode(SampleTableModel::ColQuestion, QHeaderView::Stretch);
    m_list->setColumnWidth(SampleTableModel::ColId, 170);
    m_list->setItemDelegateForColumn(SampleTableModel::ColId, new MiddleElideDelegate(m_list)); // keeps the problem number
    m_list->setColumnWidth(SampleTableModel::ColUtility, 80);
    m_list->setColumnWidth(SampleTableModel::ColDecision, 70);
    m_list->setFocusPolicy(Qt::StrongFocus);

    m_detail = new DetailPane(model, this);
    m_detail->setDecisionButtonsVisible(false);

    auto *keep = new QPushButton(tr("Keep  [K]"), this);
    auto *drop = new QPushButton(tr("Drop  [D]"), this);
    auto *undo = new QPushButton(tr("Undo  [U]"), this);
    auto *prev = new QPushButton(tr("◀ Previous  [P]"), this);
    auto *next = new QPushButton(tr("Next  [N] ▶"), this);
    keep->setStyleSheet(QStringLiteral("QPushButton{color:#1f7a3a;font-weight:bold}"));
    drop->setStyleSheet(QStringLiteral("QPushButton{color:#c03030;font-weight:bold}"));
    for (QPushButton *b : {keep, drop, undo, prev, next})
        b->setFocusPolicy(Qt::NoFocus);
    connect(keep, &QPushButton::clicked, this, &ReviewQueueWidget::keep);
    connect(drop, &QPushButton::clicked, this, &ReviewQueueWidget::drop);
    connect(undo, &QPushButton::clicked, this, &ReviewQueueWidget::undo);
    connect(prev, &QPushButton::clicked, this, &ReviewQueueWidget::previous);
    connect(next, &QPushButton::clicked, this, &ReviewQueueWidget::next);

    // Single letters only when typing is not going on (text fields take ShortcutOverride first).
    const auto key = [this](const QKeySequence &seq, void (ReviewQueueWidget::*fn)()) {
        auto *s = new QShortcut(seq, this, this, fn);
        s->setContext(Qt::WidgetWithChildrenShortcut);
    };
    key(QKeySequence(Qt::Key_K), &ReviewQueueWidget::keep);
    key(QKeySequence(Qt::Key_D), &ReviewQueueWidget::drop);
    key(QKeySequence(Qt::Key_U), &ReviewQueueWidget::undo);
    key(QKeySequence(Qt::Key_N), &ReviewQueueWidget::next);
    key(QKeySequence(Qt::Key_P), &ReviewQueueWidget::previous);

    m_status = new QLabel(this);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_status, 1);
    buttons->addWidget(prev);
    buttons->addWidget(next);
    buttons->addSpacing(16);
    buttons->addWidget(undo);
    buttons->addWidget(drop);
    buttons->addWidget(keep);

    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_list);
    split->addWidget(m_detail);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);

    m_empty = new QLabel(this);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setStyleSheet(QStringLiteral("color:#777;font-size:14pt"));

    auto *page = new QWidget(this);
    auto *pl = new QVBoxLayout(page);
    pl->setContentsMargins(0, 0, 0, 0);
    pl->addWidget(split, 1);
    pl->addLayout(buttons);
    auto *stack = new QStackedLayout;
    stack->addWidget(page);
    stack->addWidget(m_empty);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(stack);

    connect(m_list->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &ReviewQueueWidget::onCurrentChanged);
    // A new session resets the model: the queue's proxy picks row 0 first, then the detail pane's own
    // reset handler (connected later) blanks it. Connected after both, this shows the row again.
    connect(model, &QAbstractItemModel::modelReset, this, [this] {
        if (currentRow() >= 0 && m_detail->currentSample() != currentSample())
            m_detail->showSample(currentSample());
    });
    const auto refresh = [this, stack] {
        const bool empty = m_proxy->rowCount() == 0;
        stack->setCurrentIndex(empty ? 1 : 0);
        const ProjectSession *s = m_model->session();
        m_empty->setText(!s ? tr("Open a dataset (Ctrl+O) to review its harmful samples.")
                         : !s->scores().hasScores() ? tr("Not scored yet — Score > Run OST…\n\nHarmful samples "
                                                          "(utility below zero) will be listed here, worst first.")
                                                    : tr("No harmful samples: every scored sample has a utility "
                                                         "above the harmful threshold."));
        if (!empty && currentRow() < 0)
            setCurrentRow(0);
        updateStatus();
    };
    connect(m_proxy, &QAbstractItemModel::modelReset, this, refresh);
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, refresh);
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, refresh);
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, refresh);
    connect(m_proxy, &QAbstractItemModel::dataChanged, this, [this] { updateStatus(); });
    refresh();
}

int ReviewQueueWidget::queueSize() const { return m_proxy->rowCount(); }
int ReviewQueueWidget::currentRow() const { return m_list->currentIndex().row(); }
int64_t ReviewQueueWidget::currentSample() const { return m_proxy->sampleIndex(currentRow()); }

void ReviewQueueWidget::setCurrentRow(int row)
{
    if (row < 0 || row >= m_proxy->rowCount())
        return;
    const QModelIndex i = m_proxy->index(row, SampleTableModel::ColId);
    m_list->setCurrentIndex(i);
    m_list->scrollTo(i);
}

void ReviewQueueWidget::onCurrentChanged()
{
    m_detail->showSample(currentSample());
    updateStatus();
}

void ReviewQueueWidget::updateStatus()
{
    ProjectSession *s = m_model->session();
    if (!s) {
        m_status->clear();
        return;
    }
    int decided = 0;
    const int n = m_proxy->rowCount();
    for (int r = 0; r < n; ++r)
        if (s->decision(m_proxy->sampleIndex(r)) != Decision::Auto)
            ++decided;
    m_status->setText(tr("Sample %1 of %2 harmful · %3 decided").arg(currentRow() + 1).arg(n).arg(decided));
}

void ReviewQueueWidget::decideAndAdvance(int decision)
{
    ProjectSession *s = m_model->session();
    const int64_t sample = currentSample();
    if (!s || sample < 0)
        return;
    m_detail->saveNotes();
    if (s->decide({sample}, Decision(decision), tr("review queue")))
        next();
    updateStatus();
}

void ReviewQueueWidget::keep() { decideAndAdvance(int(Decision::Keep)); }
void ReviewQueueWidget::drop() { decideAndAdvance(int(Decision::Drop)); }

void ReviewQueueWidget::undo()
{
    ProjectSession *s = m_model->session();
    if (!s || !s->undoStack()->canUndo())
        return;
    s->undoStack()->undo();
    previous();
}

void ReviewQueueWidget::next() { setCurrentRow(qMin(currentRow() + 1, m_proxy->rowCount() - 1)); }
void ReviewQueueWidget::previous() { setCurrentRow(qMax(currentRow() - 1, 0)); }

} // namespace ost::ui

#include "moc_ReviewQueueWidget.cpp"
