#include "core/ost/RunSettings.h"

#include <QtTest>

class TstRunSettings : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void pretrainedProxyFiles()
    {
        QVERIFY(ost::isPretrainedProxyFile("/models/SmolLM2-135M-Instruct.Q4_1.gguf"));
        QVERIFY(!ost::isPretrainedProxyFile("builtin-tiny"));
        QVERIFY(!ost::isPretrainedProxyFile("/models/qwen2-vl"));
        QVERIFY(!ost::isPretrainedProxyFile(".gguf"));
        QCOMPARE(std::string(ost::kPretrainedScope), std::string("last:4"));
    }

    // What ostc score, bench pool and the scoring dialog start from: a .gguf proxy gets the last 4
    // blocks, no warm-up and a fine-tuning warm-up rate; anything else RunSettings{}'s values.
    void defaultsPerProxy()
    {
        const ost::RunSettings plain;
        const ost::RunSettings tiny = ost::defaultSettingsFor("builtin-tiny");
        QCOMPARE(tiny.proxy, std::string("builtin-tiny"));
        QCOMPARE(tiny.parameterScope, plain.parameterScope);
        QCOMPARE(tiny.warmupFraction, plain.warmupFraction);
        QCOMPARE(tiny.warmupLearningRate, plain.warmupLearningRate);
        const ost::RunSettings gguf = ost::defaultSettingsFor("/m/SmolLM2-135M-Instruct.Q4_1.gguf");
        QCOMPARE(gguf.parameterScope, std::string("last:4"));
        QCOMPARE(gguf.warmupFraction, 0.0);
        QCOMPARE(gguf.warmupLearningRate, 1e-5);
        QVERIFY(gguf.warmupLearningRate < plain.warmupLearningRate);
    }

    void roundTrip()
    {
        ost::RunSettings s;
        s.mode = ost::ScoringMode::Fast;
        s.learningRate = 0.25;
        s.parameterScope = "last:2";
        s.baselines = {"loss", "random"};
        s.seed = 77;
        s.shardIndex = 3;
        s.shardCount = 8;
        auto back = ost::RunSettings::fromJson(s.toJson());
        QVERIFY(back.ok());
        QCOMPARE(back->toJson(), s.toJson());
        QVERIFY(back->mode == ost::ScoringMode::Fast);
        QCOMPARE(back->seed, uint64_t(77));
    }
    void missingKeysKeepDefaults()
    {
        auto s = ost::RunSettings::fromJson(R"({"proxy":"x"})");
        QVERIFY(s.ok());
        QCOMPARE(QString::fromStdString(s->proxy), QStringLiteral("x"));
        QCOMPARE(s->batchSize, int64_t(8));
    }
    void badInputIsAnError()
    {
        QVERIFY(!ost::RunSettings::fromJson("{").ok());
        QVERIFY(!ost::RunSettings::fromJson(R"({"mode":"slow"})").ok());
        auto wrongType = ost::RunSettings::fromJson(R"({"batchSize":"eight"})");
        QVERIFY(!wrongType.ok());
        QVERIFY(wrongType.error().message.find("type") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TstRunSettings)
#include "tst_runsettings.moc"
