// A scorer killed at any moment (kill -9, OOM, power button on the UI) must leave a project that opens,
// passes SQLite's integrity check, and shows only whole score batches.
#include "core/store/ProjectStore.h"

#include <QtTest>

#include <cstdio>

#include <csignal>
#include <fcntl.h>
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

    // The process that created a project keeps writing while another process (`ostc rank`, the app)
    // opens, reads and closes it. The reader's close must not take the writer's WAL away: a creation
    // lock on the database file itself once dropped the creator's SQLite locks, so the reader deleted
    // the WAL and later readers saw only part of the scores.
    void readerClosingDoesNotDropTheCreatorsWal()
    {
        QTemporaryDir dir;
        const std::string path = (dir.path() + "/shared.ostproj").toStdString();
        auto writer = ProjectStore::open(path); // creates the project
        QVERIFY(writer.ok());
        auto run = (*writer)->createRun(RunInfo{});
        QVERIFY(run.ok());
        auto write = [&](int from, int count) {
            std::vector<ScoreRow> rows;
            for (int i = from; i < from + count; ++i)
                rows.push_back({"s/" + std::to_string(i), "h", "ost", 0.5});
            return (*writer)->addScores(*run, rows).ok();
        };
        QVERIFY(write(0, 40));
        const pid_t child = fork();
        QVERIFY(child >= 0);
        if (child == 0) {
            // An open WAL connection holds SQLite's shared lock on the database file (the 510 bytes at
            // 0x40000002); that lock is what stops another process's close from deleting the WAL.
            const int fd = ::open(path.c_str(), O_RDONLY);
            struct flock probe {};
            probe.l_type = F_WRLCK;
            probe.l_whence = SEEK_SET;
            probe.l_start = 0x40000002;
            probe.l_len = 510;
            const bool creatorHoldsSharedLock = fd >= 0 && ::fcntl(fd, F_GETLK, &probe) == 0 && probe.l_type != F_UNLCK;
            if (!creatorHoldsSharedLock)
                std::fprintf(stderr, "the creating process holds no SQLite shared lock on %s\n", path.c_str());
            bool sawAll = false;
            {
                auto reader = ProjectStore::open(path);
                sawAll = reader.ok() && (*reader)->scoreCount(*run, "ost") == 40;
            } // closes the connection, as a reader process does on exit
            _exit(sawAll && creatorHoldsSharedLock ? 0 : 1);
        }
        int status = 0;
        QCOMPARE(waitpid(child, &status, 0), child);
        QVERIFY(WIFEXITED(status));
        QCOMPARE(WEXITSTATUS(status), 0);
        QVERIFY2(QFile::exists(QString::fromStdString(path + "-wal")),
                 "the reader's close deleted the WAL of a connection that is still open");
        QVERIFY(write(40, 40));
        auto later = ProjectStore::open(path);
        QVERIFY(later.ok());
        QCOMPARE((*later)->scoreCount(*run, "ost"), int64_t(80));
    }
};

QTEST_GUILESS_MAIN(TstStoreCrash)
#include "tst_store_crash.moc"
