// The real MATH-V pool from ../shared: 15,360 samples open cleanly (images resolved, not decoded).
#include "core/data/Dataset.h"

#include <QtTest>

#include <cstdlib>
#include <filesystem>

using namespace ost;

class TstMathvDataset : public QObject {
    Q_OBJECT

    std::string poolPath() const
    {
        if (const char *env = std::getenv("OST_SHARED_DIR"))
            return std::string(env) + "/data/mathv/pool.jsonl";
        return OST_SHARED_DIR "/data/mathv/pool.jsonl";
    }

private Q_SLOTS:
    void poolOpensWithAllSamples()
    {
        if (!std::filesystem::exists(poolPath()))
            QSKIP("../shared/data/mathv/pool.jsonl is absent (set OST_SHARED_DIR to point at shared/)");
        auto r = Dataset::open(poolPath());
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        const Dataset &ds = *r.value();
        QCOMPARE(ds.format(), DatasetFormat::MessagesJsonl);
        QCOMPARE(ds.size(), int64_t(15360));
        QVERIFY(ds.indexIssues().empty());
        auto s = ds.sample(0);
        QVERIFY(s.ok());
        QCOMPARE(s->images.size(), size_t(1));
        QVERIFY(!s->resolvedImages[0].empty());
        QVERIFY(!s->question().empty());
        QVERIFY(!s->answer().empty());
        QCOMPARE(ds.indexOf(s->id), int64_t(0));

        DatasetOptions noDecode;
        noDecode.checkImages = false;
        const auto issues = validateDataset(ds, noDecode);
        for (size_t i = 0; i < std::min<size_t>(issues.size(), 5); ++i)
            qWarning("%s line %lld: %s", issues[i].sampleId.c_str(), static_cast<long long>(issues[i].line),
                     issues[i].message.c_str());
        int errors = 0;
        for (const auto &v : issues)
            errors += v.severity == ValidationIssue::Severity::Error;
        QCOMPARE(errors, 0);
    }
};

QTEST_GUILESS_MAIN(TstMathvDataset)
#include "tst_mathv_dataset.moc"
