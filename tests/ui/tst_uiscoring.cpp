// A scoring run from the UI's controller on a tiny dataset with the built-in proxy: progress
// arrives on the UI thread, the session's scores fill in, and the table shows them.
#include "UiTestData.h"

#include "ui/dialogs/ScoringController.h"
#include "ui/models/SampleTableModel.h"
#include "ui/models/ThumbnailCache.h"
#include "ui/session/DatasetOpener.h"
#include "ui/session/ProjectSession.h"
#include "ui/widgets/ScoringStatusWidget.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace ost;
using namespace ost::ui;

class TestUiScoring : public QObject {
    Q_OBJECT
    static constexpr int N = 8;
    QTemporaryDir m_dir;

private Q_SLOTS:
    void scoresFillTheTable()
    {
        const QString path = uitest::writeDataset(m_dir.path(), N);
        OpenedProject p = openProject(path);
        QVERIFY2(p.error.isEmpty(), qPrintable(p.error));
        ProjectSession session(p.dataset, p.store, p.scores);
        QVERIFY(!session.scores().hasScores());
        ThumbnailCache thumbs(32);
        SampleTableModel model(&thumbs);
        model.setSession(&session);

        RunSettings settings;
        settings.proxy = "builtin-tiny";
        settings.referenceHoldout = 0.25; // 2 of 8 samples as V
        settings.warmupFraction = 0;
        settings.batchSize = 4;
        settings.baselines = {"loss"};

        ScoringController controller;
        QSignalSpy progress(&controller, &ScoringController::progress);
        QSignalSpy finished(&controller, &ScoringController::finished);
        controller.start(&session, settings, std::nullopt);
        QVERIFY(controller.isRunning());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 240000);
        const auto outcome = finished.front().at(0).value<ScoringOutcome>();
        QVERIFY2(outcome.error.isEmpty(), qPrintable(outcome.error));
        QVERIFY(outcome.runId > 0);
        QVERIFY(!progress.isEmpty());

        QTRY_VERIFY_WITH_TIMEOUT(session.scores().hasScores() && !session.isReloadingScores(), 10000);
        QCOMPARE(session.scores().runId, outcome.runId);
        int64_t scored = 0;
        for (int i = 0; i < N; ++i) {
            const double u = session.scores().utilityAt(i);
            if (!std::isnan(u)) {
                ++scored;
                QVERIFY(std::isfinite(u));
                QVERIFY(!model.index(i, SampleTableModel::ColUtility).data().toString().isEmpty());
                QVERIFY(model.index(i, SampleTableModel::ColRank).data().toLongLong() >= 1);
            }
        }
        QCOMPARE(scored, session.scores().scoredCount);
        QVERIFY(scored >= N - 2); // the held-out reference samples may be left unscored
    }

    // Item 4 (UI side): Cancel says "cancelling…" in the status bar at once, and later progress does
    // not overwrite it while the batch in flight finishes.
    void cancelIsAcknowledgedAtOnce()
    {
        QTemporaryDir dir;
        const QString path = uitest::writeDataset(dir.path(), N);
        OpenedProject p = openProject(path);
        QVERIFY2(p.error.isEmpty(), qPrintable(p.error));
        ProjectSession session(p.dataset, p.store, p.scores);
        RunSettings settings;
        settings.proxy = "builtin-tiny";
        settings.referenceHoldout = 0.25;
        settings.warmupFraction = 0;
        settings.batchSize = 1;
        ScoringController controller;
        ScoringStatusWidget status(&controller);
        QSignalSpy finished(&controller, &ScoringController::finished);
        controller.start(&session, settings, std::nullopt);
        QVERIFY(controller.isRunning());
        QVERIFY(status.text().contains(QStringLiteral("starting")));
        controller.cancel();
        QVERIFY2(status.text().contains(QStringLiteral("cancelling")), qPrintable(status.text()));
        QVERIFY(controller.isCancelling() || !controller.isRunning());
        QCoreApplication::processEvents(); // queued progress from the worker must not overwrite it
        if (controller.isRunning())
            QVERIFY2(status.text().contains(QStringLiteral("cancelling")), qPrintable(status.text()));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000);
        QVERIFY(finished.front().at(0).value<ScoringOutcome>().cancelled);
    }
};

QTEST_MAIN(TestUiScoring)
#include "tst_uiscoring.moc"
