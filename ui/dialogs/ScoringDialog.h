#pragma once
// Chooses everything a scoring run needs and hands back RunSettings. The proxy choice is checked
// (inspectModel) off the UI thread as soon as it is made, with the reason when it does not fit.
// What a new run was started with (model, device, precision, mode, η, step rule, warm-up, batch,
// hold-out share) is remembered in QSettings and shown again next time; the reference file and the
// sample limit belong to one dataset or trial and start afresh.
#include "core/ost/RunSettings.h"

#include <QDialog>
#include <QFutureWatcher>

#include <optional>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QRadioButton;
class QSpinBox;
class QToolButton;

namespace ost::ui {

struct ModelCheck {
    QString spec;
    bool ok = false;
    bool textOnly = false;
    bool pretrained = false;
    QString message;
};

class ScoringDialog : public QDialog {
    Q_OBJECT
public:
    // `resumable`: a paused/cancelled run that can be continued, with its settings.
    explicit ScoringDialog(QWidget *parent = nullptr);
    ~ScoringDialog() override;

    // `reference`: where the run's reference file is now (see locateReference); when it was not
    // found, the field stays editable while continuing and Run waits for a file that exists.
    void setResumableRun(int64_t runId, const QString &name, const RunSettings &settings,
                         const QString &reference = {}, bool referenceFound = true);
    // For a new run: proposes a reference*.jsonl found beside the dataset (the field stays empty
    // otherwise) and says where it came from.
    void setDatasetPath(const QString &datasetPath);
    QString referenceNote() const;
    void setSettings(const RunSettings &settings);
    RunSettings settings() const;
    std::optional<int64_t> resumeRunId() const;
    bool modelChecked() const { return m_modelOk; }
    QString proxyStatus() const;
    // What File…/Folder… do with the chosen path: adds it to the list and checks it; a pretrained
    // model (GGUF, a Hugging Face folder) then gets its defaults (last 4 blocks, no warm-up).
    void chooseModel(const QString &spec);

    // The defaults with what the last new run (QSettings) was started with.
    static RunSettings rememberedSettings();

private:
    void remember() const;
    void chooseFolder();
    void chooseFile();
    void setScope(const QString &scope);
    QString scope() const;
    void checkModel();
    void updateEnabled();
    QString proxySpec() const;

    QComboBox *m_proxy;
    QLabel *m_proxyStatus;
    QComboBox *m_device;
    QComboBox *m_precision;
    QRadioButton *m_refFile;
    QRadioButton *m_refHoldout;
    QLineEdit *m_refPath;
    QToolButton *m_refBrowse;
    QLabel *m_refNote;
    QDoubleSpinBox *m_holdout;
    QComboBox *m_mode;
    QLineEdit *m_eta;
    QComboBox *m_stepRule;
    QLabel *m_stepNote;
    QDoubleSpinBox *m_warmup;
    QSpinBox *m_warmupEpochs;
    QComboBox *m_scope;
    QSpinBox *m_batch;
    QSpinBox *m_limit;
    QCheckBox *m_resume;
    QDialogButtonBox *m_buttons;
    int64_t m_resumeRunId = 0;
    RunSettings m_resumeSettings;
    bool m_modelOk = false;
    bool m_choosing = false; // the model was picked with File…/Folder… just now
    QFutureWatcher<ModelCheck> m_check;
};

} // namespace ost::ui
