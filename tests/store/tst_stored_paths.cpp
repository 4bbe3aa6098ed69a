// Paths a project stores (a run's reference file): relative to the store's folder when inside it,
// absolute otherwise, and opened from any working folder (issue 13 item 5).
#include "core/store/StoredPaths.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>

using namespace ost;
namespace fs = std::filesystem;

class TestStoredPaths : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    fs::path root() const { return fs::path(m_tmp.path().toStdString()); }
    static void touch(const fs::path &p)
    {
        fs::create_directories(p.parent_path());
        std::ofstream(p) << "{}\n";
    }

private Q_SLOTS:
    void init() { fs::current_path(root()); }
    void cleanupTestCase() { fs::current_path(fs::temp_directory_path()); }

    void insideTheProjectFolderIsRelative()
    {
        touch(root() / "data/sub/ref.jsonl");
        const std::string store = "data/pool.jsonl.ostproj"; // relative to the working folder, like --project
        QCOMPARE(pathForStore("data/sub/ref.jsonl", store), std::string("sub/ref.jsonl"));
        QCOMPARE(pathForStore("data/./sub/../sub/ref.jsonl", store), std::string("sub/ref.jsonl"));
        QCOMPARE(pathForStore((root() / "data/sub/ref.jsonl").string(), store), std::string("sub/ref.jsonl"));
        QCOMPARE(pathForStore("", store), std::string());
    }

    void outsideIsAbsolute()
    {
        touch(root() / "refs/ref.jsonl");
        QCOMPARE(pathForStore("refs/ref.jsonl", "data/pool.jsonl.ostproj"), (root() / "refs/ref.jsonl").string());
        QCOMPARE(pathForStore("data/../refs/ref.jsonl", "data/p.ostproj"), (root() / "refs/ref.jsonl").string());
    }

    void openedFromAnotherFolder()
    {
        touch(root() / "data/sub/ref.jsonl");
        const std::string store = (root() / "data/pool.jsonl.ostproj").string();
        fs::create_directories(root() / "elsewhere");
        fs::current_path(root() / "elsewhere");
        QCOMPARE(pathFromStore("sub/ref.jsonl", store), (root() / "data/sub/ref.jsonl").string());
        QCOMPARE(pathFromStore((root() / "x/y.jsonl").string(), store), (root() / "x/y.jsonl").string());
        // Not there: the place beside the project is named (what the error message shows).
        QCOMPARE(pathFromStore("gone.jsonl", store), (root() / "data/gone.jsonl").string());
        QCOMPARE(pathFromStore("", store), std::string());
    }

    void olderRunsStoredThePathAsTyped()
    {
        // An older version stored "data/sub/ref.jsonl", relative to the folder ostc ran in; run there,
        // it is still found.
        touch(root() / "data/sub/ref.jsonl");
        QCOMPARE(pathFromStore("data/sub/ref.jsonl", "data/pool.jsonl.ostproj"), (root() / "data/sub/ref.jsonl").string());
    }

    void roundTrip()
    {
        touch(root() / "data/sub/ref.jsonl");
        const std::string store = "data/pool.jsonl.ostproj";
        for (const char *typed : {"data/sub/ref.jsonl", "data/sub/../sub/ref.jsonl"})
            QCOMPARE(pathFromStore(pathForStore(typed, store), store), (root() / "data/sub/ref.jsonl").string());
    }
};

QTEST_GUILESS_MAIN(TestStoredPaths)
#include "tst_stored_paths.moc"
