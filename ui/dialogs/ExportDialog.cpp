#include "ui/dialogs/ExportDialog.h"

#include "core/data/DroppedSubset.h"

#include "ui/models/SampleTableModel.h"
#include "ui/session/ProjectSession.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QDoubleValidator>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <cmath>

namespace ost::ui {

namespace {

// The entries of "Rank within each"; the last one reveals a field name to type.
enum GroupChoice { WholeDataset, SourceField, IdPrefix, IdSuffix, OtherField };

const QString kGroupingKey = QStringLiteral("export/withinGroups");

} // namespace

ExportDialog::ExportDialog(ProjectSession *session, QWidget *parent) : QDialog(parent), m_session(session)
{
    setWindowTitle(tr("Export curated subset"));

    m_mode = new QComboBox(this);
    m_mode->addItem(tr("Every sample"), int(ExportPolicy::Mode::All));
    m_mode->addItem(tr("Top K by utility"), int(ExportPolicy::Mode::TopK));
    m_mode->addItem(tr("Top percent by utility"), int(ExportPolicy::Mode::TopPercent));
    m_mode->addItem(tr("Utility at least"), int(ExportPolicy::Mode::MinUtility));
    m_topK = new QSpinBox(this);
    m_topK->setRange(1, std::numeric_limits<int>::max());
    m_topK->setGroupSeparatorShown(true);
    m_topPercent = new QDoubleSpinBox(this);
    m_topPercent->setRange(0.1, 100);
    m_topPercent->setDecimals(1);
    m_topPercent->setSuffix(QStringLiteral(" %"));
    m_threshold = new QLineEdit(this);
    auto *v = new QDoubleValidator(m_threshold);
    v->setLocale(QLocale::c());
    m_threshold->setValidator(v);
    m_param = new QStackedWidget(this);
    m_param->addWidget(new QWidget(this));
    m_param->addWidget(m_topK);
    m_param->addWidget(m_topPercent);
    m_param->addWidget(m_threshold);
    m_param->setFixedHeight(m_topK->sizeHint().height());
    // Why rank within groups: one scoring step rewards a writer's phrasing as much as correctness,
    // so a plain top 20 % can be one writer's answers only; the best 20 % of each source keeps all.
    m_groupBy = new QComboBox(this);
    m_groupBy->setObjectName(QStringLiteral("groupBy"));
    m_groupBy->addItem(tr("(whole dataset)"), QString());
    m_groupBy->addItem(tr("source"), QStringLiteral("source"));
    m_groupBy->addItem(tr("id prefix (e.g. the model in model/problem ids)"), QStringLiteral("id-prefix"));
    m_groupBy->addItem(tr("id suffix (e.g. the problem)"), QStringLiteral("id-suffix"));
    m_groupBy->addItem(tr("other record field…"), QString());
    // Sized like the policy combo above it, not by its longest entry, so that the typed field name
    // beside it lines up with the policy's value.
    m_groupBy->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_groupBy->setMinimumContentsLength(12);
    m_groupField = new QLineEdit(this);
    m_groupField->setObjectName(QStringLiteral("groupField"));
    m_groupField->setPlaceholderText(tr("field name, e.g. model"));
    m_groupField->setVisible(false);
    m_groupError = new QLabel(this);
    m_groupError->setWordWrap(true);
    m_groupError->setStyleSheet(QStringLiteral("color:#c03030"));
    m_groupError->setVisible(false);
    m_minusDropped = new QCheckBox(tr("Leave out samples marked Drop"), this);
    m_plusKept = new QCheckBox(tr("Always include samples marked Keep"), this);
    m_minusDropped->setChecked(true);
    m_plusKept->setChecked(true);

    m_origin = new QLabel(this);
    m_origin->setObjectName(QStringLiteral("exportOrigin"));
    m_origin->setWordWrap(true);
    m_origin->setStyleSheet(QStringLiteral("color:#555"));
    m_origin->setVisible(false);
    auto *policyBox = new QGroupBox(tr("Which samples"), this);
    auto *pl = new QFormLayout(policyBox);
    pl->addRow(m_origin);
    auto *modeRow = new QHBoxLayout;
    modeRow->addWidget(m_mode, 1);
    modeRow->addWidget(m_param, 1);
    pl->addRow(tr("Policy"), modeRow);
    auto *groupRow = new QHBoxLayout;
    groupRow->addWidget(m_groupBy, 1);
    groupRow->addWidget(m_groupField, 1);
    pl->addRow(tr("Rank within each"), groupRow);
    pl->addRow(QString(), m_groupError);
    pl->addRow(QString(), m_minusDropped);
    pl->addRow(QString(), m_plusKept);

    m_format = new QComboBox(this);
    m_format->addItem(tr("Same as the source (records unchanged)"), int(ExportFormat::Same));
    m_format->addItem(tr("Messages JSONL (ms-swift, LLaMA-Factory)"), int(ExportFormat::Messages));
    m_format->addItem(tr("LLaVA JSON"), int(ExportFormat::Llava));
    m_images = new QComboBox(this);
    m_images->addItem(tr("Refer to the original images (paths rewritten where needed)"), false);
    m_images->addItem(tr("Copy images into images/ beside the output"), true);
    m_output = new QLineEdit(this);
    auto *browse = new QToolButton(this);
    browse->setText(QStringLiteral("…"));
    auto *outRow = new QHBoxLayout;
    outRow->addWidget(m_output, 1);
    outRow->addWidget(browse);
    m_writeDropped = new QCheckBox(this);
    m_writeDropped->setObjectName(QStringLiteral("writeDropped"));
    m_writeDropped->setToolTip(tr("Every sample the export leaves out, with its reasons: dropped by hand (with "
                                  "the note), harmful, validation problems, below the cut, unscored; and every "
                                  "line that could not be read"));
    auto *outBox = new QGroupBox(tr("Output"), this);
    auto *ol = new QFormLayout(outBox);
    ol->addRow(tr("Format"), m_format);
    ol->addRow(tr("Images"), m_images);
    ol->addRow(tr("File"), outRow);
    ol->addRow(QString(), m_writeDropped);

    m_preview = new QLabel(this);
    m_preview->setWordWrap(true);
    m_preview->setTextFormat(Qt::RichText);
    m_preview->setMinimumHeight(m_preview->fontMetrics().height() * 3);
    m_manifest = new QLabel(this);
    m_manifest->setWordWrap(true);
    m_manifest->setStyleSheet(QStringLiteral("color:#666"));
    m_progress = new QProgressBar(this);
    m_progress->setVisible(false);
    auto *previewBox = new QGroupBox(tr("Preview"), this);
    auto *vl = new QVBoxLayout(previewBox);
    vl->addWidget(m_preview);
    vl->addWidget(m_manifest);
    vl->addWidget(m_progress);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Close, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Export"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &ExportDialog::startExport);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(policyBox);
    layout->addWidget(outBox);
    layout->addWidget(previewBox);
    layout->addWidget(m_buttons);
    setMinimumWidth(600);

    m_previewTimer = new QTimer(this);
    m_previewTimer->setSingleShot(true);
    m_previewTimer->setInterval(150);
    connect(m_previewTimer, &QTimer::timeout, this, &ExportDialog::computePreview);
    connect(m_mode, &QComboBox::currentIndexChanged, this, [this](int i) {
        m_param->setCurrentIndex(i);
        updateGrouping();
        schedulePreview();
    });
    connect(m_groupBy, &QComboBox::currentIndexChanged, this, [this] {
        updateGrouping();
        schedulePreview();
    });
    connect(m_groupField, &QLineEdit::textChanged, this, [this] {
        updateGrouping();
        schedulePreview();
    });
    connect(m_topK, &QSpinBox::valueChanged, this, &ExportDialog::schedulePreview);
    connect(m_topPercent, &QDoubleSpinBox::valueChanged, this, &ExportDialog::schedulePreview);
    connect(m_threshold, &QLineEdit::textChanged, this, &ExportDialog::schedulePreview);
    connect(m_minusDropped, &QCheckBox::toggled, this, &ExportDialog::schedulePreview);
    connect(m_plusKept, &QCheckBox::toggled, this, &ExportDialog::schedulePreview);
    connect(m_format, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_outputEdited)
            setOutputPath(defaultOutputPath(ExportFormat(m_format->currentData().toInt())));
    });
    connect(m_output, &QLineEdit::textEdited, this, [this] { m_outputEdited = true; });
    connect(m_output, &QLineEdit::textChanged, this, [this](const QString &path) {
        m_writeDropped->setText(tr("Also write the samples left out, each with why, to %1")
                                    .arg(QFileInfo(QString::fromStdString(droppedPathFor(path.toStdString()))).fileName()));
        m_manifest->setText(path.isEmpty() ? QString()
                                           : tr("A manifest (policy, run, scores) is written beside it: %1")
                                                 .arg(QString::fromStdString(manifestPathFor(path.toStdString()))));
        updateExportEnabled();
    });
    connect(browse, &QToolButton::clicked, this, [this] {
        const QString f = QFileDialog::getSaveFileName(this, tr("Export to"), m_output->text(),
                                                       tr("Datasets (*.jsonl *.json);;All files (*)"));
        if (!f.isEmpty()) {
            m_outputEdited = true;
            setOutputPath(f);
        }
    });
    connect(&m_previewWatcher, &QFutureWatcher<ExportPreview>::finished, this, [this] {
        const ExportPreview p = m_previewWatcher.result();
        const QLocale loc;
        const ExportSelection &s = p.selection;
        const std::optional<SampleGroups> &groups = p.groups;
        const QString groupLabel = groups ? QString::fromStdString(groups->label()).toHtmlEscaped() : QString();
        m_groupsMissing = groups && s.noGroupValues();
        QString text;
        if (m_groupsMissing) {
            text = tr("<span style='color:#c03030'>No ranked sample has a value for %1: check the name (a record "
                      "field such as source, or id prefix / id suffix for ids like model/problem). Export is off "
                      "until it names one the records have.</span>")
                       .arg(groupLabel);
        } else {
            text = tr("Exports <b>%1</b> of %2 samples")
                       .arg(loc.toString(qlonglong(s.indices.size())), loc.toString(qlonglong(m_session->size())));
            if (p.withUtility > 0)
                text += tr(" · utility %1 … %2").arg(formatScore(p.minKept), formatScore(p.maxKept));
            QStringList notes;
            if (s.dropped > 0)
                notes << tr("%1 dropped by decision").arg(loc.toString(qlonglong(s.dropped)));
            if (s.forcedKeeps > 0)
                notes << tr("%1 added by Keep").arg(loc.toString(qlonglong(s.forcedKeeps)));
            if (s.unscored > 0 && policy().mode != ExportPolicy::Mode::All)
                notes << tr("%1 unscored left out").arg(loc.toString(qlonglong(s.unscored)));
            if (groups) {
                text += (s.groups == 1 ? tr(" · ranked within <b>%1</b> group by %2")
                                       : tr(" · ranked within <b>%1</b> groups by %2"))
                            .arg(loc.toString(qlonglong(s.groups)), groupLabel);
                if (s.groups == 1 && s.ungrouped == 0)
                    notes << tr("every ranked sample has the same value: as good as ranking the whole set");
                if (s.ungrouped == 1)
                    notes << tr("1 ranked sample has no value for %1 (ranked as a group of its own)")
                                 .arg(groupLabel);
                else if (s.ungrouped > 1)
                    notes << tr("%1 ranked samples have no value for %2 (ranked as one group of their own)")
                                 .arg(loc.toString(qlonglong(s.ungrouped)), groupLabel);
            }
            if (!notes.isEmpty())
                text += QStringLiteral("<br><span style='color:#666'>%1</span>")
                            .arg(notes.join(QStringLiteral(" · ")));
            if (!m_session->scores().hasScores() && policy().mode != ExportPolicy::Mode::All)
                text += tr("<br><span style='color:#c03030'>Not scored yet: score policies choose nothing. "
                           "Score &gt; Run OST… first, or export every sample.</span>");
        }
        m_preview->setText(text);
        updateExportEnabled();
        m_previewReady = true;
        Q_EMIT previewReady();
        if (m_previewTimer->property("again").toBool()) {
            m_previewTimer->setProperty("again", false);
            computePreview();
        }
    });
    connect(&m_exportWatcher, &QFutureWatcher<Result<ExportReport>>::finished, this, [this] {
        m_progress->setVisible(false);
        m_buttons->setEnabled(true);
        Result<ExportReport> r = m_exportWatcher.result();
        if (!r.ok()) {
            const QString msg = QString::fromStdString(r.error().message);
            m_preview->setText(QStringLiteral("<span style='color:#c03030'>%1</span>").arg(msg.toHtmlEscaped()));
            Q_EMIT exportFinished(false, msg);
            return;
        }
        QSettings().setValue(kGroupingKey, m_exportGrouping);
        const QLocale loc;
        QString msg = tr("Wrote %1 samples to %2").arg(loc.toString(qlonglong(r->written)),
                                                       QString::fromStdString(r->outPath));
        if (r->imagesCopied > 0)
            msg += tr(", copied %1 images").arg(r->imagesCopied);
        if (!r->warnings.empty())
            msg += tr(" (%n warning(s), first: %1)", nullptr, int(r->warnings.size()))
                       .arg(QString::fromStdString(r->warnings.front()));
        if (m_droppedMessage && !m_droppedMessage->isEmpty())
            msg += QStringLiteral("; ") + *m_droppedMessage;
        m_preview->setText(QStringLiteral("<span style='color:#1f7a3a'>%1</span>").arg(msg.toHtmlEscaped()));
        Q_EMIT exportFinished(true, msg);
    });

    m_topK->setValue(int(qMax<int64_t>(1, m_session->scores().scoredCount / 2)));
    m_topPercent->setValue(50);
    m_threshold->setText(QStringLiteral("0"));
    m_mode->setCurrentIndex(m_session->scores().hasScores() ? 2 : 0);
    m_param->setCurrentIndex(m_mode->currentIndex());
    updateGrouping();
    setOutputPath(defaultOutputPath(ExportFormat::Same));
    schedulePreview();
}

ExportDialog::~ExportDialog()
{
    m_previewWatcher.waitForFinished();
    m_exportWatcher.waitForFinished();
}

QString ExportDialog::defaultOutputPath(ExportFormat format) const
{
    const QFileInfo src(m_session->datasetPath());
    QString ext = src.suffix().isEmpty() ? QStringLiteral("jsonl") : src.suffix();
    if (format == ExportFormat::Messages)
        ext = QStringLiteral("jsonl");
    else if (format == ExportFormat::Llava)
        ext = QStringLiteral("json");
    return src.dir().filePath(QStringLiteral("%1.curated.%2").arg(src.completeBaseName(), ext));
}

void ExportDialog::setPolicy(const ExportPolicy &p, bool minusDropped, bool plusKept)
{
    const int i = m_mode->findData(int(p.mode));
    m_mode->setCurrentIndex(i >= 0 ? i : 0);
    if (p.mode == ExportPolicy::Mode::TopK)
        m_topK->setValue(int(p.topK));
    if (p.mode == ExportPolicy::Mode::TopPercent)
        m_topPercent->setValue(p.topPercent);
    if (p.mode == ExportPolicy::Mode::MinUtility)
        m_threshold->setText(QString::number(p.minUtility, 'g', 10));
    if (!p.withinGroups) {
        m_groupBy->setCurrentIndex(WholeDataset);
    } else {
        const int g = m_groupBy->findData(QString::fromStdString(p.withinGroups->spec()));
        m_groupBy->setCurrentIndex(g > WholeDataset ? g : int(OtherField));
        if (g <= WholeDataset)
            m_groupField->setText(QString::fromStdString(p.withinGroups->spec()));
    }
    m_minusDropped->setChecked(p.applyDecisions && minusDropped);
    m_plusKept->setChecked(p.applyDecisions && plusKept);
    schedulePreview();
}

ExportPolicy ExportDialog::policy() const
{
    ExportPolicy p;
    p.mode = ExportPolicy::Mode(m_mode->currentData().toInt());
    p.topK = m_topK->value();
    p.topPercent = m_topPercent->value();
    p.minUtility = QLocale::c().toDouble(m_threshold->text());
    p.applyDecisions = m_minusDropped->isChecked() || m_plusKept->isChecked();
    if (groupingApplies() && !groupSpec().isEmpty()) {
        auto groups = SampleGroups::parse(groupSpec().toStdString());
        if (groups.ok())
            p.withinGroups = groups.takeValue();
    }
    return p;
}

QString ExportDialog::groupSpec() const
{
    return m_groupBy->currentIndex() == OtherField ? m_groupField->text().trimmed()
                                                   : m_groupBy->currentData().toString();
}

bool ExportDialog::groupingApplies() const
{
    const auto mode = ExportPolicy::Mode(m_mode->currentData().toInt());
    return mode == ExportPolicy::Mode::TopK || mode == ExportPolicy::Mode::TopPercent;
}

QString ExportDialog::groupingError() const
{
    if (!groupingApplies() || m_groupBy->currentIndex() != OtherField)
        return {};
    if (groupSpec().isEmpty())
        return tr("Type the name of a record field, or choose (whole dataset).");
    const auto groups = SampleGroups::parse(groupSpec().toStdString());
    return groups.ok() ? QString() : QString::fromStdString(groups.error().message);
}

void ExportDialog::updateGrouping()
{
    const bool applies = groupingApplies();
    m_groupBy->setEnabled(applies);
    m_groupBy->setToolTip(applies ? tr("Keep the best share of every group instead of the whole set, so that "
                                       "no writer or problem is left out")
                                  : tr("Ranking within groups applies to Top K and Top percent"));
    m_groupField->setVisible(m_groupBy->currentIndex() == OtherField);
    m_groupField->setEnabled(applies);
    const QString error = groupingError();
    m_groupError->setText(error);
    m_groupError->setVisible(!error.isEmpty());
    updateExportEnabled();
}

void ExportDialog::updateExportEnabled()
{
    m_buttons->button(QDialogButtonBox::Ok)
        ->setEnabled(!outputPath().isEmpty() && groupingError().isEmpty() && !m_groupsMissing);
}

std::optional<SampleGroups> ExportDialog::lastGrouping()
{
    const QString spec = QSettings().value(kGroupingKey).toString();
    if (spec.isEmpty())
        return std::nullopt;
    auto groups = SampleGroups::parse(spec.toStdString());
    return groups.ok() ? std::optional<SampleGroups>(groups.takeValue()) : std::nullopt;
}

void ExportDialog::setFormat(ExportFormat format)
{
    m_format->setCurrentIndex(qMax(0, m_format->findData(int(format))));
}

void ExportDialog::setCopyImages(bool copy) { m_images->setCurrentIndex(copy ? 1 : 0); }

void ExportDialog::setWriteDropped(bool write) { m_writeDropped->setChecked(write); }

void ExportDialog::setOutputPath(const QString &path) { m_output->setText(path); }

void ExportDialog::setOrigin(const QString &text)
{
    m_origin->setText(text);
    m_origin->setVisible(!text.isEmpty());
}
QString ExportDialog::outputPath() const { return m_output->text().trimmed(); }
QString ExportDialog::previewText() const { return m_preview->text(); }

std::map<std::string, KeepDecision> ExportDialog::decisionsForPolicy() const
{
    // The core policy applies Drop and Keep together; either half is switched off here by not
    // passing those decisions at all.
    std::map<std::string, KeepDecision> out;
    const bool drops = m_minusDropped->isChecked(), keeps = m_plusKept->isChecked();
    for (int64_t i = 0; i < m_session->size(); ++i) {
        const Decision d = m_session->decision(i);
        if (d == Decision::Drop && drops)
            out.emplace(m_session->dataset().id(i), KeepDecision::Drop);
        else if (d == Decision::Keep && keeps)
            out.emplace(m_session->dataset().id(i), KeepDecision::Keep);
    }
    return out;
}

std::map<std::string, double> ExportDialog::utilities() const
{
    std::map<std::string, double> out;
    const ScoreSnapshot &s = m_session->scores();
    for (int64_t i = 0; i < int64_t(s.utility.size()); ++i)
        if (!std::isnan(s.utility[size_t(i)]))
            out.emplace(m_session->dataset().id(i), s.utility[size_t(i)]);
    return out;
}

void ExportDialog::schedulePreview()
{
    m_previewReady = false;
    m_previewTimer->start();
}

void ExportDialog::computePreview()
{
    if (m_previewWatcher.isRunning()) {
        m_previewTimer->setProperty("again", true);
        return;
    }
    if (const QString error = groupingError(); !error.isEmpty()) {
        m_preview->setText(QStringLiteral("<span style='color:#c03030'>%1</span>").arg(error.toHtmlEscaped()));
        m_previewReady = true;
        Q_EMIT previewReady();
        return;
    }
    m_preview->setText(tr("Counting…"));
    std::shared_ptr<Dataset> dataset = m_session->sharedDataset();
    const ExportPolicy p = policy();
    auto utils = std::make_shared<std::map<std::string, double>>(utilities());
    auto decisions = decisionsForPolicy();
    m_previewWatcher.setFuture(QtConcurrent::run([dataset, p, utils, decisions] {
        ExportPreview out;
        out.groups = p.withinGroups;
        out.selection = selectForExport(*dataset, p, *utils, decisions);
        bool first = true;
        for (int64_t i : out.selection.indices) {
            auto it = utils->find(dataset->id(i));
            if (it == utils->end())
                continue;
            ++out.withUtility;
            out.minKept = first ? it->second : std::min(out.minKept, it->second);
            out.maxKept = first ? it->second : std::max(out.maxKept, it->second);
            first = false;
        }
        return out;
    }));
}

void ExportDialog::startExport()
{
    if (m_exportWatcher.isRunning() || outputPath().isEmpty())
        return;
    if (const QString error = groupingError(); !error.isEmpty()) {
        Q_EMIT exportFinished(false, error);
        return;
    }
    std::shared_ptr<Dataset> dataset = m_session->sharedDataset();
    const ExportPolicy p = policy();
    m_exportGrouping = p.withinGroups ? QString::fromStdString(p.withinGroups->spec()) : QString();
    auto utils = utilities();
    auto decisions = decisionsForPolicy();
    ExportOptions options;
    options.outPath = QDir::cleanPath(QFileInfo(outputPath()).absoluteFilePath()).toStdString();
    options.format = ExportFormat(m_format->currentData().toInt());
    options.copyImages = m_images->currentData().toBool();
    options.policyJson = p.toJson();
    options.runId = m_session->scores().hasScores() ? m_session->scores().runId : -1;
    options.method = m_session->scores().method;
    options.scores = utils;
    options.toolVersion = QStringLiteral("ost-curator %1").arg(QCoreApplication::applicationVersion()).toStdString();
    m_progress->setVisible(true);
    m_progress->setRange(0, 0);
    m_buttons->setEnabled(false);
    m_preview->setText(tr("Exporting…"));
    QPointer<QProgressBar> bar = m_progress;
    auto onProgress = [bar](const Progress &pr) {
        const int done = int(pr.done), total = int(pr.total);
        if (done % 256 != 0 && done != total)
            return; // a queued event per record would flood the UI thread
        QMetaObject::invokeMethod(
            bar, [bar, done, total] {
                if (bar) {
                    bar->setRange(0, total);
                    bar->setValue(done);
                }
            },
            Qt::QueuedConnection);
    };
    std::shared_ptr<DroppedInputs> dropped;
    if (m_writeDropped->isChecked()) {
        // Read on this thread (the session is not thread-safe); written by the worker after the export.
        dropped = std::make_shared<DroppedInputs>();
        dropped->utilities = utils;
        dropped->harmfulThreshold = m_session->scores().harmfulThreshold;
        dropped->haveScores = m_session->scores().hasScores() && p.mode != ExportPolicy::Mode::All;
        for (int64_t i = 0; i < m_session->size(); ++i) {
            if (m_session->decision(i) == Decision::Drop && m_minusDropped->isChecked())
                dropped->droppedByHand.emplace(m_session->dataset().id(i), m_session->note(i).toStdString());
            const QStringList problems = m_session->problems(i);
            for (const QString &problem : problems)
                dropped->problems[i].push_back(problem.toStdString());
        }
    }
    m_droppedMessage = std::make_shared<QString>();
    std::shared_ptr<QString> droppedMessage = m_droppedMessage;
    m_exportWatcher.setFuture(QtConcurrent::run([dataset, p, utils, decisions, options, onProgress, dropped,
                                                 droppedMessage] {
        const ExportSelection selection = selectForExport(*dataset, p, utils, decisions);
        // Checked here too, not only in the preview: Export can be pressed before the preview is back.
        if (p.withinGroups && selection.noGroupValues())
            return Result<ExportReport>(Error{p.withinGroups->noValuesMessage()});
        if (dropped) // before anything is written
            if (Status st = checkDroppedPath(*dataset, droppedPathFor(options.outPath)); !st.ok())
                return Result<ExportReport>(st.error());
        Result<ExportReport> report = exportSamples(*dataset, selection.indices, options, onProgress);
        if (report.ok() && dropped) {
            auto written = writeDroppedSubset(*dataset, selection.indices, *dropped, droppedPathFor(options.outPath));
            if (!written.ok()) // the export itself is in place and stays: say what did not get written
                return Result<ExportReport>(Error{"exported " + std::to_string(report->written) + " samples to " +
                                                  report->outPath + ", but the dropped subset failed: " +
                                                  written.error().message});
            *droppedMessage = QCoreApplication::translate("ost::ui::ExportDialog", "%1 left out, with why, in %2")
                                  .arg(written->samples + written->unreadable)
                                  .arg(QString::fromStdString(written->path));
        }
        return report;
    }));
}

} // namespace ost::ui

#include "moc_ExportDialog.cpp"
