#pragma once
// `ost-curator DATASET --screenshot FILE.png`: opens the dataset, waits until the table, the first
// thumbnails and the detail image are painted, grabs the main window (or a view or dialog) with
// QWidget::grab and reports. Used by tools/take-screenshots.sh and the UI tests.
#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QSize>
#include <QTimer>

class QWidget;

namespace ost::ui {

class MainWindow;

class ScreenshotTaker : public QObject {
    Q_OBJECT
public:
    enum class Target { Main, Review, Export, Scoring, Gallery };
    static bool parseTarget(const QString &name, Target &out); // main|review|export|scoring|gallery

    ScreenshotTaker(MainWindow *window, QString outPath, Target target, QSize size, QObject *parent = nullptr);
    void start(const QString &datasetPath);

Q_SIGNALS:
    void finished(bool ok, const QString &message);

private:
    void onOpened();
    void poll();
    bool ready() const;
    void capture();

    MainWindow *m_window;
    QString m_outPath;
    Target m_target;
    QSize m_size;
    QPointer<QWidget> m_dialog;
    QTimer m_poll;
    QElapsedTimer m_sinceOpen;
    bool m_opened = false;
    qint64 m_readySince = -1;
};

} // namespace ost::ui
