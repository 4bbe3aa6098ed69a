// Per-reference attribution without a model: its float32 storage in the project (round trip, a run
// without it, damaged blobs named), the summary (lowered/raised, top hurt and helped, groups), the
// sentence, the reference-set view and the group sums `ostc rank --hurts` sorts by.
#include "core/ost/Attribution.h"
#include "core/ost/RunSettings.h"

#include <QtTest>

#include <cmath>

using namespace ost;

namespace {

Sample reference(const std::string &id, const std::string &extra = {})
{
    Sample s;
    s.id = id;
    s.rawJson = "{\"id\": \"" + id + "\"" + extra + ", \"messages\": []}";
    return s;
}

Attribution attribution(std::vector<double> deltas)
{
    Attribution a;
    a.sampleId = "z";
    for (size_t i = 0; i < deltas.size(); ++i)
        a.referenceIds.push_back("ref/" + std::to_string(i));
    a.deltas = std::move(deltas);
    double sum = 0;
    for (double d : a.deltas)
        sum += d;
    a.utility = sum / static_cast<double>(a.deltas.size());
    return a;
}

} // namespace

class TstAttribution : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    std::unique_ptr<ProjectStore> openStore(const char *name)
    {
        auto r = ProjectStore::open((m_dir.path() + "/" + name).toStdString());
        if (!r.ok())
            qWarning("%s", r.error().message.c_str());
        return r.ok() ? r.takeValue() : nullptr;
    }

private Q_SLOTS:
    // float32 per value: 7 significant digits survive; V's ids once per run; other runs untouched.
    void storesAndLoadsAsFloat32()
    {
        auto store = openStore("roundtrip.ostproj");
        QVERIFY(store);
        RunInfo info;
        info.settingsJson = RunSettings{}.toJson();
        const int64_t run = store->createRun(info).takeValue();
        const std::vector<std::string> refs = {"ref/a", "ref/b", "ref/c"};
        const std::map<std::string, std::vector<double>> deltas = {
            {"s/1", {0.123456789, -2.5e-5, 0.0}}, {"s_%2", {-1.0, 3.0e-9, 7.25}}};
        QVERIFY(storeAttributions(*store, run, refs, deltas).ok());
        QVERIFY(store->addScores(run, {{"s/1", "h", "ost", 0.04111}}).ok());

        auto all = loadRunAttributions(*store, run);
        QVERIFY2(all.ok(), all.ok() ? "" : all.error().message.c_str());
        QVERIFY(all->has_value());
        QCOMPARE((*all)->referenceIds, refs);
        QCOMPARE((*all)->deltas.size(), size_t(2));
        for (const auto &[id, want] : deltas)
            for (size_t v = 0; v < want.size(); ++v)
                QVERIFY2(std::abs((*all)->deltas.at(id)[v] - want[v]) <= 1e-7 * std::abs(want[v]),
                         qPrintable(QString("%1[%2]").arg(QString::fromStdString(id)).arg(v)));
        // 4 bytes per reference per sample.
        QCOMPARE(store->blob(attributionSampleBlobKey(run, "s/1"))->size(), size_t(12));

        auto one = loadStoredAttribution(*store, run, "s/1");
        QVERIFY(one.ok() && one->has_value());
        QCOMPARE((*one)->source, Attribution::Source::StoredExactRun);
        QCOMPARE((*one)->referenceIds, refs);
        QVERIFY((*one)->runUtility && *(*one)->runUtility == 0.04111);
        QCOMPARE((*one)->utility, 0.04111);
        auto absent = loadStoredAttribution(*store, run, "s/3");
        QVERIFY(absent.ok() && !absent->has_value());
        // Another run (a fast one, or one scored before attribution existed) has none: nullopt, no error.
        const int64_t older = store->createRun(info).takeValue();
        auto none = loadRunAttributions(*store, older);
        QVERIFY(none.ok() && !none->has_value());
        auto noneOne = loadStoredAttribution(*store, older, "s/1");
        QVERIFY(noneOne.ok() && !noneOne->has_value());
        // A batch with the wrong count is refused before anything is written.
        QVERIFY(!storeAttributions(*store, older, refs, {{"x", {1.0}}}).ok());
        QVERIFY(!store->blob(attributionReferencesBlobKey(older)));
    }

    void damagedBlobsAreNamed()
    {
        auto store = openStore("damaged.ostproj");
        QVERIFY(store);
        const int64_t run = store->createRun(RunInfo{}).takeValue();
        QVERIFY(storeAttributions(*store, run, {"r1", "r2"}, {{"s/1", {1.0, 2.0}}}).ok());
        QVERIFY(store->putBlob(attributionSampleBlobKey(run, "s/bad"), "12345").ok());
        auto all = loadRunAttributions(*store, run);
        QVERIFY(!all.ok());
        QVERIFY2(all.error().message.find("sample 's/bad'") != std::string::npos, all.error().message.c_str());
        auto one = loadStoredAttribution(*store, run, "s/bad");
        QVERIFY(!one.ok());
        QVERIFY(loadStoredAttribution(*store, run, "s/1").ok());
        QVERIFY(store->putBlob(attributionReferencesBlobKey(run), "{not json").ok());
        auto refs = loadStoredAttribution(*store, run, "s/1");
        QVERIFY(!refs.ok());
        QVERIFY2(refs.error().message.find("reference ids") != std::string::npos, refs.error().message.c_str());
    }

    void summaryCountsRanksAndGroups()
    {
        // ΔL_v > 0 lowers v's loss (helps); ref/3 is hurt most.
        const auto a = attribution({0.05, -0.09, 0.02, -0.21, 0.0, 0.3});
        const std::map<std::string, std::string> groups = {{"ref/0", "algebra"}, {"ref/1", ""}, {"ref/2", "algebra"},
                                                           {"ref/3", "geometry"}, {"ref/4", "geometry"},
                                                           {"ref/5", "algebra"}};
        const auto s = summarizeAttribution(a, 2, groups, "subject");
        QCOMPARE(s.references, int64_t(6));
        QCOMPARE(s.lowered, int64_t(3));
        QCOMPARE(s.raised, int64_t(2));
        QCOMPARE(s.hurtMost.size(), size_t(2));
        QCOMPARE(QString::fromStdString(s.hurtMost[0].referenceId), QStringLiteral("ref/3"));
        QCOMPARE(QString::fromStdString(s.hurtMost[0].group), QStringLiteral("geometry"));
        QCOMPARE(QString::fromStdString(s.hurtMost[1].referenceId), QStringLiteral("ref/1"));
        QCOMPARE(s.helpedMost.size(), size_t(2));
        QCOMPARE(QString::fromStdString(s.helpedMost[0].referenceId), QStringLiteral("ref/5"));
        QCOMPARE(s.groups.size(), size_t(3));
        QCOMPARE(QString::fromStdString(s.groups[0].group), QStringLiteral("geometry")); // most hurt first
        QCOMPARE(s.groups[0].references, int64_t(2));
        QCOMPARE(s.groups[0].raised, int64_t(1));
        QVERIFY(std::abs(s.groups[0].sum + 0.21) < 1e-12);
        double total = 0;
        for (const auto &g : s.groups)
            total += g.sum;
        QVERIFY(std::abs(total / 6 - a.utility) < 1e-12); // the groups still sum to the utility

        QCOMPARE(QString::fromStdString(describeAttribution(s)),
                 QStringLiteral("lowers the loss on 3 of 6 reference problems; hurts most: ref/3 (geometry, +0.21), "
                                "ref/1 (+0.09); helps most: ref/5 (algebra, -0.3), ref/0 (algebra, -0.05)"));
        const auto plain = summarizeAttribution(attribution({0.1, 0.2}));
        QVERIFY(plain.groups.empty());
        QCOMPARE(QString::fromStdString(describeAttribution(plain)),
                 QStringLiteral("lowers the loss on 2 of 2 reference problems; raises none; helps most: ref/1 (-0.2), "
                                "ref/0 (-0.1)"));

        QCOMPARE(*groupDelta(a.deltas, a.referenceIds, groups, "geometry"), -0.21);
        QVERIFY(!groupDelta(a.deltas, a.referenceIds, groups, "topology"));
    }

    void referenceSetView()
    {
        RunAttributions all;
        all.referenceIds = {"r1", "r2"};
        all.deltas = {{"a", {0.1, -0.2}}, {"b", {0.3, -0.1}}, {"c", {-0.1, 0.0}}};
        const auto view = summarizeReferenceSet(7, all, {{"r1", "x"}});
        QCOMPARE(view.runId, int64_t(7));
        QCOMPARE(view.samples, int64_t(3));
        QCOMPARE(view.references.size(), size_t(2));
        QCOMPARE(view.references[0].helped, int64_t(2));
        QCOMPARE(view.references[0].hurt, int64_t(1));
        QCOMPARE(QString::fromStdString(view.references[0].group), QStringLiteral("x"));
        QCOMPARE(view.references[1].helped, int64_t(0));
        QCOMPARE(view.references[1].hurt, int64_t(2));
        QVERIFY(std::abs(view.references[1].meanDelta + 0.1) < 1e-12);
    }

    void groupsOfReferenceRecords()
    {
        const std::vector<Sample> refs = {reference("gold/1", ", \"subject\": \"geometry\", \"level\": 2"),
                                          reference("gold/2", ", \"subject\": \"algebra\""), reference("x")};
        auto subject = referenceGroups(refs, "subject");
        QVERIFY(subject.ok());
        QCOMPARE(QString::fromStdString(subject->at("gold/1")), QStringLiteral("geometry"));
        QCOMPARE(QString::fromStdString(subject->at("x")), QStringLiteral(""));
        QCOMPARE(QString::fromStdString(referenceGroups(refs, "level")->at("gold/1")), QStringLiteral("2"));
        QCOMPARE(QString::fromStdString(referenceGroups(refs, "id-prefix")->at("gold/2")), QStringLiteral("gold"));
        auto typo = referenceGroups(refs, "subjet");
        QVERIFY(!typo.ok());
        QVERIFY2(typo.error().message.find("subjet") != std::string::npos, typo.error().message.c_str());
    }
};

QTEST_GUILESS_MAIN(TstAttribution)
#include "tst_attribution.moc"
