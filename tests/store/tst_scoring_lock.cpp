// One scorer per project store (issue 11): a second `ostc score` on the same store is refused and
// told who holds it; a holder killed with -9 leaves no stale lock.
#include "core/store/ScoringLock.h"

#include <QtTest>

#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

using namespace ost;

class TstScoringLock : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void secondScorerIsRefusedAndToldWho()
    {
        QTemporaryDir dir;
        const std::string store = (dir.path() + "/p.jsonl.ostproj").toStdString();
        {
            auto first = ScoringLock::acquire(store, "ostc score p.jsonl");
            QVERIFY(first.ok());
            auto second = ScoringLock::acquire(store, "ostc score p.jsonl --mode fast");
            QVERIFY(!second.ok());
            const std::string why = second.error().message;
            QVERIFY2(why.find("is being scored by ostc score p.jsonl (pid " + std::to_string(::getpid())) !=
                         std::string::npos,
                     why.c_str());
        }
        QVERIFY(ScoringLock::acquire(store, "again").ok()); // released with its owner
    }

    void killedHolderLeavesNoLock()
    {
        QTemporaryDir dir;
        const std::string store = (dir.path() + "/k.ostproj").toStdString();
        int ready[2];
        QCOMPARE(::pipe(ready), 0);
        const pid_t child = ::fork();
        if (child == 0) {
            auto lock = ScoringLock::acquire(store, "child");
            const char c = lock.ok() ? 'y' : 'n';
            (void)!::write(ready[1], &c, 1);
            ::pause();
            ::_exit(0);
        }
        char c = 0;
        QCOMPARE(::read(ready[0], &c, 1), ssize_t(1));
        QCOMPARE(c, 'y');
        auto held = ScoringLock::acquire(store, "parent");
        QVERIFY(!held.ok());
        QVERIFY2(held.error().message.find("child (pid " + std::to_string(child)) != std::string::npos,
                 held.error().message.c_str());
        ::kill(child, SIGKILL);
        int status = 0;
        ::waitpid(child, &status, 0);
        QVERIFY(ScoringLock::acquire(store, "parent").ok());
        ::close(ready[0]);
        ::close(ready[1]);
    }
};

QTEST_GUILESS_MAIN(TstScoringLock)
#include "tst_scoring_lock.moc"
