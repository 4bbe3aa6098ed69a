// The scoring job end to end on the toy proxy: rows per method, failures recorded, resume after
// cancel and after SIGKILL, shard + merge equal to one run, out-of-memory back-off, pause.
#include "../ost/ToyModel.h"
#include "MemoryDataset.h"

#include "core/jobs/ScoringJob.h"
#include "core/jobs/ShardMerge.h"
#include "core/jobs/internal/JobHooks.h"
#include "core/ost/Attribution.h"
#include "core/ost/PoolSplit.h"
#include "core/ost/internal/ParameterScope.h"
#include "core/ost/internal/ProxyTrainer.h"

#include <QTemporaryDir>
#include <nlohmann/json.hpp>
#include <QtTest>

#include <csignal>
#include <set>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace ost;
using namespace ost::testing;

namespace {

std::vector<Sample> pool(int n)
{
    const char *answers[] = {"4 because two and two", "zzzz qqq", "4, so the answer is 4", "xyzzy",
                             "9 obviously", "it is four: 4", "no idea at all", "44444", "the answer: 4"};
    std::vector<Sample> out;
    for (int i = 0; i < n; ++i) {
        const std::string src = i % 4 == 0 ? "gold/" : "model/";
        out.push_back(toySample(src + std::to_string(i), "what is " + std::to_string(i % 5) + "+4?",
                                std::string(answers[i % 9]) + std::string(i / 9, '!')));
    }
    out[7] = toySample("model/7", "what is 2+4?", "FAIL: image missing");
    out[11].turns.clear(); // unreadable record
    return out;
}

std::shared_ptr<JobHooks> toyHooks()
{
    auto h = std::make_shared<JobHooks>();
    h->loadProxy = [](const std::string &, const model::ProxyOptions &o) -> Result<model::LoadedProxy> {
        model::LoadedProxy p;
        p.model = std::make_shared<ToyModel>(o.seed + 1);
        p.encoder = std::make_shared<ToyEncoder>();
        p.description = "toy";
        return p;
    };
    h->collate = [](const std::vector<model::EncodedSample> &s, int64_t pad, const torch::Device &) {
        return toyCollate(s, pad);
    };
    return h;
}

RunSettings settings()
{
    RunSettings s;
    s.referenceHoldout = 0.1;
    s.warmupFraction = 0.2;
    s.warmupLearningRate = 1e-2;
    s.batchSize = 4;
    s.learningRate = 0.05;
    return s;
}

using ScoreTable = std::map<std::string, std::map<std::string, double>>; // method -> id -> value

ScoreTable table(const ProjectStore &store, int64_t run)
{
    ScoreTable t;
    for (const auto &row : store.scores(run))
        t[row.method][row.sampleId] = row.value;
    return t;
}

void compareTables(const ScoreTable &a, const ScoreTable &b, double tolerance)
{
    QCOMPARE(a.size(), b.size());
    for (const auto &[method, values] : a) {
        QVERIFY2(b.count(method), method.c_str());
        QCOMPARE(values.size(), b.at(method).size());
        for (const auto &[id, v] : values) {
            QVERIFY2(b.at(method).count(id), id.c_str());
            const double w = b.at(method).at(id);
            QVERIFY2(std::abs(v - w) <= tolerance * std::max(1.0, std::abs(v)) || (std::isnan(v) && std::isnan(w)),
                     qPrintable(QString("%1 %2: %3 vs %4").arg(method.c_str(), id.c_str()).arg(v).arg(w)));
        }
    }
}

// Ids the job should score (pool minus the held-out V), and which of them cannot be scored.
std::set<std::string> candidateIds(const RunSettings &s)
{
    const auto samples = pool(30);
    std::vector<std::string> ids;
    for (const auto &x : samples)
        ids.push_back(x.id);
    std::set<std::string> out;
    for (auto i : splitPool(ids, s, false).scoring)
        out.insert(ids[i]);
    return out;
}

std::set<std::string> keysOf(const std::map<std::string, double> &m)
{
    std::set<std::string> out;
    for (const auto &[k, v] : m)
        out.insert(k);
    return out;
}

struct Fixture {
    QTemporaryDir dir;
    MemoryDataset dataset{pool(30)};
    std::unique_ptr<ProjectStore> open(const std::string &name)
    {
        return ProjectStore::open(dir.filePath(QString::fromStdString(name)).toStdString()).takeValue();
    }
    Result<int64_t> score(ProjectStore &store, RunSettings s, std::shared_ptr<JobHooks> hooks = toyHooks(),
                          std::optional<int64_t> resume = std::nullopt, CancelToken *token = nullptr)
    {
        ScoringJob job(dataset, store, s);
        job.setHooks(hooks);
        CancelToken own;
        return job.run({}, token ? *token : own, resume);
    }
    // A run with settings() cancelled once `batches` batches are stored.
    Result<int64_t> scoreThenCancel(ProjectStore &store, int64_t batches)
    {
        CancelToken token;
        auto hooks = toyHooks();
        hooks->afterBatch = [&](int64_t stored) {
            if (stored == batches)
                token.cancel();
        };
        return score(store, settings(), hooks, std::nullopt, &token);
    }
};

} // namespace

class TstScoringJob : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { torch::set_num_threads(1); }

    // First, before torch has started any thread pool in this process (fork-safety).
    void resumeAfterSigkillLosesOnlyTheBatchInFlight()
    {
        Fixture f;
        const std::string path = f.dir.filePath("killed.ostproj").toStdString();
        const pid_t child = fork();
        if (child == 0) {
            auto store = ProjectStore::open(path).takeValue();
            auto hooks = toyHooks();
            int chunks = 0;
            hooks->beforeChunk = [&](int64_t) {
                if (++chunks == 3)
                    ::kill(::getpid(), SIGKILL); // mid-batch 3: batches 1 and 2 are stored
            };
            f.score(*store, settings(), hooks);
            ::_exit(0);
        }
        int status = 0;
        QCOMPARE(::waitpid(child, &status, 0), child);
        QVERIFY(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

        auto store = ProjectStore::open(path).takeValue();
        const auto run = store->latestRun();
        QVERIFY(run);
        QCOMPARE(QString::fromStdString(run->status), QStringLiteral("running"));
        const int64_t stored = store->scoreCount(run->id, "ost");
        QVERIFY2(stored >= 6 && stored <= 8, qPrintable(QString::number(stored))); // two batches of 4
        auto resumed = f.score(*store, settings(), toyHooks(), run->id);
        QVERIFY2(resumed.ok(), resumed.ok() ? "" : resumed.error().message.c_str());
        QCOMPARE(QString::fromStdString(store->run(run->id)->status), QStringLiteral("done"));

        auto fresh = f.open("fresh.ostproj");
        auto uninterrupted = f.score(*fresh, settings());
        QVERIFY(uninterrupted.ok());
        compareTables(table(*store, run->id), table(*fresh, uninterrupted.value()), 0.0);
    }

    void scoresEveryMethodAndRecordsFailures()
    {
        Fixture f;
        auto store = f.open("a.ostproj");
        auto run = f.score(*store, settings());
        QVERIFY2(run.ok(), run.ok() ? "" : run.error().message.c_str());
        const auto t = table(*store, run.value());
        // 30 records, 10% held out as V, every other one scored or recorded as failed.
        const auto candidates = candidateIds(settings());
        QCOMPARE(candidates.size(), size_t(27));
        std::set<std::string> all = keysOf(t.at("ost"));
        for (const auto &id : keysOf(t.at("error")))
            QVERIFY(all.insert(id).second);
        QCOMPARE(all, candidates);
        std::set<std::string> failing;
        for (const char *id : {"model/7", "model/11"})
            if (candidates.count(id))
                failing.insert(id);
        QCOMPARE(keysOf(t.at("error")), failing);
        for (const char *m : {"loss", "ifd", "length", "random"})
            QCOMPARE(t.at(m).size(), t.at("ost").size());
        const auto errors = store->blob(ScoringJob::errorsBlobKey(run.value()));
        QVERIFY(errors && errors->find(failing.count("model/7") ? "missing" : "JSON") != std::string::npos);
        QVERIFY(store->tags(*failing.begin()) == std::vector<std::string>{"scoring-error"});
        const auto timings = store->blob(ScoringJob::timingsBlobKey(run.value()));
        QVERIFY(timings && timings->find("\"ost\"") != std::string::npos);
        const auto info = store->run(run.value());
        QCOMPARE(QString::fromStdString(info->status), QStringLiteral("done"));
        QCOMPARE(info->scoredCount, int64_t(t.at("ost").size()));
        bool anyNegative = false, anyPositive = false;
        for (const auto &[id, u] : t.at("ost")) {
            anyNegative |= u < 0;
            anyPositive |= u > 0;
        }
        QVERIFY(anyPositive);
        QVERIFY(anyNegative || anyPositive);

        // The same settings again (a new run) reuse the warm-up checkpoint and give the same scores.
        auto again = f.score(*store, settings());
        QVERIFY(again.ok());
        QVERIFY(again.value() != run.value());
        compareTables(table(*store, again.value()), t, 0.0);
    }

    void cancelThenResumeEqualsOneRun()
    {
        Fixture f;
        auto store = f.open("c.ostproj");
        auto first = f.scoreThenCancel(*store, 2);
        QVERIFY(first.ok());
        QCOMPARE(QString::fromStdString(store->run(first.value())->status), QStringLiteral("cancelled"));
        const int64_t stored = store->scoreCount(first.value(), "ost") + store->scoreCount(first.value(), "error");
        QVERIFY2(stored == 8 || stored == 9, qPrintable(QString::number(stored))); // + an unreadable record
        auto second = f.score(*store, settings(), toyHooks(), first.value());
        QVERIFY(second.ok());
        QCOMPARE(second.value(), first.value());
        auto fresh = f.open("c2.ostproj");
        auto whole = f.score(*fresh, settings());
        compareTables(table(*store, first.value()), table(*fresh, whole.value()), 0.0);
    }

    // Several devices, one worker each (on a GPU box "cuda" or "cuda:0,cuda:1"; here the CPU twice):
    // the workers share the candidates and every score equals the one-worker run's.
    void twoWorkersScoreLikeOne()
    {
        Fixture f;
        auto one = f.open("one.ostproj");
        auto single = f.score(*one, settings());
        QVERIFY(single.ok());
        RunSettings two = settings();
        two.device = "cpu,cpu";
        auto both = f.open("two.ostproj");
        auto run = f.score(*both, two);
        QVERIFY2(run.ok(), run.ok() ? "" : run.error().message.c_str());
        QCOMPARE(QString::fromStdString(both->run(run.value())->status), QStringLiteral("done"));
        const auto timing = nlohmann::json::parse(*both->blob(ScoringJob::timingsBlobKey(run.value())));
        QCOMPARE(timing["workers"].get<int>(), 2);
        compareTables(table(*both, run.value()), table(*one, single.value()), 1e-12);

        two.device = "cpu,gpu"; // a name torch does not know: the run fails with it, nothing crashes
        auto bad = f.score(*f.open("bad.ostproj"), two);
        QVERIFY(!bad.ok());
        QVERIFY2(bad.error().message.find("'gpu'") != std::string::npos, bad.error().message.c_str());
    }

    // A resume subtracts from the L_V(θ) stored when the run started, not a recomputed one: shift
    // the stored value by 1 and exactly the samples scored after the resume move by 1.
    void resumeReusesTheStoredReferenceLoss()
    {
        Fixture f;
        auto store = f.open("lv.ostproj");
        auto first = f.scoreThenCancel(*store, 2);
        QVERIFY(first.ok());
        const auto before = store->scoreMap(first.value(), "ost");
        const auto key = ScoringJob::referenceLossBlobKey(first.value());
        const auto text = store->blob(key);
        QVERIFY2(text, "L_V(theta) was not stored with the run");
        const double lv = std::stod(*text);
        store->putBlob(key, QString::number(lv + 1.0, 'g', 17).toStdString());

        auto second = f.score(*store, settings(), toyHooks(), first.value());
        QVERIFY(second.ok());
        auto fresh = f.open("lv2.ostproj");
        auto whole = f.score(*fresh, settings());
        QVERIFY(whole.ok());
        const auto oneRun = fresh->scoreMap(whole.value(), "ost");
        const auto resumed = store->scoreMap(first.value(), "ost");
        QCOMPARE(resumed.size(), oneRun.size());
        int shifted = 0;
        for (const auto &[id, u] : resumed) {
            const double expected = oneRun.at(id) + (before.count(id) ? 0.0 : 1.0);
            QVERIFY2(std::abs(u - expected) < 1e-6, qPrintable(QString::fromStdString(id)));
            shifted += before.count(id) ? 0 : 1;
        }
        QVERIFY(shifted > 0);
    }

    void shardsMergeToTheUnshardedScores()
    {
        Fixture f;
        auto whole = f.open("whole.ostproj");
        auto wholeRun = f.score(*whole, settings());
        QVERIFY(wholeRun.ok());
        std::vector<std::string> paths;
        for (int k = 0; k < 3; ++k) {
            RunSettings s = settings();
            s.shardIndex = k;
            s.shardCount = 3;
            paths.push_back(f.dir.filePath(QString("shard-%1.ostproj").arg(k)).toStdString());
            auto shard = ProjectStore::open(paths.back()).takeValue();
            QVERIFY(f.score(*shard, s).ok());
        }
        auto merged = f.open("merged.ostproj");
        auto report = mergeShardStores(*merged, paths);
        QVERIFY2(report.ok(), report.ok() ? "" : report.error().message.c_str());
        QVERIFY(report->warnings.empty());
        QCOMPARE(report->runs, int64_t(1));
        const auto run = merged->latestRun();
        QCOMPARE(QString::fromStdString(run->status), QStringLiteral("done"));
        QCOMPARE(run->settingsJson, whole->run(wholeRun.value())->settingsJson);
        // OST is per sample, so exact; batched baselines may differ in the last bits of a matmul.
        compareTables(table(*merged, run->id), table(*whole, wholeRun.value()), 1e-6);
        QCOMPARE(table(*merged, run->id).at("ost"), table(*whole, wholeRun.value()).at("ost"));
        // The shards' per-reference attribution comes along (issue 12), equal to the unsharded run's.
        const auto mergedAttribution = loadRunAttributions(*merged, run->id).takeValue();
        const auto wholeAttribution = loadRunAttributions(*whole, wholeRun.value()).takeValue();
        QVERIFY(mergedAttribution && wholeAttribution);
        QCOMPARE(mergedAttribution->referenceIds, wholeAttribution->referenceIds);
        QCOMPARE(mergedAttribution->deltas, wholeAttribution->deltas);

        auto partial = f.open("partial.ostproj");
        auto missing = mergeShardStores(*partial, {paths[0], paths[2]});
        QVERIFY(missing.ok());
        QCOMPARE(missing->warnings.size(), size_t(1));
        QVERIFY(missing->warnings.front().find("shard 1/3 is missing") != std::string::npos);
    }

    void outOfMemoryHalvesTheBatch()
    {
        Fixture f;
        auto store = f.open("oom.ostproj");
        auto hooks = toyHooks();
        std::vector<int64_t> sizes;
        int throwsLeft = 2;
        hooks->beforeChunk = [&](int64_t n) {
            sizes.push_back(n);
            if (throwsLeft > 0) {
                --throwsLeft;
                throw std::runtime_error("CUDA out of memory. Tried to allocate 2.00 GiB");
            }
        };
        auto run = f.score(*store, settings(), hooks);
        QVERIFY2(run.ok(), run.ok() ? "" : run.error().message.c_str());
        QCOMPARE(sizes[0], int64_t(4));
        QCOMPARE(sizes[1], int64_t(2));
        QCOMPARE(sizes[2], int64_t(1));
        QCOMPARE(sizes.back(), int64_t(1)); // stays small for the rest of the run
        auto plain = f.open("plain.ostproj");
        auto reference = f.score(*plain, settings());
        QCOMPARE(table(*store, run.value()).at("ost"), table(*plain, reference.value()).at("ost"));

        // Any other error fails the job with a message naming the batch.
        auto broken = toyHooks();
        broken->beforeChunk = [](int64_t) { throw std::runtime_error("shape mismatch"); };
        auto other = f.open("other.ostproj");
        auto failed = f.score(*other, settings(), broken);
        QVERIFY(!failed.ok());
        QVERIFY(failed.error().message.find("shape mismatch") != std::string::npos);
        QCOMPARE(QString::fromStdString(other->latestRun()->status), QStringLiteral("failed"));
    }

    // A nearly full GPU can fail on V, before any candidate: V is collated again in halves.
    // Every pass over V reports its own count (V's samples, not the pool's), and Cancel stops a
    // long pass within it: the run is "cancelled", not "failed" (the bar said "reference loss 0/200"
    // for minutes, and Cancel waited for the whole phase).
    void referencePhasesReportAndCancel()
    {
        Fixture f;
        RunSettings s = settings();
        s.warmupFraction = 0;
        s.batchSize = 1; // V in batches of one: several progress reports per pass
        s.mode = ScoringMode::Fast;
        s.parameterScope = "last:1";
        auto store = f.open("phases.ostproj");
        ScoringJob job(f.dataset, *store, s);
        job.setHooks(toyHooks());
        CancelToken token;
        std::vector<Progress> seen;
        auto run = job.run(
            [&](const Progress &p) {
                seen.push_back(p);
                if (p.message == "reference set: ∇L_V" && p.done == 2)
                    token.cancel();
            },
            token);
        QVERIFY2(run.ok(), run.ok() ? "" : run.error().message.c_str());
        QCOMPARE(QString::fromStdString(store->run(run.value())->status), QStringLiteral("cancelled"));
        std::set<std::string> phases;
        int64_t vSize = 0, lastGradient = -1;
        for (const auto &p : seen)
            if (p.message.rfind("reference set: ", 0) == 0) {
                phases.insert(p.message);
                vSize = p.total;
                if (p.message == "reference set: ∇L_V")
                    lastGradient = p.done;
            }
        QVERIFY(phases.count("reference set: V: hidden states below the step"));
        QVERIFY(phases.count("reference set: L_V(θ)"));
        QVERIFY(phases.count("reference set: ∇L_V"));
        QCOMPARE(vSize, int64_t(3)); // 10 % of the 30 pool samples, not the 27 to score
        QCOMPARE(lastGradient, int64_t(2)); // stopped within the pass
        QCOMPARE(store->scoreCount(run.value(), "ost-fast"), int64_t(0));
    }

    // Every phase of a run reports, in order, so the bar never sits on the previous phase's text:
    // reading, loading the proxy, warm-up (with a rate), the passes over V, scoring.
    void everyPhaseReportsInOrder()
    {
        Fixture f;
        RunSettings s = settings();
        s.warmupFraction = 0.2;
        auto store = f.open("order.ostproj");
        ScoringJob job(f.dataset, *store, s);
        job.setHooks(toyHooks());
        CancelToken token;
        std::vector<std::string> order;
        bool warmupRate = false;
        auto run = job.run(
            [&](const Progress &p) {
                const std::string phase = p.message.rfind("reference set", 0) == 0 ? "reference set" : p.message;
                if (order.empty() || order.back() != phase)
                    order.push_back(phase);
                warmupRate = warmupRate || (p.message == "warm-up" && p.ratePerSecond > 0);
            },
            token);
        QVERIFY2(run.ok(), run.ok() ? "" : run.error().message.c_str());
        const std::vector<std::string> expected = {"reading samples", "loading the proxy on cpu", "warm-up",
                                                   "reference set", "scoring"};
        QCOMPARE(order, expected);
        QVERIFY(warmupRate);
        QCOMPARE(QString::fromStdString(formatProgress({0, 0, 0, -1, "loading the proxy on cpu"})),
                 QStringLiteral("loading the proxy on cpu…"));
    }

    // The warm-up trains the parameters the step touches and stores only those: it used to train the
    // whole model and store it, 2 GB for Qwen2.5-0.5B in fp32 (more than one SQLite blob holds; the
    // failed write went unnoticed and every resume warmed up again).
    void warmUpTrainsAndStoresOnlyTheStepScope()
    {
        Fixture f;
        RunSettings s = settings();
        s.parameterScope = "last:1"; // ToyModel has blocks 0 and 1
        auto store = f.open("scope.ostproj");
        ScoringJob job(f.dataset, *store, s);
        job.setHooks(toyHooks());
        CancelToken token;
        auto run = job.run({}, token);
        QVERIFY2(run.ok(), run.ok() ? "" : run.error().message.c_str());
        const auto checkpoints = store->blobsWithPrefix("warmup/");
        QCOMPARE(checkpoints.size(), size_t(1));
        const std::string &bytes = checkpoints.begin()->second;

        ToyModel fresh(s.seed + 1); // what toyHooks loads
        auto lastBlock = scoring::selectParameters(fresh, "last:1");
        auto everything = scoring::selectParameters(fresh, "all");
        QVERIFY(lastBlock.ok() && everything.ok());
        const auto before = scoring::snapshot(lastBlock.value());
        QVERIFY(scoring::loadParameters(lastBlock.value(), bytes).ok());
        bool trained = false;
        for (size_t i = 0; i < before.size(); ++i)
            trained = trained || !torch::equal(before[i], lastBlock.value()[i].tensor);
        QVERIFY(trained);
        const Status whole = scoring::loadParameters(everything.value(), bytes);
        QVERIFY(!whole.ok()); // block 0 and the embeddings are not in it
        QVERIFY2(whole.error().message.find("has no tensor") != std::string::npos, whole.error().message.c_str());

        // Another scope is another θ: its own checkpoint, not this one.
        RunSettings all = s;
        all.parameterScope = "all";
        ScoringJob second(f.dataset, *store, all);
        second.setHooks(toyHooks());
        QVERIFY(second.run({}, token).ok());
        QCOMPARE(store->blobsWithPrefix("warmup/").size(), size_t(2));
    }

    // A run keeps its reference file relative to the project file, whoever started it: the app
    // handed the job an absolute path, which it stored as given, so moving the project folder lost V
    // (only ostc score rewrote it afterwards). A rerun with the path in either form is the same run.
    void referenceFileIsStoredRelativeToTheProject()
    {
        Fixture f;
        const QString ref = f.dir.filePath(QStringLiteral("ref.jsonl"));
        {
            QFile out(ref);
            QVERIFY(out.open(QIODevice::WriteOnly));
            for (int i = 0; i < 4; ++i)
                out.write(QStringLiteral("{\"id\":\"v%1\",\"messages\":[{\"role\":\"user\",\"content\":\"what is %1\"},"
                                         "{\"role\":\"assistant\",\"content\":\"it is %1\"}]}\n")
                              .arg(i)
                              .toUtf8());
        }
        RunSettings s = settings();
        s.warmupFraction = 0;
        s.referencePath = ref.toStdString(); // absolute, as the scoring dialog's file chooser gives it
        auto store = f.open("rel.ostproj");
        auto run = f.score(*store, s);
        QVERIFY2(run.ok(), run.ok() ? "" : run.error().message.c_str());
        auto stored = RunSettings::fromJson(store->run(run.value())->settingsJson);
        QVERIFY(stored.ok());
        QCOMPARE(stored->referencePath, std::string("ref.jsonl"));
        QCOMPARE(latestRunWithSettings(*store, s)->id, run.value());
        QCOMPARE(latestRunWithSettings(*store, stored.value())->id, run.value());
        RunSettings other = s;
        other.referencePath = f.dir.filePath(QStringLiteral("other.jsonl")).toStdString();
        QVERIFY(!latestRunWithSettings(*store, other));
    }

    void outOfMemoryOnTheReferenceSetRetriesInHalves()
    {
        Fixture f;
        RunSettings s = settings();
        s.warmupFraction = 0; // so the first collate is V's
        auto hooks = toyHooks();
        std::vector<size_t> sizes;
        hooks->collate = [&sizes](const std::vector<model::EncodedSample> &batch, int64_t pad, const torch::Device &) {
            sizes.push_back(batch.size());
            if (sizes.size() == 1)
                throw std::runtime_error("CUDA out of memory. Tried to allocate 1.00 GiB");
            return toyCollate(batch, pad);
        };
        auto store = f.open("v-oom.ostproj");
        auto run = f.score(*store, s, hooks);
        QVERIFY2(run.ok(), run.ok() ? "" : run.error().message.c_str());
        QVERIFY(sizes.size() > 2);
        QVERIFY(sizes[0] > 1);
        QCOMPARE(sizes[1], std::max<size_t>(1, sizes[0] / 2));
        auto plain = f.open("v-plain.ostproj");
        auto reference = f.score(*plain, s);
        QVERIFY(reference.ok());
        compareTables(table(*store, run.value()), table(*plain, reference.value()), 1e-6);

        // When not even one sample fits: a clear error and a failed run, no crash.
        auto full = toyHooks();
        full->collate = [](const std::vector<model::EncodedSample> &, int64_t, const torch::Device &) -> model::ModelBatch {
            throw std::runtime_error("CUDA out of memory. Tried to allocate 20.00 MiB");
        };
        auto third = f.open("v-full.ostproj");
        auto failed = f.score(*third, s, full);
        QVERIFY(!failed.ok());
        QVERIFY2(failed.error().message.find("reference set V") != std::string::npos, failed.error().message.c_str());
        QCOMPARE(QString::fromStdString(third->latestRun()->status), QStringLiteral("failed"));
    }

    void pausesBetweenBatches()
    {
        Fixture f;
        auto store = f.open("p.ostproj");
        CancelToken token;
        auto hooks = toyHooks();
        std::string statusWhilePaused;
        hooks->afterBatch = [&](int64_t stored) {
            if (stored != 1)
                return;
            token.setPaused(true);
            std::thread([&] {
                std::this_thread::sleep_for(std::chrono::milliseconds(300));
                statusWhilePaused = store->latestRun()->status;
                token.setPaused(false);
            }).detach();
        };
        auto run = f.score(*store, settings(), hooks, std::nullopt, &token);
        QVERIFY(run.ok());
        QCOMPARE(QString::fromStdString(statusWhilePaused), QStringLiteral("paused"));
        QCOMPARE(QString::fromStdString(store->run(run.value())->status), QStringLiteral("done"));
    }

    // An exact run stores every scored sample's ΔL_v (float32) with V's ids once (issue 12): their mean
    // is the stored utility to float32 rounding, also for the samples a resume scored and through
    // the out-of-memory split of a batch; a fast run stores none.
    void exactRunsStoreTheAttributionOfEverySample()
    {
        Fixture f;
        auto store = f.open("attr.ostproj");
        auto first = f.scoreThenCancel(*store, 2);
        QVERIFY(first.ok());
        auto hooks = toyHooks();
        int calls = 0;
        hooks->beforeChunk = [&](int64_t size) {
            if (++calls == 1 && size > 1)
                throw std::runtime_error("CUDA out of memory (simulated)");
        };
        QVERIFY(f.score(*store, settings(), hooks, first.value()).ok());
        const auto utilities = store->scoreMap(first.value(), "ost");
        QVERIFY(utilities.size() > 8);
        auto stored = loadRunAttributions(*store, first.value());
        QVERIFY2(stored.ok(), stored.ok() ? "" : stored.error().message.c_str());
        QVERIFY(stored->has_value());
        const RunAttributions &a = **stored;
        std::vector<std::string> ids;
        for (const auto &x : pool(30))
            ids.push_back(x.id);
        std::vector<std::string> held;
        for (int64_t i : splitPool(ids, settings(), false).reference)
            held.push_back(ids[size_t(i)]);
        QCOMPARE(a.referenceIds, held);
        QCOMPARE(a.deltas.size(), utilities.size());
        for (const auto &[id, u] : utilities) {
            QVERIFY2(a.deltas.count(id), id.c_str());
            double sum = 0;
            for (double d : a.deltas.at(id))
                sum += d;
            const double mean = sum / static_cast<double>(a.deltas.at(id).size());
            QVERIFY2(std::abs(mean - u) <= 1e-6 * std::abs(u) + 1e-7,
                     qPrintable(QString("%1: mean ΔL_v %2, utility %3").arg(id.c_str()).arg(mean).arg(u)));
        }
        auto one = loadStoredAttribution(*store, first.value(), utilities.begin()->first);
        QVERIFY(one.ok() && one->has_value());
        QCOMPARE((*one)->utility, utilities.begin()->second);

        RunSettings fast = settings();
        fast.mode = ScoringMode::Fast;
        auto fastRun = f.score(*store, fast);
        QVERIFY(fastRun.ok());
        auto none = loadRunAttributions(*store, fastRun.value());
        QVERIFY(none.ok() && !none->has_value());
    }

    void fastModeScoresInBatches()
    {
        Fixture f;
        auto store = f.open("fast.ostproj");
        RunSettings s = settings();
        s.mode = ScoringMode::Fast;
        s.learningRate = 1e-3;
        s.baselines = {};
        auto run = f.score(*store, s);
        QVERIFY2(run.ok(), run.ok() ? "" : run.error().message.c_str());
        const auto t = table(*store, run.value());
        QCOMPARE(t.at("ost-fast").size() + t.at("error").size(), size_t(27));
        QVERIFY(!t.count("ost"));
        s.stepRule = "adam";
        auto adam = f.score(*store, s);
        QVERIFY(!adam.ok()); // fast mode models the SGD step only
    }
};

QTEST_GUILESS_MAIN(TstScoringJob)
#include "tst_scoringjob.moc"
