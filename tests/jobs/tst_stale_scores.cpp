// Content hashes stored by older projects stay valid: a store whose scores carry the SHA-1 hex that
// the project's own (hand-written, before libcrypto) SHA-1 wrote must not come out stale against the
// unchanged file, and an edited record must. The expected hashes below were computed by that old
// implementation (and agree with coreutils' sha1sum of each line's bytes).
#include "core/data/Dataset.h"
#include "core/data/Hash.h"
#include "core/jobs/StaleScores.h"
#include "core/store/ProjectStore.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace ost;

namespace {

const char *const kRecords[3] = {
    R"({"id":"a","messages":[{"role":"user","content":"1+1?"},{"role":"assistant","content":"2"}]})",
    R"({"id":"b","messages":[{"role":"user","content":"Wie viele Ecken hat ein Würfel? Zähle sie."},{"role":"assistant","content":"Acht: 2 × 4."}]})",
    R"({"id":"c","messages":[{"role":"user","content":"x"},{"role":"assistant","content":"y"}]})",
};
// What the hand-written SHA-1 (up to commit ad4e016) stored for each record.
const char *const kOldHashes[3] = {
    "7f351ec22432aa0209ad9cfa73a6a42923906134",
    "594dcd3e2840a50e9cb18c5743ea1f637bcf419d",
    "cd5ee49195db140ff746cc0eff3e1da7ace48f77",
};

void writeLines(const std::string &path, const std::vector<std::string> &lines)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    for (const std::string &l : lines)
        out << l << '\n';
}

} // namespace

class TestStaleScores : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    std::string file(const char *name) const { return (m_tmp.path() + "/" + name).toStdString(); }

private Q_SLOTS:
    void samplesStillCarryTheOldHashes()
    {
        writeLines(file("pool.jsonl"), {kRecords[0], kRecords[1], kRecords[2]});
        auto ds = Dataset::open(file("pool.jsonl"));
        QVERIFY2(ds.ok(), ds.ok() ? "" : ds.error().message.c_str());
        QCOMPARE(ds.value()->size(), int64_t(3));
        for (int64_t i = 0; i < 3; ++i) {
            auto s = ds.value()->sample(i);
            QVERIFY(s.ok());
            QCOMPARE(s.value().contentHash, std::string(kOldHashes[i]));
        }
    }

    void oldProjectIsNotStale()
    {
        writeLines(file("old.jsonl"), {kRecords[0], kRecords[1], kRecords[2]});
        auto store = ProjectStore::open(file("old.jsonl.ostproj"));
        QVERIFY(store.ok());
        RunInfo info;
        info.name = "old run";
        info.status = "done";
        const auto run = store.value()->createRun(info);
        QVERIFY(run.ok());
        std::vector<ScoreRow> rows;
        for (int i = 0; i < 3; ++i) {
            ScoreRow r;
            r.sampleId = std::string(1, char('a' + i));
            r.contentHash = kOldHashes[i];
            r.method = "ost";
            r.value = 0.1 * i;
            rows.push_back(r);
        }
        QVERIFY(store.value()->addScores(run.value(), rows).ok());

        auto ds = Dataset::open(file("old.jsonl"));
        QVERIFY(ds.ok());
        StaleScores stale = findStaleScores(*ds.value(), *store.value(), run.value(), "ost");
        QCOMPARE(stale.checked, int64_t(3));
        QCOMPARE(stale.changed(), int64_t(0));
        QCOMPARE(stale.missing, int64_t(0));

        // Editing one record makes exactly that one stale: the check still compares content.
        std::string edited = kRecords[2];
        edited.replace(edited.find("\"y\""), 3, "\"z\"");
        writeLines(file("old.jsonl"), {kRecords[0], kRecords[1], edited});
        ds = Dataset::open(file("old.jsonl"));
        QVERIFY(ds.ok());
        stale = findStaleScores(*ds.value(), *store.value(), run.value(), "ost");
        QCOMPARE(stale.changed(), int64_t(1));
        QCOMPARE(stale.changedIndices.front(), int64_t(2));
    }
};

QTEST_GUILESS_MAIN(TestStaleScores)
#include "tst_stale_scores.moc"
