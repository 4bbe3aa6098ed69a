// Training a small model on a subset and grading it by multiple choice: what `ostc bench learning`,
// `ostc bench synthetic` and `ostc demo-proxy` rest on. Checks the learning curve's bookkeeping, that a
// saved model loads back as a proxy with the same losses, and the candidate answers.
#include "core/data/Dataset.h"
#include "core/demo/SyntheticMathSet.h"
#include "core/model/internal/VisionLanguageModel.h"
#include "core/ost/TargetTraining.h"
#include "core/ost/internal/Baselines.h"

#include <QtTest>

#include <cmath>
#include <map>

using namespace ost;

class TstTargetTraining : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::vector<Sample> m_train;
    std::vector<MultipleChoice> m_test;

private Q_SLOTS:
    void initTestCase()
    {
        SyntheticOptions o;
        o.count = 6;
        o.referenceCount = 0;
        o.heldoutCount = 3;
        o.wrongAnswerRate = 0;
        o.wrongImageRate = 0;
        auto set = writeSyntheticMathSet(m_dir.path().toStdString(), o);
        QVERIFY2(set.ok(), set ? "" : set.error().message.c_str());
        std::map<std::string, int> answers;
        for (const auto &r : set->records)
            answers[r.id] = r.trueAnswer;
        auto pool = Dataset::open(set->pool);
        auto heldout = Dataset::open(set->heldout);
        QVERIFY(pool.ok() && heldout.ok());
        for (int64_t i = 0; i < (*pool)->size(); ++i)
            m_train.push_back((*pool)->sample(i).takeValue());
        for (int64_t i = 0; i < (*heldout)->size(); ++i) {
            Sample s = (*heldout)->sample(i).takeValue();
            m_test.push_back(makeNumberChoice(s, answers.at(s.id), o.maxCount));
        }
    }

    void candidatesReplaceEveryStandaloneNumber()
    {
        Sample s;
        s.turns = {{"user", "How many?"}, {"assistant", "There are 3 of 13. The answer is 3."}};
        const MultipleChoice mc = makeNumberChoice(s, 3, 4);
        QCOMPARE(mc.candidates.size(), size_t(4));
        QCOMPARE(mc.correct, 2);
        QCOMPARE(mc.candidates[0], std::string("There are 1 of 13. The answer is 1."));
        QCOMPARE(mc.candidates[3], std::string("There are 4 of 13. The answer is 4."));
    }

    void curveHasAPointEveryNStepsAndTheFinalOne()
    {
        TargetTrainingOptions o;
        o.steps = 5;
        o.batchSize = 2;
        o.evaluateEvery = 2;
        std::vector<int64_t> seen;
        auto r = trainAndEvaluate(m_train, m_test, o, [&](const CurvePoint &p) { seen.push_back(p.step); });
        QVERIFY2(r.ok(), r ? "" : r.error().message.c_str());
        QCOMPARE(r->steps, int64_t(5));
        QCOMPARE(seen, (std::vector<int64_t>{2, 4, 5}));
        QCOMPARE(r->curve.size(), size_t(3));
        QCOMPARE(r->accuracy, r->curve.back().accuracy);
        for (const auto &p : r->curve) {
            QVERIFY(p.accuracy >= 0 && p.accuracy <= 1);
            QVERIFY(std::isfinite(p.trainLoss) && p.trainLoss > 0);
        }
        // 3 questions: accuracy is a multiple of 1/3.
        QVERIFY(std::abs(r->accuracy * 3 - std::round(r->accuracy * 3)) < 1e-9);
    }

    void savedModelLoadsBackWithTheSameLosses()
    {
        const std::string folder = (m_dir.path() + "/trained").toStdString();
        TargetTrainingOptions o;
        o.steps = 3;
        o.batchSize = 2;
        o.saveTo = folder;
        auto r = trainAndEvaluate(m_train, m_test, o);
        QVERIFY2(r.ok(), r ? "" : r.error().message.c_str());
        QVERIFY(r->curve.empty()); // no curve asked for

        auto trained = model::loadProxy(folder);
        auto fresh = model::loadProxy("builtin-tiny");
        QVERIFY2(trained.ok(), trained ? "" : trained.error().message.c_str());
        QVERIFY(fresh.ok());
        const auto encoded = trained->encoder->encode(m_train.front());
        QVERIFY(encoded.ok());
        const auto batch = model::collate({encoded.value()}, trained->encoder->padTokenId(), torch::kCPU);
        const double lossTrained = scoring::batchLosses(*trained->model, batch).front();
        const double lossFresh = scoring::batchLosses(*fresh->model, batch).front();
        QVERIFY2(lossTrained < lossFresh, qPrintable(QString("trained %1, fresh %2").arg(lossTrained).arg(lossFresh)));

        // Training again from the saved folder starts where it stopped, not from random weights.
        TargetTrainingOptions again = o;
        again.saveTo.clear();
        again.proxy = folder;
        again.steps = 1;
        again.evaluateEvery = 1;
        auto r2 = trainAndEvaluate(m_train, m_test, again);
        QVERIFY(r2.ok());
        QVERIFY(r2->curve.front().trainLoss < lossFresh);
    }

    void emptyTrainingSetIsAnError()
    {
        auto r = trainAndEvaluate({}, m_test, TargetTrainingOptions{});
        QVERIFY(!r.ok());
    }
};

QTEST_GUILESS_MAIN(TstTargetTraining)
#include "tst_target_training.moc"
