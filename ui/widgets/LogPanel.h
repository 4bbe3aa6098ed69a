#pragma once
// Core's log lines in a dock. ost::log listeners run on any thread; LogBridge turns each line into
// a queued signal so the panel is only touched on the UI thread.
#include <QObject>
#include <QPlainTextEdit>

namespace ost::ui {

class LogBridge : public QObject {
    Q_OBJECT
public:
    // Registers one listener with ost::log for the whole process; the bridge is never destroyed
    // because the listener cannot be removed.
    static LogBridge *instance();

Q_SIGNALS:
    void message(int level, const QString &text);

private:
    LogBridge() = default;
};

class LogPanel : public QPlainTextEdit {
    Q_OBJECT
public:
    explicit LogPanel(QWidget *parent = nullptr);
    void append(int level, const QString &text);
};

} // namespace ost::ui
