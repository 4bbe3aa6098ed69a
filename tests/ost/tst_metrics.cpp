#include "core/ost/Metrics.h"

#include <QtTest>

#include <numeric>

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
    // Only pairs inside a group count: a score that merely tracks the group (problem difficulty)
    // separates the pool but not the answers to one problem.
    void groupedAucByHand()
    {
        // Group 0: the correct answer scores higher; group 1: lower; group 2 has one class only.
        const std::vector<double> s = {0.9, 0.8, 0.1, 0.2, 0.5};
        const std::vector<bool> y = {true, false, true, false, true};
        const std::vector<int64_t> g = {0, 0, 1, 1, 2};
        QCOMPARE(ost::groupedRocAuc(s, y, g), 0.5);
        QCOMPARE(ost::groupedRocAuc({0.9, 0.1, 0.9, 0.1}, {true, false, true, false}, {0, 0, 1, 1}), 1.0);
        // Difficulty only: group 1 is easy (high scores), but within each group the order is wrong.
        const std::vector<double> d = {0.2, 0.3, 0.8, 0.9};
        const std::vector<bool> dy = {true, false, true, false};
        QCOMPARE(ost::rocAuc(d, dy), 0.25);
        QCOMPARE(ost::groupedRocAuc(d, dy, {0, 0, 1, 1}), 0.0);
        QVERIFY(std::isnan(ost::groupedRocAuc({1, 2}, {true, true}, {0, 1})));
        QCOMPARE(ost::groupedRocAuc({1, 1}, {true, false}, {0, 0}), 0.5);
    }
    void clusterBootstrapInterval()
    {
        // 40 problems, two answers each; the score separates them in 30 of the 40.
        std::vector<double> s;
        std::vector<bool> y;
        std::vector<int64_t> g;
        for (int p = 0; p < 40; ++p) {
            const bool right = p < 30;
            s.push_back(right ? 1.0 : 0.0), y.push_back(true), g.push_back(p);
            s.push_back(right ? 0.0 : 1.0), y.push_back(false), g.push_back(p);
        }
        auto stat = [&](const std::vector<size_t> &rows, const std::vector<int64_t> &drawOf) {
            std::vector<double> rs;
            std::vector<bool> ry;
            for (size_t r : rows)
                rs.push_back(s[r]), ry.push_back(y[r]);
            return ost::groupedRocAuc(rs, ry, drawOf);
        };
        std::vector<size_t> all(s.size());
        std::iota(all.begin(), all.end(), size_t(0));
        QCOMPARE(stat(all, g), 0.75);
        const ost::Interval i = ost::clusterBootstrap(g, 2000, 7, 0.95, stat);
        QVERIFY2(i.low < 0.75 && i.high > 0.75, qPrintable(QString("%1 %2").arg(i.low).arg(i.high)));
        // Binomial: sd = sqrt(0.75 * 0.25 / 40) = 0.068, so the 95 % interval is about 0.62 .. 0.88.
        QVERIFY2(i.low > 0.55 && i.low < 0.68 && i.high > 0.82 && i.high < 0.95,
                 qPrintable(QString("%1 %2").arg(i.low).arg(i.high)));
        const ost::Interval again = ost::clusterBootstrap(g, 2000, 7, 0.95, stat);
        QCOMPARE(again.low, i.low); // deterministic for a seed
        QVERIFY(std::isnan(ost::clusterBootstrap({}, 10, 1, 0.95, stat).low));
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
