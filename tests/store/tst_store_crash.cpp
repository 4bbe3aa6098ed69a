// A scorer killed at any moment (kill -9, OOM, power button on the UI) must leave a project that opens,
// passes SQLite's integrity check, and shows only whole score batches.
#include "core/store/ProjectStore.h"

#include <QtTest>

#include <cstdio>

#include <csignal>
#include <random>
#include <sys/wait.h>
#include <unistd.h>

using namespace ost;

namespace {

constexpr int kBatch = 64;

// Runs in the forked child: writes batches until killed. Never returns.
[[noreturn]] void writeForever(const std::string &path, int round)
{
    auto store = ProjectStore::open(path);
    if (!store.ok())
        _exit(3);
    RunInfo info;
    info.name = "crash round " + std::to_string(round);
    auto run = (*store)->createRun(info);
    if (!run.ok())
        _exit(4);
    for (int64_t b = 0;; ++b) {
        std::vector<ScoreRow> rows;
        for (int i = 0; i < kBatch; ++i)
            rows.push_back({"r" + std::to_string(round) + "/" + std::to_string(b * kBatch + i),
                            "hash-with-some-length-0123456789abcdef", "ost", 0.001 * static_cast<double>(i)});
        if (!(*store)->addScores(*run, rows).ok())
            _exit(5);
        // Blobs and decisions are in the same file: make a kill mid-blob possible too.
        if (b % 16 == 0 && !(*store)->putBlob("checkpoint", std::string(256 * 1024, static_cast<char>(b))).ok())
            _exit(6);
        if (b % 8 == 0 && !(*store)->setDecisions({rows.front().sampleId}, Decision::Drop, "child", "").ok())
            _exit(7);
    }
}

} // namespace

class TstStoreCrash : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void killedWriterLeavesWholeBatches()
    {
        QTemporaryDir dir;
        const std::string path = (dir.path() + "/crash.ostproj").toStdString();
        std::mt19937_64 rng(20261125);
        int killedWhileWriting = 0;
        const int rounds = 10;
        for (int round = 0; round < rounds; ++round) {
            const pid_t child = fork();
            QVERIFY(child >= 0);
            if (child == 0)
                writeForever(path, round);
            // Round 0 is killed within the first few ms (during schema creation, often); later rounds
            // after up to ~150 ms of batches.
            const int delayUs = round == 0 ? 2000 : 5000 + static_cast<int>(rng() % 150000);
            usleep(static_cast<useconds_t>(delayUs));
            QCOMPARE(kill(child, SIGKILL), 0);
            int status = 0;
            QCOMPARE(waitpid(child, &status, 0), child);
            // Any other exit means the child failed on its own (its exit code says where).
            QVERIFY2(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
                     qPrintable(QString("child exited with %1").arg(WEXITSTATUS(status))));
            ++killedWhileWriting;

            auto store = ProjectStore::open(path);
            QVERIFY2(store.ok(), store.ok() ? "" : store.error().message.c_str());
            const Status integrity = (*store)->checkIntegrity();
            QVERIFY2(integrity.ok(), integrity.ok() ? "" : integrity.error().message.c_str());
            for (const RunInfo &run : (*store)->runs()) {
                const int64_t n = (*store)->scoreCount(run.id, "ost");
                QVERIFY2(n % kBatch == 0, qPrintable(QString("run %1 holds %2 scores").arg(run.id).arg(n)));
            }
            if (auto blob = (*store)->blob("checkpoint"))
                QCOMPARE(blob->size(), size_t(256 * 1024));
            // The recovered file takes new writes.
            QVERIFY((*store)->setNote("after-round", std::to_string(round)).ok());
        }
        QCOMPARE(killedWhileWriting, rounds);
        auto store = ProjectStore::open(path);
        QVERIFY(store.ok());
        int64_t total = 0;
        for (const RunInfo &run : (*store)->runs())
            total += (*store)->scoreCount(run.id, "ost");
        qInfo("%lld scores in whole batches after %d kills", static_cast<long long>(total), rounds);
        QVERIFY(total > 0); // the kills did land while batches were being written
    }

    // The app and `ostc` started on the same new dataset: both create the project at the same moment.
    void twoProcessesCreateOneProject()
    {
        QTemporaryDir dir;
        for (int attempt = 0; attempt < 5; ++attempt) {
            const std::string path = (dir.path() + "/new" + QString::number(attempt) + ".ostproj").toStdString();
            pid_t children[2];
            for (pid_t &child : children) {
                child = fork();
                QVERIFY(child >= 0);
                if (child == 0) {
                    auto store = ProjectStore::open(path);
                    if (!store.ok()) {
                        std::fprintf(stderr, "child open: %s\n", store.error().message.c_str());
                        _exit(1);
                    }
                    const Status tagged = (*store)->addTag("x", std::to_string(getpid()));
                    if (!tagged.ok())
                        std::fprintf(stderr, "child addTag: %s\n", tagged.error().message.c_str());
                    _exit(tagged.ok() ? 0 : 1);
                }
            }
            for (pid_t child : children) {
                int status = 0;
                QCOMPARE(waitpid(child, &status, 0), child);
                QVERIFY(WIFEXITED(status));
                QCOMPARE(WEXITSTATUS(status), 0);
            }
            auto store = ProjectStore::open(path);
            QVERIFY(store.ok());
            QCOMPARE((*store)->tags("x").size(), size_t(2));
        }
    }
};

QTEST_GUILESS_MAIN(TstStoreCrash)
#include "tst_store_crash.moc"
