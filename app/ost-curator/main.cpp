// ost-curator: the desktop app. Argument parsing only; everything else lives in ui/.
#include "ui/MainWindow.h"
#include "ui/ScreenshotTaker.h"
#include "ui/widgets/LogPanel.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QRegularExpression>
#include <QTextStream>
#include <QTimer>

#include <cstdio>
#include <memory>

namespace {

// --help and --version print and exit before any window exists, so they work without a display
// (QApplication aborts when it cannot connect to one).
bool onlyPrints(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        const QByteArray a(argv[i]);
        if (a == "-h" || a == "--help" || a == "-?" || a == "--help-all" || a == "-v" || a == "--version")
            return true;
    }
    return false;
}

} // namespace

int main(int argc, char **argv)
{
    std::unique_ptr<QCoreApplication> appPtr;
    if (onlyPrints(argc, argv))
        appPtr = std::make_unique<QCoreApplication>(argc, argv);
    else
        appPtr = std::make_unique<QApplication>(argc, argv);
    QCoreApplication &app = *appPtr;
    QCoreApplication::setOrganizationName(QStringLiteral("OST Curator"));
    QCoreApplication::setApplicationName(QStringLiteral("OST Curator"));
    QCoreApplication::setApplicationVersion(QStringLiteral(OST_VERSION));
    if (qobject_cast<QApplication *>(&app))
        QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/ost-curator.svg")));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Rank multimodal SFT samples by one-step-train utility, "
                                                    "review harmful ones and export the kept subset."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("dataset"), QStringLiteral("A .jsonl or .json dataset to open"));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QStringLiteral("Open DATASET, save a PNG of the window to FILE and quit"),
                                        QStringLiteral("FILE"));
    const QCommandLineOption view(QStringLiteral("view"),
                                  QStringLiteral("What --screenshot captures: main, review, export, scoring, gallery"),
                                  QStringLiteral("VIEW"), QStringLiteral("main"));
    const QCommandLineOption size(QStringLiteral("size"), QStringLiteral("Window size for --screenshot, WxH"),
                                  QStringLiteral("WxH"), QStringLiteral("1280x800"));
    parser.addOptions({screenshot, view, size});
    parser.process(app);

    ost::ui::LogBridge::instance(); // route core's log lines to the log panel from the start
    const QStringList args = parser.positionalArguments();

    if (parser.isSet(screenshot)) {
        ost::ui::ScreenshotTaker::Target target;
        const QRegularExpressionMatch m =
            QRegularExpression(QStringLiteral("^(\\d+)x(\\d+)$")).match(parser.value(size));
        if (args.isEmpty() || !ost::ui::ScreenshotTaker::parseTarget(parser.value(view), target) || !m.hasMatch()) {
            std::fprintf(stderr, "usage: ost-curator DATASET --screenshot FILE.png "
                                 "[--view main|review|export|scoring|gallery] [--size 1280x800]\n");
            return 2;
        }
        // Screenshots use their own settings so that they do not depend on (or change) the user's.
        QApplication::setApplicationName(QStringLiteral("OST Curator Screenshots"));
        ost::ui::MainWindow window;
        ost::ui::ScreenshotTaker taker(&window, parser.value(screenshot), target,
                                       QSize(m.captured(1).toInt(), m.captured(2).toInt()));
        int rc = 0;
        QObject::connect(&taker, &ost::ui::ScreenshotTaker::finished, &app, [&](bool ok, const QString &message) {
            QTextStream(ok ? stdout : stderr) << message << Qt::endl;
            rc = ok ? 0 : 1;
            app.exit(rc);
        });
        taker.start(args.front());
        app.exec();
        return rc;
    }

    ost::ui::MainWindow window;
    window.show();
    if (!args.isEmpty())
        QTimer::singleShot(0, &window, [&] { window.openDataset(args.front()); });
    // An exception escaping the event loop would abort without a word; say what it was instead.
    try {
        return app.exec();
    } catch (const std::exception &e) {
        std::fprintf(stderr, "ost-curator: internal error: %s\n", e.what());
    } catch (...) {
        std::fprintf(stderr, "ost-curator: internal error (unknown exception)\n");
    }
    return 1;
}
