#pragma once
// Everything about the current sample: image (zoom/pan), the conversation, scores with ranks,
// validation problems, metadata, and the curator's decision, note and tags (saved to the store).
#include <QPointer>
#include <QWidget>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QComboBox;
class QTabWidget;
class QTextBrowser;
class QTimer;

namespace ost::ui {

class ImageView;
class ProjectSession;
class SampleTableModel;
class WhyPanel;

class DetailPane : public QWidget {
    Q_OBJECT
public:
    explicit DetailPane(SampleTableModel *model, QWidget *parent = nullptr);

    void showSample(int64_t index); // -1: nothing selected
    int64_t currentSample() const { return m_index; }
    ImageView *imageView() const { return m_image; }
    void setDecisionButtonsVisible(bool visible);
    QPlainTextEdit *noteEdit() const { return m_note; }
    void saveNotes(); // writes pending note/tag edits now
    WhyPanel *whyPanel() const { return m_why; }
    QTabWidget *tabs() const { return m_tabs; }

private:
    void refresh();
    void refreshHeader();
    void refreshDetails();
    QString checksHtml() const;
    void showImageAt(int which);
    ProjectSession *session() const;

    SampleTableModel *m_model;
    int64_t m_index = -1;
    QLabel *m_title;
    QLabel *m_badges;
    QWidget *m_decisionButtons;
    QPushButton *m_keep, *m_drop, *m_auto;
    ImageView *m_image;
    QWidget *m_imageBox;
    QComboBox *m_imageChoice;
    QTabWidget *m_tabs;
    QTextBrowser *m_conversation;
    QTextBrowser *m_details;
    WhyPanel *m_why;
    QPlainTextEdit *m_note;
    QLineEdit *m_tags;
    QTimer *m_noteTimer;
    bool m_noteDirty = false;
    bool m_loading = false;
};

} // namespace ost::ui
