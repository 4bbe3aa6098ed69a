#include "core/ost/PoolSplit.h"

#include <QtTest>

#include <cmath>
#include <set>

class TstShardSplit : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void heldOutIsStratifiedAndNotScored()
    {
        std::vector<std::string> ids;
        for (int i = 0; i < 100; ++i)
            ids.push_back((i < 20 ? "gold/" : "modelA/") + std::to_string(i));
        ost::RunSettings s;
        s.referenceHoldout = 0.1;
        const auto split = ost::splitPool(ids, s, false);
        QCOMPARE(split.reference.size(), size_t(10));
        int gold = 0;
        for (auto i : split.reference)
            gold += ids[i].rfind("gold/", 0) == 0 ? 1 : 0;
        QCOMPARE(gold, 2); // 20% of the pool is gold -> 2 of 10
        std::set<int64_t> scored(split.scoring.begin(), split.scoring.end());
        for (auto i : split.reference)
            QVERIFY(!scored.count(i));
        QCOMPARE(split.scoring.size(), size_t(90));
        QCOMPARE(split.warmup.size(), size_t(std::llround(0.05 * 90))); // 5% of the 90 left
        for (auto i : split.warmup)
            QVERIFY(scored.count(i)); // warm-up samples are still scored
    }
    void shardsPartitionTheCandidates()
    {
        std::vector<std::string> ids;
        for (int i = 0; i < 37; ++i)
            ids.push_back("s" + std::to_string(i));
        ost::RunSettings s;
        s.referencePath = "ref.jsonl";
        const auto whole = ost::splitPool(ids, s, true);
        QCOMPARE(whole.scoring.size(), size_t(37));
        std::multiset<int64_t> all;
        for (int k = 0; k < 3; ++k) {
            s.shardIndex = k;
            s.shardCount = 3;
            const auto part = ost::splitPool(ids, s, true);
            QCOMPARE(part.warmup, whole.warmup); // every shard warms up identically
            all.insert(part.scoring.begin(), part.scoring.end());
        }
        QCOMPARE(all.size(), size_t(37));
        QCOMPARE(std::set<int64_t>(all.begin(), all.end()).size(), size_t(37));
    }
    void limitAndSeed()
    {
        std::vector<std::string> ids;
        for (int i = 0; i < 50; ++i)
            ids.push_back("x" + std::to_string(i));
        ost::RunSettings s;
        s.limit = 20;
        s.warmupFraction = 0.5;
        const auto a = ost::splitPool(ids, s, false);
        for (auto i : a.scoring)
            QVERIFY(i < 20);
        s.seed = 5;
        const auto b = ost::splitPool(ids, s, false);
        QVERIFY(a.warmup != b.warmup || a.reference != b.reference);
        QCOMPARE(ost::splitPool(ids, s, false).warmup, b.warmup);
    }
};

QTEST_GUILESS_MAIN(TstShardSplit)
#include "tst_shardsplit.moc"
