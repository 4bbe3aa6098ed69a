// Reading a project needs no write access (issue 11): `ostc rank` and `ostc export` open the store
// read-only, which creates nothing, migrates nothing and refuses writes; and a path SQLite cannot
// open (512 bytes or more) gets a message that says so.
#include "core/store/ProjectStore.h"

#include <QtTest>

#include <filesystem>

using namespace ost;

class TstStoreReadOnly : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void readsWithoutWriting()
    {
        QTemporaryDir dir;
        const std::string path = (dir.path() + "/p.ostproj").toStdString();
        {
            auto store = ProjectStore::open(path);
            QVERIFY(store.ok());
            RunInfo info;
            info.name = "r";
            auto run = (*store)->createRun(info);
            QVERIFY(run.ok());
            QVERIFY((*store)->addScores(*run, {{"a", "h", "ost", 0.5}, {"b", "h", "ost", -0.5}}).ok());
            QVERIFY((*store)->setDecisions({"b"}, Decision::Drop, "me", "").ok());
        }
        const auto before = std::filesystem::last_write_time(path);
        auto ro = ProjectStore::open(path, ProjectStore::Access::ReadOnly);
        QVERIFY2(ro.ok(), ro.ok() ? "" : ro.error().message.c_str());
        QCOMPARE((*ro)->scoreMap(1, "ost").size(), size_t(2));
        QCOMPARE((*ro)->decisions().size(), size_t(1));
        QVERIFY((*ro)->health().ok());
        QVERIFY(!(*ro)->setDecisions({"a"}, Decision::Keep, "me", "").ok()); // writes are refused
        QVERIFY(std::filesystem::last_write_time(path) == before);

        const std::string missing = (dir.path() + "/typo.ostproj").toStdString();
        QVERIFY(!ProjectStore::open(missing, ProjectStore::Access::ReadOnly).ok());
        QVERIFY(!std::filesystem::exists(missing)); // nothing created at a mistyped path
    }

    void overlongPathIsNamed()
    {
        QTemporaryDir dir;
        std::string folder = dir.path().toStdString();
        while (folder.size() < 600)
            folder += "/" + std::string(60, 'd');
        std::filesystem::create_directories(folder);
        auto r = ProjectStore::open(folder + "/p.ostproj");
        QVERIFY(!r.ok());
        QVERIFY2(r.error().message.find("characters long") != std::string::npos, r.error().message.c_str());
    }
};

QTEST_GUILESS_MAIN(TstStoreReadOnly)
#include "tst_store_readonly.moc"
