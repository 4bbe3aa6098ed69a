#include "ui/widgets/LogPanel.h"

#include "core/common/Log.h"

#include <QDateTime>

namespace ost::ui {

LogBridge *LogBridge::instance()
{
    static LogBridge *bridge = [] {
        auto *b = new LogBridge;
        ost::log::init();
        ost::log::addListener([b](ost::log::Level level, const std::string &text) {
            Q_EMIT b->message(int(level), QString::fromStdString(text)); // queued by the connection
        });
        return b;
    }();
    return bridge;
}

LogPanel::LogPanel(QWidget *parent) : QPlainTextEdit(parent)
{
    setReadOnly(true);
    setMaximumBlockCount(5000);
    setFont(QFont(QStringLiteral("monospace")));
    setPlaceholderText(tr("Messages from opening, validation, scoring and export appear here."));
    connect(LogBridge::instance(), &LogBridge::message, this, &LogPanel::append, Qt::QueuedConnection);
}

void LogPanel::append(int level, const QString &text)
{
    static const char *names[] = {"trace", "debug", "info", "warn", "error"};
    const QString line = QStringLiteral("%1 [%2] %3")
                             .arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss")),
                                  QLatin1String(names[qBound(0, level, 4)]), text);
    appendPlainText(line);
}

} // namespace ost::ui

#include "moc_LogPanel.cpp"
