// End to end with the real built-in tiny proxy (Qwen2-VL architecture) on a small generated image
// set: every pool sample gets OST and baseline scores, resume of a finished run does nothing, and
// the fast mode ranks like the exact one.
#include "core/data/Dataset.h"
#include "core/demo/SyntheticMathSet.h"
#include "core/jobs/ScoringJob.h"
#include "core/ost/Metrics.h"
#include "core/store/ProjectStore.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

class TstBuiltinEndToEnd : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void scoresAGeneratedSet()
    {
        QTemporaryDir dir;
        ost::SyntheticOptions so;
        so.count = 12;
        so.referenceCount = 3;
        so.heldoutCount = 2;
        so.seed = 3;
        auto set = ost::writeSyntheticMathSet(dir.path().toStdString(), so);
        QVERIFY2(set.ok(), set.ok() ? "" : set.error().message.c_str());
        auto pool = ost::Dataset::open(set->pool);
        QVERIFY(pool.ok());
        auto store = ost::ProjectStore::open(set->pool + ".ostproj").takeValue();

        ost::RunSettings s;
        s.referencePath = set->reference;
        s.warmupFraction = 0.25;
        s.batchSize = 4;
        s.maxTokens = 160;
        ost::CancelToken cancel;
        int progressCalls = 0;
        ost::ScoringJob job(*pool.value(), *store, s);
        auto run = job.run([&](const ost::Progress &) { ++progressCalls; }, cancel);
        QVERIFY2(run.ok(), run.ok() ? "" : run.error().message.c_str());
        QVERIFY(progressCalls > 0);
        const auto info = store->run(run.value());
        QCOMPARE(QString::fromStdString(info->status), QStringLiteral("done"));
        const auto exact = store->scoreMap(run.value(), "ost");
        QCOMPARE(int64_t(exact.size()), pool.value()->size());
        QCOMPARE(store->scoreCount(run.value(), "error"), int64_t(0));
        for (const char *m : {"loss", "ifd", "length", "random"})
            QCOMPARE(int64_t(store->scoreMap(run.value(), m).size()), pool.value()->size());
        for (const auto &[id, u] : exact)
            QVERIFY2(std::isfinite(u) && u != 0.0, id.c_str());

        // Resuming the finished run scores nothing new and changes nothing.
        auto again = ost::ScoringJob(*pool.value(), *store, s).run({}, cancel, run.value());
        QVERIFY(again.ok());
        QCOMPARE(store->scoreMap(run.value(), "ost"), exact);

        s.mode = ost::ScoringMode::Fast;
        s.baselines = {};
        auto fast = ost::ScoringJob(*pool.value(), *store, s).run({}, cancel);
        QVERIFY2(fast.ok(), fast.ok() ? "" : fast.error().message.c_str());
        const auto f = store->scoreMap(fast.value(), "ost-fast");
        std::vector<double> a, b;
        for (const auto &[id, u] : exact) {
            a.push_back(u);
            b.push_back(f.at(id));
        }
        const double rho = ost::spearman(a, b);
        qInfo("spearman(fast, exact) on builtin-tiny = %.3f", rho);
        QVERIFY2(rho > 0.8, qPrintable(QString::number(rho)));
    }
};

QTEST_GUILESS_MAIN(TstBuiltinEndToEnd)
#include "tst_builtin_e2e.moc"
