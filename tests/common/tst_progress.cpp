#include "core/common/Progress.h"
#include "core/common/Result.h"

#include <QtTest>

#include <thread>

class TstProgress : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void etaFollowsRate()
    {
        ost::ProgressMeter meter(100);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        const ost::Progress p = meter.update(50);
        QVERIFY(p.ratePerSecond > 0);
        QVERIFY(p.etaSeconds > 0.0);
        QVERIFY(p.etaSeconds < 5.0); // 50 more items at the same rate as the first 50
    }
    void resumedWorkDoesNotInflateRate()
    {
        ost::ProgressMeter meter(1000, 900);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        const ost::Progress p = meter.update(910);
        QVERIFY(p.ratePerSecond < 10 / 0.02 * 1.01);
    }
    void durations()
    {
        QCOMPARE(QString::fromStdString(ost::formatDuration(59)), QStringLiteral("59s"));
        QCOMPARE(QString::fromStdString(ost::formatDuration(3725)), QStringLiteral("1h02m"));
        QCOMPARE(QString::fromStdString(ost::formatDuration(-1)), QStringLiteral("?"));
    }
    void resultCarriesError()
    {
        ost::Result<int> r = ost::Error{"bad sample x"};
        QVERIFY(!r.ok());
        QCOMPARE(QString::fromStdString(r.error().message), QStringLiteral("bad sample x"));
        ost::Result<int> v = 3;
        QCOMPARE(v.value(), 3);
    }
};

QTEST_GUILESS_MAIN(TstProgress)
#include "tst_progress.moc"
