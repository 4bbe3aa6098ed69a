#include "core/ost/Metrics.h"

#include <QtTest>

#include <cmath>

class TstMetrics : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void aucPerfectAndInverted()
    {
        QCOMPARE(ost::rocAuc({0.1, 0.2, 0.8, 0.9}, {false, false, true, true}), 1.0);
        QCOMPARE(ost::rocAuc({0.1, 0.2, 0.8, 0.9}, {true, true, false, false}), 0.0);
    }
    void aucByHand()
    {
        // positives {0.5, 0.9}, negatives {0.1, 0.5, 0.7}: pairs won: 0.5>0.1, 0.5=0.5 (half),
        // 0.9 beats all three -> (1 + 0.5 + 3) / 6 = 0.75
        QCOMPARE(ost::rocAuc({0.5, 0.9, 0.1, 0.5, 0.7}, {true, true, false, false, false}), 0.75);
    }
    void aucAllTiedIsHalf() { QCOMPARE(ost::rocAuc({1, 1, 1, 1}, {true, false, true, false}), 0.5); }
    void aucOneClassIsNaN() { QVERIFY(std::isnan(ost::rocAuc({1, 2}, {true, true}))); }
    void spearmanByHand()
    {
        QCOMPARE(ost::spearman({1, 2, 3, 4}, {10, 20, 30, 40}), 1.0);
        QCOMPARE(ost::spearman({1, 2, 3, 4}, {4, 3, 2, 1}), -1.0);
        // ranks a = 1,2,3; b = 1,3,2: 1 - 6*sum(d^2)/(n(n^2-1)) = 1 - 6*2/24 = 0.5
        QVERIFY(std::abs(ost::spearman({1, 2, 3}, {5, 9, 7}) - 0.5) < 1e-12);
        QVERIFY(std::isnan(ost::spearman({1, 1, 1}, {1, 2, 3})));
    }
    void ranksAverageTies()
    {
        const auto r = ost::averageRanks({3, 1, 3, 2});
        QCOMPARE(r, (std::vector<double>{3.5, 1, 3.5, 2}));
    }
    void precisionTop()
    {
        const std::vector<double> s = {0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.0};
        const std::vector<bool> y = {true, false, true, true, false, false, false, false, false, true};
        QCOMPARE(ost::precisionAtTop(s, y, 0.2), 0.5);  // top 2: yes, no
        QCOMPARE(ost::precisionAtTop(s, y, 0.5), 0.6);  // top 5: 3 of 5
        QCOMPARE(ost::precisionAtTop(s, y, 1.0), 0.4);
        QCOMPARE(ost::precisionAtTop({1, 2, 3}, {false, false, true}, 0.2), 1.0); // ceil: at least one
    }
};

QTEST_GUILESS_MAIN(TstMetrics)
#include "tst_metrics.moc"
