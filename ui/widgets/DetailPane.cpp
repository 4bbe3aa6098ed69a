#include "ui/widgets/DetailPane.h"

#include "ui/models/SampleTableModel.h"
#include "ui/session/ProjectSession.h"
#include "ui/widgets/ConversationHtml.h"
#include "ui/widgets/ImageView.h"
#include "ui/widgets/WhyPanel.h"

#include <QComboBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTabBar>
#include <QTabWidget>
#include <QTextBrowser>
#include <QTimer>
#include <QVBoxLayout>

#include <cmath>

namespace ost::ui {

namespace {

// 1-based rank of `value` among the non-NaN values (higher is better), and how many there are.
std::pair<int64_t, int64_t> rankOf(const std::vector<double> &values, double value)
{
    int64_t better = 0, n = 0;
    for (double v : values) {
        if (std::isnan(v))
            continue;
        ++n;
        if (v > value)
            ++better;
    }
    return {better + 1, n};
}

} // namespace

DetailPane::DetailPane(SampleTableModel *model, QWidget *parent) : QWidget(parent), m_model(model)
{
    m_title = new QLabel(this);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont tf = m_title->font();
    tf.setBold(true);
    tf.setPointSizeF(tf.pointSizeF() * 1.1);
    m_title->setFont(tf);
    m_badges = new QLabel(this);
    m_badges->setObjectName(QStringLiteral("badges"));
    m_badges->setTextFormat(Qt::RichText);
    // Long ids and badges are cut at the pane's edge (the tooltip has them in full) instead of
    // widening the dock, and with it the main window's minimum width.
    for (QLabel *l : {m_title, m_badges}) {
        l->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
        l->setMinimumWidth(60);
    }
    m_badges->setWordWrap(true);

    m_keep = new QPushButton(tr("Keep"), this);
    m_drop = new QPushButton(tr("Drop"), this);
    m_auto = new QPushButton(tr("Auto"), this);
    m_keep->setToolTip(tr("Always export this sample"));
    m_drop->setToolTip(tr("Never export this sample"));
    m_auto->setToolTip(tr("Let the export policy decide"));
    for (QPushButton *b : {m_keep, m_drop, m_auto}) {
        b->setCheckable(true);
        b->setFocusPolicy(Qt::NoFocus);
        // Narrower than the style's default button: the id and badges beside them need the room.
        b->setMinimumWidth(0);
        b->setMaximumWidth(b->fontMetrics().horizontalAdvance(b->text()) + 28);
    }
    m_decisionButtons = new QWidget(this);
    auto *bl = new QHBoxLayout(m_decisionButtons);
    bl->setContentsMargins(0, 0, 0, 0);
    bl->setSpacing(2);
    bl->addWidget(m_keep);
    bl->addWidget(m_drop);
    bl->addWidget(m_auto);
    const auto decideCurrent = [this](Decision d) {
        if (session() && m_index >= 0)
            session()->decide({m_index}, d);
        refreshHeader();
    };
    connect(m_keep, &QPushButton::clicked, this, [=] { decideCurrent(Decision::Keep); });
    connect(m_drop, &QPushButton::clicked, this, [=] { decideCurrent(Decision::Drop); });
    connect(m_auto, &QPushButton::clicked, this, [=] { decideCurrent(Decision::Auto); });

    // The id has the pane's whole width (MATH-V's model/problem ids were cut by the buttons beside
    // it); the buttons sit beside the badges below it.
    auto *header = new QVBoxLayout;
    header->setSpacing(2);
    header->addWidget(m_title);
    auto *badgeRow = new QHBoxLayout;
    badgeRow->addWidget(m_badges, 1);
    badgeRow->addWidget(m_decisionButtons, 0, Qt::AlignTop);
    header->addLayout(badgeRow);

    m_image = new ImageView(this);
    m_image->setMinimumHeight(120);
    m_imageChoice = new QComboBox(this);
    m_imageChoice->setVisible(false);
    connect(m_imageChoice, &QComboBox::currentIndexChanged, this, [this](int i) {
        if (!m_loading)
            showImageAt(i);
    });
    auto *imageBox = new QWidget(this);
    m_imageBox = imageBox;
    auto *il = new QVBoxLayout(imageBox);
    il->setContentsMargins(0, 0, 0, 0);
    il->setSpacing(2);
    il->addWidget(m_image, 1);
    il->addWidget(m_imageChoice);

    m_conversation = new QTextBrowser(this);
    m_conversation->setOpenLinks(false);
    m_details = new QTextBrowser(this);
    m_details->setObjectName(QStringLiteral("details"));
    m_note = new QPlainTextEdit(this);
    m_note->setPlaceholderText(tr("Notes about this sample (saved automatically)"));
    m_tags = new QLineEdit(this);
    m_tags->setPlaceholderText(tr("comma-separated, e.g. wrong-answer, ocr"));
    auto *notesPage = new QWidget(this);
    auto *nl = new QFormLayout(notesPage);
    nl->addRow(tr("Tags"), m_tags);
    nl->addRow(tr("Note"), m_note);

    m_tabs = new QTabWidget(this);
    m_tabs->setDocumentMode(true);
    m_why = new WhyPanel(m_model, this);
    m_tabs->addTab(m_conversation, tr("Conversation"));
    m_tabs->addTab(m_why, tr("Why"));
    m_tabs->setTabToolTip(1, tr("Why this sample: its utility split over the reference problems"));
    m_tabs->addTab(m_details, tr("Scores && details"));
    m_tabs->addTab(notesPage, tr("Notes && tags"));
    // Whole tab names ("Notes &" was all that showed at 1280 px); scroll arrows when there is no room.
    m_tabs->tabBar()->setElideMode(Qt::ElideNone);
    m_tabs->tabBar()->setUsesScrollButtons(true);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(imageBox);
    split->addWidget(m_tabs);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    split->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addLayout(header);
    layout->addWidget(split, 1);

    m_noteTimer = new QTimer(this);
    m_noteTimer->setSingleShot(true);
    m_noteTimer->setInterval(800);
    connect(m_noteTimer, &QTimer::timeout, this, &DetailPane::saveNotes);
    connect(m_note, &QPlainTextEdit::textChanged, this, [this] {
        if (m_loading)
            return;
        m_noteDirty = true;
        m_noteTimer->start();
    });
    connect(m_tags, &QLineEdit::editingFinished, this, &DetailPane::saveNotes);

    connect(m_model, &QAbstractItemModel::modelReset, this, [this] { showSample(-1); });
    connect(m_model, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex &tl, const QModelIndex &br) {
        if (m_index >= tl.row() && m_index <= br.row() && br.column() >= SampleTableModel::ColUtility) {
            refreshHeader();
            if (m_tabs->currentWidget() == m_details)
                refreshDetails();
        }
    });
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
        if (m_tabs->currentWidget() == m_details)
            refreshDetails();
    });
    showSample(-1);
}

ProjectSession *DetailPane::session() const { return m_model->session(); }

void DetailPane::setDecisionButtonsVisible(bool visible) { m_decisionButtons->setVisible(visible); }

void DetailPane::saveNotes()
{
    m_noteTimer->stop();
    if (!session() || m_index < 0)
        return;
    if (m_noteDirty) {
        session()->setNote(m_index, m_note->toPlainText());
        m_noteDirty = false;
    }
    QStringList tags;
    for (const QString &t : m_tags->text().split(QLatin1Char(','), Qt::SkipEmptyParts))
        if (!t.trimmed().isEmpty() && !tags.contains(t.trimmed()))
            tags << t.trimmed();
    if (tags != session()->tags(m_index))
        session()->setTags(m_index, tags);
}

void DetailPane::showSample(int64_t index)
{
    if (index != m_index)
        saveNotes();
    m_index = session() && index >= 0 && index < session()->size() ? index : -1;
    refresh();
    if (const ValidationIssue *issue = session() ? session()->unreadable(index) : nullptr) {
        // A line the index could not read: no sample to show, but why.
        m_title->setText(issue->line > 0 ? tr("Line %1 could not be read").arg(issue->line)
                                         : tr("A record could not be read"));
        m_badges->setText(QString::fromStdString(issue->message).toHtmlEscaped() +
                          tr("<br>Fix the line in the file and open it again; it is left out of scoring and export."));
    }
}

void DetailPane::refresh()
{
    m_loading = true;
    const bool has = m_index >= 0;
    m_tabs->setEnabled(has);
    m_decisionButtons->setEnabled(has);
    m_imageChoice->clear();
    m_imageChoice->setVisible(false);
    m_why->showSample(m_index);
    if (!has) {
        m_title->setText(session() ? tr("No sample selected") : tr("No dataset open"));
        m_badges->setText(session() ? tr("Select a row to see its image, conversation and scores.") : QString());
        m_image->setMessage(QString());
        m_conversation->clear();
        m_details->clear();
        m_note->clear();
        m_tags->clear();
        for (QPushButton *b : {m_keep, m_drop, m_auto})
            b->setChecked(false);
        m_loading = false;
        return;
    }
    auto cached = m_model->sampleAt(m_index);
    m_imageBox->setVisible(true);
    if (!cached->ok()) {
        m_conversation->setHtml(QStringLiteral("<p style='color:#b00'>%1</p>").arg(cached->error.toHtmlEscaped()));
        m_image->setMessage(tr("Record could not be parsed"));
    } else {
        const Sample &s = cached->sample;
        m_conversation->setHtml(conversationHtml(s));
        // A text-only sample has no picture: the tabs get the room ("Text-only sample" took a third).
        m_imageBox->setVisible(!s.images.empty());
        if (s.images.size() > 1) {
            for (size_t i = 0; i < s.images.size(); ++i)
                m_imageChoice->addItem(tr("Image %1: %2").arg(i + 1).arg(QString::fromStdString(s.images[i])));
            m_imageChoice->setVisible(true);
        }
        showImageAt(0);
    }
    m_note->setPlainText(session()->note(m_index));
    m_tags->setText(session()->tags(m_index).join(QStringLiteral(", ")));
    m_noteDirty = false;
    refreshHeader();
    refreshDetails();
    m_loading = false;
}

void DetailPane::showImageAt(int which)
{
    auto cached = m_model->sampleAt(m_index);
    if (!cached || !cached->ok())
        return;
    const Sample &s = cached->sample;
    if (s.images.empty()) {
        m_image->setMessage(tr("Text-only sample"));
        return;
    }
    const size_t i = size_t(qBound(0, which, int(s.images.size()) - 1));
    const QString resolved = i < s.resolvedImages.size() ? QString::fromStdString(s.resolvedImages[i]) : QString();
    if (resolved.isEmpty())
        m_image->setMessage(tr("Image not found:\n%1").arg(QString::fromStdString(s.images[i])));
    else
        m_image->showImage(resolved);
}

void DetailPane::refreshHeader()
{
    if (m_index < 0 || !session())
        return;
    const ScoreSnapshot &scores = session()->scores();
    const QLocale loc;
    m_title->setText(QString::fromStdString(session()->dataset().id(m_index)));
    m_title->setToolTip(m_title->text());
    m_title->setToolTip(m_title->text());
    QStringList badges;
    const double u = scores.utilityAt(m_index);
    // The table greys a stale score; here the same fact is said in words, with the run it came from.
    const bool stale = !std::isnan(u) && session()->isStale(m_index);
    m_badges->setToolTip(stale ? tr("This sample changed in the file after run %1 scored it; score it again "
                                    "to update its utility")
                                     .arg(scores.runId)
                               : QString());
    if (std::isnan(u)) {
        badges << tr("<span style='color:#777'>not scored</span>");
    } else if (stale) {
        badges << tr("utility <i style='color:#8c8c8c'>%1</i> <span style='color:#8c8c8c'>— from run %2, before "
                     "this sample changed</span>")
                      .arg(formatScore(u))
                      .arg(scores.runId);
    } else {
        const QString colour = scores.isHarmful(m_index) ? QStringLiteral("#c03030") : QStringLiteral("#2a6fb8");
        badges << tr("utility <b style='color:%1'>%2</b>").arg(colour, formatScore(u));
    }
    if (!std::isnan(u)) {
        badges << tr("rank %1 of %2").arg(loc.toString(qlonglong(scores.rank[size_t(m_index)])),
                                          loc.toString(qlonglong(scores.scoredCount)));
        if (scores.isHarmful(m_index))
            badges << tr("<b style='color:#c03030'>harmful</b>");
    }
    const Decision d = session()->decision(m_index);
    if (d != Decision::Auto)
        badges << tr("<b style='color:%1'>%2</b>")
                      .arg(d == Decision::Keep ? QStringLiteral("#1f7a3a") : QStringLiteral("#c03030"),
                           d == Decision::Keep ? tr("kept") : tr("dropped"));
    const int problems = session()->problems(m_index).size();
    if (problems > 0)
        badges << tr("<span style='color:#a65a00'>%n problem(s)</span>", nullptr, problems);
    m_badges->setText(badges.join(QStringLiteral(" &nbsp;·&nbsp; ")));
    m_keep->setChecked(d == Decision::Keep);
    m_drop->setChecked(d == Decision::Drop);
    m_auto->setChecked(d == Decision::Auto);
}

QString DetailPane::checksHtml() const
{
    // What `ostc check` found for this sample, with every measure of its images (flagged or not).
    const CheckSignals &c = session()->checks();
    QString html = tr("<h4>Checks</h4>");
    if (!c.present)
        return html + tr("<p style='color:#777'>Not checked — run <code>ostc check %1</code> for duplicates, image "
                         "checks and lengths.</p>")
                          .arg(QFileInfo(session()->datasetPath()).fileName().toHtmlEscaped());
    const auto item = [](const QString &text, bool flagged) {
        return QStringLiteral("<li%1>%2</li>").arg(flagged ? QStringLiteral(" style='color:#a65a00'") : QString(), text);
    };
    html += QStringLiteral("<ul>");
    const QVector<int> groups = c.groupsOf.value(m_index);
    for (int g : groups)
        html += item(describeGroup(c, g, session()->dataset()).toHtmlEscaped(), true);
    if (groups.isEmpty())
        html += item(tr("no duplicate"), false);
    if (const QString length = lengthDescription(c, m_index); !length.isEmpty())
        html += item(length.toHtmlEscaped(), c.has(m_index, CheckSignals::OverCutoff));
    auto cached = m_model->sampleAt(m_index);
    if (cached && cached->ok()) {
        const Sample &s = cached->sample;
        for (size_t i = 0; i < s.resolvedImages.size(); ++i) {
            const CheckSignals::Image *im = c.image(QString::fromStdString(s.resolvedImages[i]));
            if (!im)
                continue;
            const QString text =
                im->error.isEmpty()
                    ? tr("image %1: %2 × %3, blur %4, brightness %5, entropy %6 bits, aspect %7%8")
                          .arg(i + 1)
                          .arg(im->width)
                          .arg(im->height)
                          .arg(formatMeasure(QStringLiteral("blurry"), im->blur),
                               formatMeasure(QStringLiteral("light"), im->brightness),
                               formatMeasure(QStringLiteral("low-information"), im->entropy),
                               formatMeasure(QStringLiteral("odd-aspect"), im->aspect),
                               im->issues.isEmpty() ? QString() : tr(" — %1").arg(im->issues.join(QStringLiteral(", "))))
                    : tr("image %1: %2").arg(i + 1).arg(im->error);
            html += item(text.toHtmlEscaped(), !im->issues.isEmpty() || !im->error.isEmpty());
        }
    }
    html += QStringLiteral("</ul>");
    if (!c.checkedAt.isEmpty())
        html += QStringLiteral("<p style='color:#777'>%1</p>").arg(tr("Checked %1").arg(c.checkedAt.toHtmlEscaped()));
    return html;
}

void DetailPane::refreshDetails()
{
    if (m_index < 0 || !session())
        return;
    const ScoreSnapshot &scores = session()->scores();
    const QLocale loc;
    QString html = QStringLiteral("<html><body>");
    html += tr("<h4>Scores</h4>");
    if (!scores.hasScores()) {
        html += tr("<p style='color:#777'>Not scored yet — Score &gt; Run OST…</p>");
    } else {
        html += QStringLiteral("<table cellpadding='3'><tr><th align='left'>%1</th><th align='right'>%2</th>"
                               "<th align='right'>%3</th></tr>")
                    .arg(tr("Method"), tr("Value"), tr("Rank"));
        const auto row = [&](const QString &name, const std::vector<double> &values) {
            const double v = values[size_t(m_index)];
            if (std::isnan(v)) {
                html += QStringLiteral("<tr><td>%1</td><td align='right'>—</td><td></td></tr>").arg(name);
                return;
            }
            const auto [rank, n] = rankOf(values, v);
            html += QStringLiteral("<tr><td>%1</td><td align='right'>%2</td><td align='right'>%3 / %4</td></tr>")
                        .arg(name, formatScore(v), loc.toString(qlonglong(rank)), loc.toString(qlonglong(n)));
        };
        row(tr("utility (%1)").arg(QString::fromStdString(scores.method)), scores.utility);
        for (size_t k = 0; k < ScoreSnapshot::baselineMethods().size(); ++k)
            row(QString::fromStdString(ScoreSnapshot::baselineMethods()[k]), scores.baselines[k]);
        html += QStringLiteral("</table><p style='color:#777'>%1</p>")
                    .arg(tr("Run: %1 (%2)").arg(QString::fromStdString(scores.runName).toHtmlEscaped(),
                                                QString::fromStdString(scores.runStatus)));
        if (session()->isStale(m_index))
            html += QStringLiteral("<p style='color:#8c8c8c'><i>%1</i></p>")
                        .arg(tr("These scores are from run %1, before this sample changed in the file: they "
                                "describe its old content. Score it again (Score &gt; Run OST…) to update them.")
                                 .arg(scores.runId));
    }
    html += tr("<h4>Validation</h4>");
    const QStringList problems = session()->problems(m_index);
    if (problems.isEmpty())
        html += session()->validationDone() ? tr("<p style='color:#1f7a3a'>No problems found.</p>")
                                            : tr("<p style='color:#777'>Checking…</p>");
    else {
        html += QStringLiteral("<ul>");
        for (const QString &p : problems)
            html += QStringLiteral("<li style='color:#a65a00'>%1</li>").arg(p.toHtmlEscaped());
        html += QStringLiteral("</ul>");
    }
    html += checksHtml();
    html += tr("<h4>Record</h4><table cellpadding='2'>");
    auto cached = m_model->sampleAt(m_index);
    const auto meta = [&](const QString &k, const QString &v) {
        html += QStringLiteral("<tr><td style='color:#666'>%1</td><td>%2</td></tr>").arg(k, v.toHtmlEscaped());
    };
    meta(tr("Index"), loc.toString(qlonglong(m_index)));
    if (cached->ok()) {
        const Sample &s = cached->sample;
        meta(tr("Line"), loc.toString(qlonglong(s.line)));
        meta(tr("Turns"), QString::number(s.turns.size()));
        meta(tr("Answer"), tr("%1 characters").arg(loc.toString(qlonglong(QString::fromStdString(s.answer()).size()))));
        for (size_t i = 0; i < s.images.size(); ++i) {
            const bool found = i < s.resolvedImages.size() && !s.resolvedImages[i].empty();
            meta(tr("Image %1").arg(i + 1),
                 QString::fromStdString(s.images[i]) + (found ? QString() : tr("  (not found)")));
        }
        meta(tr("Content hash"), QString::fromStdString(s.contentHash).left(16));
    }
    meta(tr("File"), QFileInfo(session()->datasetPath()).fileName());
    meta(tr("Format"), QString::fromStdString(formatName(session()->dataset().format())));
    html += QStringLiteral("</table></body></html>");
    m_details->setHtml(html);
}

} // namespace ost::ui

#include "moc_DetailPane.cpp"
