#include "core/store/ProjectStore.h"

#include <QtTest>

#include <cmath>
#include <fstream>
#include <thread>

using namespace ost;

namespace {

std::unique_ptr<ProjectStore> openOrFail(const std::string &path)
{
    auto r = ProjectStore::open(path);
    if (!r.ok())
        qWarning("%s", r.error().message.c_str());
    return r.ok() ? r.takeValue() : nullptr;
}

std::vector<ScoreRow> rows(const std::string &method, int from, int count, double base = 0)
{
    std::vector<ScoreRow> out;
    for (int i = from; i < from + count; ++i)
        out.push_back({"s" + std::to_string(i), "h" + std::to_string(i), method, base + i});
    return out;
}

} // namespace

class TstProjectStore : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    std::string file(const char *name) const { return (m_dir.path() + "/" + name).toStdString(); }

private Q_SLOTS:
    void defaultPathIsBesideDataset()
    {
        QCOMPARE(QString::fromStdString(ProjectStore::defaultPathFor("/d/pool.jsonl")),
                 QStringLiteral("/d/pool.jsonl.ostproj"));
    }

    void runsCrud()
    {
        auto store = openOrFail(file("runs.ostproj"));
        QVERIFY(store);
        QVERIFY(!store->latestRun());
        RunInfo info;
        info.name = "ost-exact";
        info.settingsJson = R"({"lr":1e-4})";
        info.model = "builtin-tiny";
        info.referenceHash = "ref1";
        auto first = store->createRun(info);
        QVERIFY(first.ok());
        auto second = store->createRun(info);
        QVERIFY(second.ok());
        QVERIFY(*second > *first);

        auto r = store->run(*first);
        QVERIFY(r);
        QCOMPARE(QString::fromStdString(r->status), QStringLiteral("running"));
        QVERIFY(!r->createdAt.empty());
        QCOMPARE(QString::fromStdString(r->settingsJson), QStringLiteral(R"({"lr":1e-4})"));

        r->status = "done";
        r->wallSeconds = 12.5;
        r->scoredCount = 400;
        r->finishedAt = "2026-11-25T19:00:00Z";
        QVERIFY(store->updateRun(*r).ok());
        auto again = store->run(*first);
        QCOMPARE(QString::fromStdString(again->status), QStringLiteral("done"));
        QCOMPARE(again->wallSeconds, 12.5);
        QCOMPARE(again->scoredCount, int64_t(400));
        QCOMPARE(store->runs().size(), size_t(2));
        QCOMPARE(store->latestRun()->id, *second);

        RunInfo missing;
        missing.id = 999;
        const Status s = store->updateRun(missing);
        QVERIFY(!s.ok());
        QVERIFY(s.error().message.find("999") != std::string::npos);
        QVERIFY(!store->run(999));
    }

    void scoresUpsertAndPerMethod()
    {
        auto store = openOrFail(file("scores.ostproj"));
        QVERIFY(store);
        const int64_t run = store->createRun({}).value();
        QVERIFY(store->addScores(run, rows("ost", 0, 10)).ok());
        QVERIFY(store->addScores(run, rows("loss", 0, 4, 100)).ok());
        QCOMPARE(store->scoreCount(run, "ost"), int64_t(10));
        QCOMPARE(store->scoreCount(run, "loss"), int64_t(4));
        QCOMPARE(store->scoreCount(run, ""), int64_t(14));

        // Upsert: the same key again replaces value and hash instead of adding a row.
        std::vector<ScoreRow> again{{"s3", "edited", "ost", -7.0}};
        QVERIFY(store->addScores(run, again).ok());
        QCOMPARE(store->scoreCount(run, "ost"), int64_t(10));
        const auto map = store->scoreMap(run, "ost");
        QCOMPARE(map.size(), size_t(10));
        QCOMPARE(map.at("s3"), -7.0);
        QCOMPARE(map.at("s4"), 4.0);
        QCOMPARE(store->scoreMap(run, "loss").at("s2"), 102.0);
        QCOMPARE(QString::fromStdString(store->scoredHashes(run, "ost").at("s3")), QStringLiteral("edited"));

        const auto ids = store->scoredIds(run, "loss");
        QCOMPARE(ids.size(), size_t(4));
        QCOMPARE(QString::fromStdString(ids.front()), QStringLiteral("s0"));
        QCOMPARE(store->methods(run), (std::vector<std::string>{"loss", "ost"}));
        QCOMPARE(store->scores(run).size(), size_t(14));
        QCOMPARE(store->scores(run, "loss").size(), size_t(4));

        // NaN survives as NaN (SQLite stores it as NULL).
        QVERIFY(store->addScores(run, {{"nan", "h", "ost", std::nan("")}}).ok());
        QVERIFY(std::isnan(store->scoreMap(run, "ost").at("nan")));

        // Another run sees none of these; a score for a run that does not exist is refused.
        const int64_t other = store->createRun({}).value();
        QCOMPARE(store->scoreCount(other, "ost"), int64_t(0));
        const Status bad = store->addScores(424242, rows("ost", 0, 1));
        QVERIFY(!bad.ok());
        QVERIFY(bad.error().message.find("scores.ostproj") != std::string::npos);
        // A bad row rolls back its whole batch.
        auto mixed = rows("ost", 100, 3);
        mixed.push_back({"s200", "h", "", 1.0});
        QVERIFY(!store->addScores(other, mixed).ok());
        QCOMPARE(store->scoreCount(other, "ost"), int64_t(0));
    }

    void decisionsUndoRedoAndReopen()
    {
        const std::string path = file("decisions.ostproj");
        int64_t dropBatch = 0;
        {
            auto store = openOrFail(path);
            QVERIFY(store);
            QCOMPARE(store->decision("a"), Decision::Auto);
            auto keep = store->setDecisions({"a", "b"}, Decision::Keep, "ann", "looked fine");
            QVERIFY(keep.ok());
            auto drop = store->setDecisions({"b", "c", "d", "c"}, Decision::Drop, "bob", "wrong answer");
            QVERIFY(drop.ok());
            dropBatch = *drop;
            QVERIFY(dropBatch > *keep);
            QCOMPARE(store->decision("b"), Decision::Drop);
            QCOMPARE(store->decisions().size(), size_t(4));
            QCOMPARE(store->decisionLog().size(), size_t(5)); // duplicate "c" logged once
            QCOMPARE(*store->lastUndoableBatch(), dropBatch);
            QVERIFY(!store->lastRedoableBatch());

            QVERIFY(store->undoBatch(dropBatch).ok());
            QCOMPARE(store->decision("b"), Decision::Keep); // back to the previous decision
            QCOMPARE(store->decision("c"), Decision::Auto);
            QCOMPARE(*store->lastUndoableBatch(), *keep);
            QCOMPARE(*store->lastRedoableBatch(), dropBatch);
            QVERIFY(!store->undoBatch(dropBatch).ok()); // already undone: clear error, no change
            QVERIFY(!store->setDecisions({}, Decision::Keep, "ann", "").ok());
        }
        {
            // Undo state and the audit log survive a restart.
            auto store = openOrFail(path);
            QVERIFY(store);
            QCOMPARE(store->decision("c"), Decision::Auto);
            QCOMPARE(*store->lastRedoableBatch(), dropBatch);
            QVERIFY(store->redoBatch(dropBatch).ok());
            QCOMPARE(store->decision("b"), Decision::Drop);
            QCOMPARE(store->decision("d"), Decision::Drop);
            const auto log = store->decisionLog();
            QCOMPARE(log.size(), size_t(5));
            QCOMPARE(QString::fromStdString(log[2].who), QStringLiteral("bob"));
            QCOMPARE(QString::fromStdString(log[2].why), QStringLiteral("wrong answer"));
            QCOMPARE(log[2].previous, Decision::Keep); // b was kept before the drop
            QCOMPARE(log[2].decision, Decision::Drop);
            QVERIFY(!log[2].undone);
            QVERIFY(log[0].seq < log[1].seq);

            // A new action after an undo ends the redo chain, as in an editor.
            QVERIFY(store->undoBatch(dropBatch).ok());
            QVERIFY(store->setDecisions({"e"}, Decision::Keep, "ann", "").ok());
            QVERIFY(!store->lastRedoableBatch());
            QCOMPARE(store->decisions().count("b"), size_t(1));
            QCOMPARE(store->decisions().at("b"), Decision::Keep);
        }
    }

    void notesAndTags()
    {
        const std::string path = file("notes.ostproj");
        {
            auto store = openOrFail(path);
            QVERIFY(store->setNote("a", "blurry image").ok());
            QVERIFY(store->setNote("b", "x").ok());
            QVERIFY(store->setNote("b", "").ok()); // empty removes
            QVERIFY(store->addTag("a", "blurry").ok());
            QVERIFY(store->addTag("a", "check").ok());
            QVERIFY(store->addTag("a", "check").ok()); // twice is once
            QVERIFY(store->addTag("b", "ok").ok());
            QVERIFY(store->removeTag("b", "ok").ok());
            QVERIFY(!store->addTag("a", "").ok());
        }
        auto store = openOrFail(path);
        QCOMPARE(QString::fromStdString(store->note("a")), QStringLiteral("blurry image"));
        QVERIFY(store->note("b").empty());
        QCOMPARE(store->allNotes().size(), size_t(1));
        QCOMPARE(store->tags("a"), (std::vector<std::string>{"blurry", "check"}));
        QVERIFY(store->tags("b").empty());
        QCOMPARE(store->allTags().size(), size_t(1));
    }

    void blobsAndDatasetBinding()
    {
        auto store = openOrFail(file("blobs.ostproj"));
        std::string big(24 * 1024 * 1024, '\0');
        for (size_t i = 0; i < big.size(); i += 4096)
            big[i] = static_cast<char>(i / 4096);
        QVERIFY(store->putBlob("warmup", big).ok());
        QVERIFY(store->putBlob("empty", "").ok());
        QVERIFY(store->blob("warmup") == big);
        QVERIFY(store->blob("empty").has_value());
        QVERIFY(store->blob("empty")->empty());
        QVERIFY(!store->blob("absent"));
        QVERIFY(store->putBlob("warmup", "small").ok());
        QCOMPARE(QString::fromStdString(*store->blob("warmup")), QStringLiteral("small"));

        QVERIFY(!store->datasetHash());
        QVERIFY(store->setDatasetInfo("/d/pool.jsonl", "abc").ok());
        QVERIFY(store->setDatasetInfo("/d/pool.jsonl", "def").ok());
        QCOMPARE(QString::fromStdString(*store->datasetHash()), QStringLiteral("def"));
        QVERIFY(store->checkIntegrity().ok());
    }

    // putBlobs writes all in one transaction; blobsWithPrefix lists exactly the keys that start with
    // the prefix (not run/10/... for run/1/, and '%' '_' in a sample id are not wildcards).
    void blobBatchesAndPrefixes()
    {
        auto store = openOrFail(file("prefix.ostproj"));
        const std::string binary("\x00\x01\xff\x7f", 4);
        QVERIFY(store->putBlobs({{"run/1/a/x_1", binary}, {"run/1/a/%", "p"}, {"run/10/a/y", "no"},
                                 {"run/1/b", "no"}, {"run/1/a", "no"}})
                    .ok());
        const auto got = store->blobsWithPrefix("run/1/a/");
        QCOMPARE(got.size(), size_t(2));
        QVERIFY(got.at("run/1/a/x_1") == binary);
        QCOMPARE(QString::fromStdString(got.at("run/1/a/%")), QStringLiteral("p"));
        QCOMPARE(store->blobsWithPrefix("run/1/a/x_").size(), size_t(1));
        QVERIFY(store->blobsWithPrefix("run/2/").empty());
        QCOMPARE(store->blobsWithPrefix("").size(), size_t(5));
        QVERIFY(store->putBlobs({}).ok());
        QVERIFY(store->putBlobs({{"run/1/b", "again"}}).ok()); // replaces
        QCOMPARE(QString::fromStdString(*store->blob("run/1/b")), QStringLiteral("again"));
        QVERIFY(store->health().ok());
    }

    void refusesFilesThatAreNotProjects()
    {
        const std::string jsonl = file("pool.jsonl");
        {
            std::ofstream out(jsonl);
            out << R"({"id": "x", "messages": []})" << "\n";
        }
        auto r = ProjectStore::open(jsonl);
        QVERIFY(!r.ok());
        QVERIFY(r.error().message.find("pool.jsonl") != std::string::npos);
        QVERIFY(r.error().message.find("not an OST Curator project") != std::string::npos);
        std::ifstream in(jsonl); // and the file is left as it was
        std::string line;
        std::getline(in, line);
        QCOMPARE(QString::fromStdString(line), QStringLiteral(R"({"id": "x", "messages": []})"));

        const std::string random = file("random.bin");
        {
            std::ofstream out(random, std::ios::binary);
            for (int i = 0; i < 8192; ++i)
                out.put(static_cast<char>((i * 2654435761u) >> 13));
        }
        QVERIFY(!ProjectStore::open(random).ok());
        QVERIFY(!ProjectStore::open(m_dir.path().toStdString()).ok()); // a folder
        QVERIFY(!ProjectStore::open(file("no/such/dir/x.ostproj")).ok());
    }

    void refusesForeignSqliteDatabase()
    {
        // A valid SQLite file of another program: open it as a store would be a mistake.
        const std::string path = file("foreign.db");
        {
            auto store = openOrFail(path); // makes a real SQLite file...
            QVERIFY(store);
        }
        // ...then zero its application id (bytes 68..71 of the header) as another program's file would have.
        std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(68);
        const char zero[4] = {0, 0, 0, 0};
        f.write(zero, 4);
        f.close();
        auto r = ProjectStore::open(path);
        QVERIFY(!r.ok());
        QVERIFY(r.error().message.find("another program") != std::string::npos);
    }

    void concurrentWritersShareOneStore()
    {
        auto store = openOrFail(file("threads.ostproj"));
        const int64_t run = store->createRun({}).value();
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&, t] {
                for (int b = 0; b < 20; ++b) {
                    store->addScores(run, rows("m" + std::to_string(t), b * 10, 10));
                    store->scoreCount(run, "m0");
                }
            });
        for (auto &t : threads)
            t.join();
        QCOMPARE(store->scoreCount(run, ""), int64_t(4 * 200));
        QVERIFY(store->checkIntegrity().ok());
    }
};

QTEST_GUILESS_MAIN(TstProjectStore)
#include "tst_project_store.moc"
