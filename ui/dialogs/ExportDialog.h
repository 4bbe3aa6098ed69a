#pragma once
// Export of the kept subset: policy (top-k, top-%, threshold, minus dropped, plus kept), optionally
// ranked within each group (source, id prefix/suffix, a record field), format, image handling and
// output path, with a live preview of how many samples, groups and which utility range the policy
// keeps. Selection and writing run on worker threads; the manifest lands beside the output.
#include "core/data/ExportPolicy.h"
#include "core/data/Exporter.h"

#include <QDialog>
#include <QFutureWatcher>

#include <memory>
#include <optional>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QSpinBox;
class QStackedWidget;
class QTimer;

namespace ost::ui {

class ProjectSession;

struct ExportPreview {
    ExportSelection selection;
    double minKept = 0, maxKept = 0; // utility range among the chosen samples that have one
    int64_t withUtility = 0;
    std::optional<SampleGroups> groups; // the grouping these counts are for
};

class ExportDialog : public QDialog {
    Q_OBJECT
public:
    explicit ExportDialog(ProjectSession *session, QWidget *parent = nullptr);
    ~ExportDialog() override;

    void setPolicy(const ExportPolicy &policy, bool minusDropped = true, bool plusKept = true);
    ExportPolicy policy() const;
    void setFormat(ExportFormat format);
    void setCopyImages(bool copy);
    // Also write every sample left out (and every unreadable line) with why, beside the output.
    void setWriteDropped(bool write);
    void setOutputPath(const QString &path);
    // Says where the policy comes from (the run shown and the histogram's cut); "" hides it.
    void setOrigin(const QString &text);
    QString outputPath() const;
    QString previewText() const;
    // Why the "rank within each" entry cannot be used (a field name SampleGroups::parse refuses),
    // or "" when it can or does not apply.
    QString groupingError() const;
    // The grouping of the last export started from this dialog (QSettings), so that a curator who
    // ranks within each source gets that again next time; nullopt for the whole dataset.
    static std::optional<SampleGroups> lastGrouping();
    bool isPreviewReady() const { return m_previewReady; }

    void startExport();

Q_SIGNALS:
    void previewReady();
    void exportFinished(bool ok, const QString &message);

private:
    void schedulePreview();
    void computePreview();
    std::map<std::string, KeepDecision> decisionsForPolicy() const;
    std::map<std::string, double> utilities() const;
    QString defaultOutputPath(ExportFormat format) const;
    QString groupSpec() const; // "" for the whole dataset
    bool groupingApplies() const;
    void updateGrouping();
    void updateExportEnabled();

    ProjectSession *m_session;
    QComboBox *m_mode;
    QStackedWidget *m_param;
    QSpinBox *m_topK;
    QDoubleSpinBox *m_topPercent;
    QLineEdit *m_threshold;
    QComboBox *m_groupBy;
    QLineEdit *m_groupField;
    QLabel *m_groupError;
    QLabel *m_origin;
    QCheckBox *m_minusDropped;
    QCheckBox *m_plusKept;
    QCheckBox *m_writeDropped;
    QComboBox *m_format;
    QComboBox *m_images;
    QLineEdit *m_output;
    QLabel *m_preview;
    QLabel *m_manifest;
    QProgressBar *m_progress;
    QDialogButtonBox *m_buttons;
    QTimer *m_previewTimer;
    QFutureWatcher<ExportPreview> m_previewWatcher;
    QFutureWatcher<Result<ExportReport>> m_exportWatcher;
    bool m_previewReady = false;
    bool m_outputEdited = false;
    std::shared_ptr<QString> m_droppedMessage; // from the export's worker: what the dropped subset holds
    QString m_exportGrouping; // remembered as lastGrouping() once that export has succeeded
    bool m_groupsMissing = false; // the preview found no ranked sample with a value for the grouping
};

} // namespace ost::ui
