#include "ui/dialogs/ScoringDialog.h"

#include "core/model/ModelFolder.h"
#include "ui/session/ReferencePath.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QDoubleValidator>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace ost::ui {

namespace {
const char *kBuiltin = "builtin-tiny";
}

ScoringDialog::ScoringDialog(QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("Score with One-Step-Train"));
    QSettings settings;

    m_proxy = new QComboBox(this);
    m_proxy->addItem(tr("Built-in tiny proxy (CPU, seconds)"), QString::fromLatin1(kBuiltin));
    const QString lastModel = settings.value(QStringLiteral("scoring/lastModel")).toString();
    if (!lastModel.isEmpty() && lastModel != QLatin1String(kBuiltin))
        m_proxy->addItem(lastModel, lastModel);
    auto *browse = new QToolButton(this);
    browse->setText(tr("Model folder…"));
    connect(browse, &QToolButton::clicked, this, &ScoringDialog::chooseFolder);
    auto *browseFile = new QToolButton(this);
    browseFile->setText(tr("Model file…"));
    browseFile->setToolTip(tr("A GGUF file (llama.cpp, Ollama, LM Studio): llama, qwen2 or qwen3 text models"));
    connect(browseFile, &QToolButton::clicked, this, &ScoringDialog::chooseFile);
    m_proxyStatus = new QLabel(this);
    m_proxyStatus->setWordWrap(true);
    // Room for two full lines: the form measured the wrapped label a few pixels short (descenders cut).
    m_proxyStatus->setMinimumHeight(2 * m_proxyStatus->fontMetrics().lineSpacing() + 4);
    auto *proxyRow = new QHBoxLayout;
    proxyRow->addWidget(m_proxy, 1);
    proxyRow->addWidget(browseFile);
    proxyRow->addWidget(browse);

    m_device = new QComboBox(this);
    for (const std::string &d : availableDevices())
        m_device->addItem(QString::fromStdString(d));
    m_device->setCurrentText(settings.value(QStringLiteral("scoring/device"), QStringLiteral("cpu")).toString());
    m_precision = new QComboBox(this);
    m_precision->addItems({QStringLiteral("fp32"), QStringLiteral("bf16"), QStringLiteral("fp16")});

    m_refFile = new QRadioButton(tr("Reference file"), this);
    m_refHoldout = new QRadioButton(tr("Hold out a share of the pool"), this);
    m_refHoldout->setChecked(true);
    m_refPath = new QLineEdit(this);
    m_refPath->setPlaceholderText(tr("reference.jsonl (a small, trusted set)"));
    auto *refBrowse = new QToolButton(this);
    m_refBrowse = refBrowse;
    refBrowse->setText(QStringLiteral("…"));
    m_refNote = new QLabel(this);
    m_refNote->setObjectName(QStringLiteral("referenceNote"));
    m_refNote->setWordWrap(true);
    m_refNote->setVisible(false);
    connect(refBrowse, &QToolButton::clicked, this, [this] {
        const QString f = QFileDialog::getOpenFileName(this, tr("Reference set"), QFileInfo(m_refPath->text()).path(),
                                                       tr("Datasets (*.jsonl *.json);;All files (*)"));
        if (!f.isEmpty()) {
            m_refPath->setText(f);
            m_refFile->setChecked(true);
        }
    });
    m_holdout = new QDoubleSpinBox(this);
    m_holdout->setRange(0.1, 50);
    m_holdout->setDecimals(1);
    m_holdout->setSuffix(QStringLiteral(" %"));
    auto *refBox = new QGroupBox(tr("Reference set V"), this);
    auto *rl = new QFormLayout(refBox);
    auto *fileRow = new QHBoxLayout;
    fileRow->addWidget(m_refPath, 1);
    fileRow->addWidget(refBrowse);
    rl->addRow(m_refFile, fileRow);
    rl->addRow(QString(), m_refNote);
    rl->addRow(m_refHoldout, m_holdout);

    m_mode = new QComboBox(this);
    m_mode->addItem(tr("Exact (one real step per sample)"), int(ScoringMode::Exact));
    m_mode->addItem(tr("Fast (first-order estimate)"), int(ScoringMode::Fast));
    m_eta = new QLineEdit(this);
    auto *etaValidator = new QDoubleValidator(1e-9, 10, 9, m_eta);
    etaValidator->setLocale(QLocale::c());
    m_eta->setValidator(etaValidator);
    m_mode->setObjectName(QStringLiteral("mode"));
    // The simulated step. Fast mode is a first-order estimate of the SGD step only (the worker refuses
    // anything else), so the choice is fixed to SGD there and the note says why.
    m_stepRule = new QComboBox(this);
    m_stepRule->setObjectName(QStringLiteral("stepRule"));
    m_stepRule->addItem(tr("SGD (θ − η·g)"), QStringLiteral("sgd"));
    m_stepRule->addItem(tr("Adam, first step (θ − η·g/(|g|+ε))"), QStringLiteral("adam"));
    m_stepNote = new QLabel(tr("fast mode: SGD only"), this);
    m_stepNote->setStyleSheet(QStringLiteral("color:#777"));
    auto *stepRow = new QHBoxLayout;
    stepRow->addWidget(m_stepRule, 1);
    stepRow->addWidget(m_stepNote);
    m_warmup = new QDoubleSpinBox(this);
    m_warmup->setObjectName(QStringLiteral("warmupFraction"));
    m_warmup->setRange(0, 0.5);
    m_warmup->setSingleStep(0.01);
    m_warmup->setDecimals(3);
    m_warmupEpochs = new QSpinBox(this);
    m_warmupEpochs->setObjectName(QStringLiteral("warmupEpochs"));
    m_warmupEpochs->setRange(0, 1000);
    m_warmupEpochs->setSpecialValueText(tr("no warm-up"));
    m_warmupEpochs->setToolTip(tr("Passes over the warm-up share before scoring"));
    auto *warmupRow = new QHBoxLayout;
    warmupRow->addWidget(m_warmup, 1);
    warmupRow->addWidget(new QLabel(tr("Warm-up epochs"), this));
    warmupRow->addWidget(m_warmupEpochs, 1);
    // What the step touches. For a pretrained model the last blocks: V's hidden states below them
    // are computed once per run (the README's measurements), and the whole model is far slower.
    m_scope = new QComboBox(this);
    m_scope->setObjectName(QStringLiteral("scope"));
    m_scope->setEditable(true);
    m_scope->addItem(tr("all parameters"), QStringLiteral("all"));
    m_scope->addItem(tr("language model"), QStringLiteral("language"));
    for (int k : {2, 4, 8})
        m_scope->addItem(tr("last %1 blocks").arg(k), QStringLiteral("last:%1").arg(k));
    m_scope->setToolTip(tr("all, language or last:K (the last K decoder blocks)"));
    m_batch = new QSpinBox(this);
    m_batch->setRange(1, 4096);
    m_batch->setToolTip(tr("Samples per batch on a GPU. On the CPU a forward pass holds at most 768 padded "
                           "tokens (measured faster), so long samples go a few at a time"));
    m_limit = new QSpinBox(this);
    m_limit->setRange(0, 100000000);
    m_limit->setSpecialValueText(tr("all samples"));

    auto *form = new QFormLayout;
    form->addRow(tr("Proxy model"), proxyRow);
    form->addRow(QString(), m_proxyStatus);
    form->addRow(tr("Device"), m_device);
    form->addRow(tr("Precision"), m_precision);
    form->addRow(tr("Mode"), m_mode);
    form->addRow(tr("Step size η"), m_eta);
    form->addRow(tr("Step rule"), stepRow);
    form->addRow(tr("Step touches"), m_scope);
    form->addRow(tr("Warm-up fraction"), warmupRow);
    form->addRow(tr("Batch size"), m_batch);
    form->addRow(tr("Score"), m_limit);

    m_resume = new QCheckBox(this);
    m_resume->setVisible(false);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Run"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        remember();
        accept();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(refBox);
    layout->addWidget(m_resume);
    layout->addWidget(m_buttons);

    connect(m_proxy, &QComboBox::currentIndexChanged, this, &ScoringDialog::checkModel);
    connect(m_mode, &QComboBox::currentIndexChanged, this, &ScoringDialog::updateEnabled);
    connect(m_warmup, &QDoubleSpinBox::valueChanged, this, &ScoringDialog::updateEnabled);
    connect(m_refFile, &QRadioButton::toggled, this, &ScoringDialog::updateEnabled);
    connect(m_refPath, &QLineEdit::textChanged, this, &ScoringDialog::updateEnabled);
    connect(m_eta, &QLineEdit::textChanged, this, &ScoringDialog::updateEnabled);
    connect(m_resume, &QCheckBox::toggled, this, &ScoringDialog::updateEnabled);
    connect(&m_check, &QFutureWatcher<ModelCheck>::finished, this, [this] {
        const ModelCheck r = m_check.result();
        if (r.spec != proxySpec())
            return; // superseded by a newer choice
        m_modelOk = r.ok;
        m_proxyStatus->setText(r.textOnly ? r.message + tr(" — text only: images are not read, so image–text "
                                                          "mismatches go unseen")
                                          : r.message);
        if (r.ok && m_choosing && !resumeRunId() && r.pretrained) {
            // Picked just now: the defaults that suit a pretrained proxy (as ostc score uses them).
            setScope(QString::fromLatin1(kPretrainedScope));
            m_warmup->setValue(0);
        }
        m_choosing = false;
        m_proxyStatus->setStyleSheet(r.ok ? QStringLiteral("color:#1f7a3a") : QStringLiteral("color:#c03030"));
        updateEnabled();
    });

    setSettings(rememberedSettings());
    const int last = m_proxy->findData(lastModel);
    m_proxy->setCurrentIndex(last >= 0 ? last : 0);
    checkModel();
    setMinimumWidth(560);
}

ScoringDialog::~ScoringDialog() { m_check.waitForFinished(); }

QString ScoringDialog::proxySpec() const { return m_proxy->currentData().toString(); }
QString ScoringDialog::proxyStatus() const { return m_proxyStatus->text(); }

RunSettings ScoringDialog::rememberedSettings()
{
    const QSettings q;
    RunSettings s;
    const auto text = [&q](const char *key, const std::string &fallback) {
        return q.value(QLatin1String(key), QString::fromStdString(fallback)).toString().toStdString();
    };
    s.device = text("scoring/device", s.device);
    s.precision = text("scoring/precision", s.precision);
    if (q.contains(QStringLiteral("scoring/mode")))
        s.mode = q.value(QStringLiteral("scoring/mode")).toString() == QLatin1String("fast") ? ScoringMode::Fast
                                                                                            : ScoringMode::Exact;
    // A value that does not read back as a usable one keeps the default instead of an empty field.
    bool ok = false;
    if (const double eta = q.value(QStringLiteral("scoring/learningRate")).toDouble(&ok); ok && eta > 0)
        s.learningRate = eta;
    s.stepRule = text("scoring/stepRule", s.stepRule);
    if (const double w = q.value(QStringLiteral("scoring/warmupFraction")).toDouble(&ok); ok && w >= 0)
        s.warmupFraction = w;
    if (const int e = q.value(QStringLiteral("scoring/warmupEpochs")).toInt(&ok); ok && e >= 0)
        s.warmupEpochs = e;
    s.parameterScope = text("scoring/scope", s.parameterScope);
    if (const int b = q.value(QStringLiteral("scoring/batchSize")).toInt(&ok); ok && b > 0)
        s.batchSize = b;
    if (const double h = q.value(QStringLiteral("scoring/referenceHoldout")).toDouble(&ok); ok && h > 0)
        s.referenceHoldout = h;
    return s;
}

void ScoringDialog::remember() const
{
    QSettings q;
    q.setValue(QStringLiteral("scoring/lastModel"), proxySpec());
    q.setValue(QStringLiteral("scoring/device"), m_device->currentText());
    if (resumeRunId())
        return; // a resumed run's settings are that run's, not the curator's latest choice
    const RunSettings s = settings();
    q.setValue(QStringLiteral("scoring/precision"), QString::fromStdString(s.precision));
    q.setValue(QStringLiteral("scoring/mode"), QString::fromStdString(modeName(s.mode)));
    q.setValue(QStringLiteral("scoring/learningRate"), s.learningRate);
    q.setValue(QStringLiteral("scoring/stepRule"), QString::fromStdString(s.stepRule));
    q.setValue(QStringLiteral("scoring/warmupFraction"), s.warmupFraction);
    q.setValue(QStringLiteral("scoring/warmupEpochs"), qlonglong(s.warmupEpochs));
    q.setValue(QStringLiteral("scoring/scope"), QString::fromStdString(s.parameterScope));
    q.setValue(QStringLiteral("scoring/batchSize"), qlonglong(s.batchSize));
    q.setValue(QStringLiteral("scoring/referenceHoldout"), s.referenceHoldout);
}

void ScoringDialog::chooseFolder()
{
    const QString dir =
        QFileDialog::getExistingDirectory(this, tr("Hugging Face model folder (Qwen2-VL, Qwen2, Llama, Qwen3)"));
    if (!dir.isEmpty())
        chooseModel(dir);
}

void ScoringDialog::chooseFile()
{
    const QString file = QFileDialog::getOpenFileName(this, tr("Model file"), QString(),
                                                      tr("GGUF models (*.gguf);;All files (*)"));
    if (!file.isEmpty())
        chooseModel(file);
}

void ScoringDialog::chooseModel(const QString &spec)
{
    int i = m_proxy->findData(spec);
    if (i < 0) {
        m_proxy->addItem(spec, spec);
        i = m_proxy->count() - 1;
    }
    m_choosing = true;
    if (m_proxy->currentIndex() == i)
        checkModel();
    else
        m_proxy->setCurrentIndex(i);
}

void ScoringDialog::setScope(const QString &scope)
{
    const int i = m_scope->findData(scope);
    if (i >= 0)
        m_scope->setCurrentIndex(i);
    else
        m_scope->setEditText(scope);
}

QString ScoringDialog::scope() const
{
    const int i = m_scope->findText(m_scope->currentText());
    return i >= 0 ? m_scope->itemData(i).toString() : m_scope->currentText().trimmed();
}

void ScoringDialog::checkModel()
{
    m_modelOk = false;
    m_proxyStatus->setText(tr("Checking…"));
    m_proxyStatus->setStyleSheet(QStringLiteral("color:#777"));
    updateEnabled();
    const QString spec = proxySpec();
    m_check.setFuture(QtConcurrent::run([spec] {
        ModelCheck r;
        r.spec = spec;
        auto info = inspectModel(spec.toStdString());
        r.ok = info.ok();
        r.textOnly = info.ok() && info->textOnly;
        r.pretrained = info.ok() && info->pretrained;
        r.message = info.ok() ? QString::fromStdString(info->summary)
                              : QString::fromStdString(info.error().message);
        return r;
    }));
}

void ScoringDialog::updateEnabled()
{
    const bool resuming = m_resume->isChecked();
    for (QWidget *w : std::initializer_list<QWidget *>{m_proxy, m_device, m_precision, m_mode, m_eta, m_warmup, m_scope,
                                                       m_batch, m_limit, m_refFile, m_refHoldout, m_refPath, m_holdout})
        w->setEnabled(!resuming);
    const bool fast = ScoringMode(m_mode->currentData().toInt()) == ScoringMode::Fast;
    if (fast)
        m_stepRule->setCurrentIndex(m_stepRule->findData(QStringLiteral("sgd")));
    m_stepRule->setEnabled(!resuming && !fast);
    m_stepRule->setToolTip(fast ? tr("Fast mode estimates the SGD step to first order; Adam needs the exact mode")
                                : tr("The simulated training step of the utility"));
    m_stepNote->setVisible(fast);
    m_warmupEpochs->setEnabled(!resuming && m_warmup->value() > 0); // no warm-up share: nothing to train on
    // A continued run keeps its settings, but its reference file may have moved: that one field
    // stays editable, and Run waits for a file that is there.
    const bool resumeWithFile = resuming && !m_resumeSettings.referencePath.empty();
    m_refPath->setEnabled(resumeWithFile || (!resuming && m_refFile->isChecked()));
    m_refBrowse->setEnabled(resumeWithFile || !resuming);
    m_holdout->setEnabled(!resuming && m_refHoldout->isChecked());
    const QString ref = m_refPath->text().trimmed();
    bool refOk = !m_refFile->isChecked() || !ref.isEmpty();
    if (resumeWithFile) {
        refOk = QFileInfo(ref).isFile();
        m_refNote->setVisible(true);
        m_refNote->setStyleSheet(refOk ? QStringLiteral("color:#1f7a3a") : QStringLiteral("color:#c03030"));
        m_refNote->setText(refOk ? tr("The run's reference set (stored as %1)")
                                       .arg(QString::fromStdString(m_resumeSettings.referencePath))
                                 : tr("The run's reference set %1 is not there: point to where it is now")
                                       .arg(QString::fromStdString(m_resumeSettings.referencePath)));
    }
    m_buttons->button(QDialogButtonBox::Ok)
        ->setEnabled(resuming ? refOk : (m_modelOk && refOk && m_eta->hasAcceptableInput()));
}

void ScoringDialog::setSettings(const RunSettings &s)
{
    const int i = m_proxy->findData(QString::fromStdString(s.proxy));
    if (i >= 0)
        m_proxy->setCurrentIndex(i);
    if (m_device->findText(QString::fromStdString(s.device)) >= 0)
        m_device->setCurrentText(QString::fromStdString(s.device));
    m_precision->setCurrentText(QString::fromStdString(s.precision));
    m_mode->setCurrentIndex(s.mode == ScoringMode::Exact ? 0 : 1);
    m_eta->setText(QString::number(s.learningRate, 'g', 6));
    const int step = m_stepRule->findData(QString::fromStdString(s.stepRule));
    m_stepRule->setCurrentIndex(step >= 0 ? step : 0);
    m_warmup->setValue(s.warmupFraction);
    m_warmupEpochs->setValue(int(s.warmupEpochs));
    setScope(QString::fromStdString(s.parameterScope));
    m_batch->setValue(int(s.batchSize));
    m_limit->setValue(int(s.limit));
    m_holdout->setValue(s.referenceHoldout * 100.0);
    m_refPath->setText(QString::fromStdString(s.referencePath));
    (s.referencePath.empty() ? m_refHoldout : m_refFile)->setChecked(true);
    updateEnabled();
}

void ScoringDialog::setDatasetPath(const QString &datasetPath)
{
    if (!m_refPath->text().trimmed().isEmpty() || resumeRunId())
        return;
    const QString found = referenceBeside(datasetPath);
    if (found.isEmpty())
        return;
    m_refPath->setText(found);
    m_refFile->setChecked(true);
    m_refNote->setText(tr("Found beside the dataset; choose another file or hold out a share instead"));
    m_refNote->setStyleSheet(QStringLiteral("color:#666"));
    m_refNote->setVisible(true);
    updateEnabled();
}

QString ScoringDialog::referenceNote() const { return m_refNote->isHidden() ? QString() : m_refNote->text(); }

void ScoringDialog::setResumableRun(int64_t runId, const QString &name, const RunSettings &settings,
                                    const QString &reference, bool referenceFound)
{
    (void)referenceFound; // updateEnabled checks the file itself
    m_resumeRunId = runId;
    m_resumeSettings = settings;
    m_resume->setText(tr("Continue unfinished run “%1”").arg(name));
    m_resume->setToolTip(tr("Scores the samples this run has not scored yet, with the settings it started with"));
    m_resume->setVisible(true);
    m_resume->setChecked(true);
    setSettings(settings);
    if (!settings.referencePath.empty() && !reference.isEmpty())
        m_refPath->setText(reference);
    updateEnabled();
}

std::optional<int64_t> ScoringDialog::resumeRunId() const
{
    // isHidden, not isVisible: the accepted() handler asks after accept() has hidden the dialog, and
    // isVisible() is false for every child of a hidden dialog (the resume was silently dropped).
    if (!m_resume->isHidden() && m_resume->isChecked() && m_resumeRunId > 0)
        return m_resumeRunId;
    return std::nullopt;
}

RunSettings ScoringDialog::settings() const
{
    if (resumeRunId()) {
        RunSettings s = m_resumeSettings;
        if (!s.referencePath.empty()) // where the file is now (the same content: the run checks its hash)
            s.referencePath = m_refPath->text().trimmed().toStdString();
        return s;
    }
    // The proxy's defaults for what the dialog does not show (a pretrained file's warm-up rate).
    RunSettings s = defaultSettingsFor(proxySpec().toStdString());
    s.device = m_device->currentText().toStdString();
    s.precision = m_precision->currentText().toStdString();
    s.mode = ScoringMode(m_mode->currentData().toInt());
    s.learningRate = QLocale::c().toDouble(m_eta->text());
    // Fast mode has the combo on SGD already; said again so that no path hands the worker fast + adam.
    s.stepRule = s.mode == ScoringMode::Fast ? std::string("sgd") : m_stepRule->currentData().toString().toStdString();
    s.warmupFraction = m_warmup->value();
    s.warmupEpochs = m_warmupEpochs->value();
    s.parameterScope = scope().toStdString();
    s.batchSize = m_batch->value();
    s.limit = m_limit->value();
    if (m_refFile->isChecked())
        s.referencePath = m_refPath->text().trimmed().toStdString();
    s.referenceHoldout = m_holdout->value() / 100.0;
    return s;
}

} // namespace ost::ui

#include "moc_ScoringDialog.cpp"
