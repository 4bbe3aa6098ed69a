// Export: selection policies, byte-for-byte round trips, image path rewriting, conversion, the
// manifest, and atomicity (a failed or cancelled export leaves nothing behind).
#include "TestData.h"

#include "core/data/Dataset.h"
#include "core/data/ExportPolicy.h"
#include "core/data/Exporter.h"
#include "core/data/Hash.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <filesystem>

using namespace ost;
using testdata::messagesRecord;
using testdata::readFile;
using testdata::writeFile;
using testdata::writeImage;
namespace fs = std::filesystem;

class TstExport : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    std::string file(const std::string &name) const { return m_tmp.path().toStdString() + "/" + name; }

    std::unique_ptr<Dataset> open(const std::string &path)
    {
        auto r = Dataset::open(path);
        if (!r.ok())
            qWarning("%s", r.error().message.c_str());
        return r.ok() ? r.takeValue() : nullptr;
    }

    std::vector<std::string> ids(const Dataset &ds, const std::vector<int64_t> &indices)
    {
        std::vector<std::string> out;
        for (int64_t i : indices)
            out.push_back(ds.id(i));
        return out;
    }

    std::vector<std::string> filesIn(const std::string &dir)
    {
        std::vector<std::string> out;
        for (const auto &e : fs::directory_iterator(dir))
            out.push_back(e.path().filename().string());
        std::sort(out.begin(), out.end());
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        fs::create_directories(file("images"));
        fs::create_directories(file("other"));
        fs::create_directories(file("out"));
        writeImage(file("images/a.png"));
        writeImage(file("images/b.png"), 20, 20);
        writeImage(file("other/a.png"), 30, 10); // same name, different picture
        std::string all;
        for (int i = 0; i < 10; ++i)
            all += messagesRecord("s" + std::to_string(i), i % 2 ? "images/b.png" : "images/a.png") + "\n";
        writeFile(file("ten.jsonl"), all);
    }

    void policies()
    {
        auto ds = open(file("ten.jsonl"));
        QVERIFY(ds);
        std::map<std::string, double> u;
        for (int i = 0; i < 10; ++i)
            u["s" + std::to_string(i)] = (i * 37 % 10) / 10.0; // s0 .0 s1 .7 s2 .4 s3 .1 s4 .8 s5 .5 s6 .2 s7 .9 s8 .6 s9 .3
        u.erase("s9"); // unscored
        ExportPolicy p;
        p.mode = ExportPolicy::Mode::TopK;
        p.topK = 3;
        auto sel = selectForExport(*ds, p, u, {});
        QCOMPARE(ids(*ds, sel.indices), (std::vector<std::string>{"s1", "s4", "s7"})); // file order
        QCOMPARE(sel.unscored, int64_t(1));

        // dropped samples leave the ranking; forced keeps join whatever their score
        std::map<std::string, KeepDecision> d{{"s7", KeepDecision::Drop}, {"s0", KeepDecision::Keep},
                                              {"ghost", KeepDecision::Drop}};
        sel = selectForExport(*ds, p, u, d);
        QCOMPARE(ids(*ds, sel.indices), (std::vector<std::string>{"s0", "s1", "s4", "s8"}));
        QCOMPARE(sel.forcedKeeps, int64_t(1));
        QCOMPARE(sel.dropped, int64_t(1));
        QCOMPARE(sel.unknownIds, std::vector<std::string>{"ghost"});

        p.mode = ExportPolicy::Mode::TopPercent;
        p.topPercent = 25; // of 9 scored -> ceil(2.25) = 3
        QCOMPARE(ids(*ds, selectForExport(*ds, p, u, {}).indices), (std::vector<std::string>{"s1", "s4", "s7"}));

        p.mode = ExportPolicy::Mode::MinUtility;
        p.minUtility = 0.6;
        QCOMPARE(ids(*ds, selectForExport(*ds, p, u, {}).indices), (std::vector<std::string>{"s1", "s4", "s7", "s8"}));

        p.mode = ExportPolicy::Mode::All;
        sel = selectForExport(*ds, p, u, d);
        QCOMPARE(sel.indices.size(), size_t(9)); // everything minus s7
        p.applyDecisions = false;
        QCOMPARE(selectForExport(*ds, p, u, d).indices.size(), size_t(10));

        p = ExportPolicy{};
        p.mode = ExportPolicy::Mode::Ids;
        p.ids = {"s3", "nope", "s2"};
        sel = selectForExport(*ds, p, u, {});
        QCOMPARE(ids(*ds, sel.indices), (std::vector<std::string>{"s2", "s3"}));
        QCOMPARE(sel.unknownIds, std::vector<std::string>{"nope"});
        auto pj = nlohmann::json::parse(p.toJson());
        QCOMPARE(pj["mode"].get<std::string>(), std::string("ids"));
    }

    // Top-k / top-% within groups: a field of the record, or the id's prefix / suffix around its last '/'.
    void rankingWithinGroups()
    {
        const std::vector<std::pair<std::string, double>> scored = {
            {"a/1", .9}, {"a/2", .8}, {"a/3", .7}, {"a/4", .6}, {"b/1", .1}, {"b/2", .95}, {"b/3", .3}, {"b/4", .4}};
        std::string text;
        std::map<std::string, double> u;
        for (const auto &[id, utility] : scored) {
            std::string record = messagesRecord(id, "images/a.png");
            record.insert(record.size() - 1, ", \"source\": \"" + id.substr(0, 1) + "\"");
            text += record + "\n";
            u[id] = utility;
        }
        text += messagesRecord("lone", "images/a.png") + "\n"; // no source field and no '/' in its id
        u["lone"] = .5;
        writeFile(file("groups.jsonl"), text);
        auto ds = open(file("groups.jsonl"));
        QVERIFY(ds);

        ExportPolicy p;
        p.mode = ExportPolicy::Mode::TopPercent;
        p.topPercent = 50; // 5 of 9 overall: group b's only pick is its outlier b/2
        QCOMPARE(ids(*ds, selectForExport(*ds, p, u, {}).indices),
                 (std::vector<std::string>{"a/1", "a/2", "a/3", "a/4", "b/2"}));

        p.withinGroups = SampleGroups::parse("source").takeValue();
        auto sel = selectForExport(*ds, p, u, {});
        QCOMPARE(ids(*ds, sel.indices), (std::vector<std::string>{"a/1", "a/2", "b/2", "b/4", "lone"}));
        QCOMPARE(sel.groups, int64_t(3)); // a, b and the ungrouped
        QCOMPARE(sel.ungrouped, int64_t(1));
        QVERIFY(p.describe().find("within each 'source'") != std::string::npos);
        QCOMPARE(nlohmann::json::parse(p.toJson())["within_groups"].get<std::string>(), std::string("source"));

        // a dropped sample leaves its group's ranking, and the next one in that group moves up
        sel = selectForExport(*ds, p, u, {{"b/2", KeepDecision::Drop}});
        QCOMPARE(ids(*ds, sel.indices), (std::vector<std::string>{"a/1", "a/2", "b/3", "b/4", "lone"}));

        p.mode = ExportPolicy::Mode::TopK; // the best sample of each group
        p.topK = 1;
        p.withinGroups = SampleGroups::parse("id-prefix").takeValue();
        QCOMPARE(ids(*ds, selectForExport(*ds, p, u, {}).indices), (std::vector<std::string>{"a/1", "b/2", "lone"}));
        p.withinGroups = SampleGroups::parse("id-suffix").takeValue(); // the best answer to each problem
        QCOMPARE(ids(*ds, selectForExport(*ds, p, u, {}).indices),
                 (std::vector<std::string>{"a/1", "a/3", "a/4", "b/2", "lone"}));

        p.mode = ExportPolicy::Mode::MinUtility; // a threshold has nothing to rank: groups do not apply
        p.minUtility = 0.75;
        sel = selectForExport(*ds, p, u, {});
        QCOMPARE(ids(*ds, sel.indices), (std::vector<std::string>{"a/1", "a/2", "b/2"}));
        QCOMPARE(sel.groups, int64_t(0));

        QVERIFY(!SampleGroups::parse("").ok());
        QVERIFY(!SampleGroups::parse("two words").ok());
    }

    void jsonlRoundTripIsByteIdentical()
    {
        auto ds = open(file("ten.jsonl"));
        std::vector<int64_t> all(10);
        std::iota(all.begin(), all.end(), 0);
        ExportOptions o;
        o.outPath = file("copy.jsonl");
        auto r = exportSamples(*ds, all, o);
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        QCOMPARE(r->written, int64_t(10));
        QCOMPARE(r->pathsRewritten, int64_t(0));
        QCOMPARE(readFile(file("copy.jsonl")), readFile(file("ten.jsonl")));
        QVERIFY(fs::exists(file("copy.jsonl.manifest.json")));
    }

    void jsonArrayRoundTripKeepsEachRecord()
    {
        const std::string recs[] = {
            "{\"id\": \"L1\",  \"image\": \"images/a.png\", \"conversations\": [{\"from\": \"human\", \"value\": \"<image>\\nQ\"}, {\"from\": \"gpt\", \"value\": \"A \\u00e9\"}], \"score\": 1.50}",
            "{\n    \"id\": \"L2\",\n    \"conversations\": [{\"from\": \"human\", \"value\": \"Q2\"}, {\"from\": \"gpt\", \"value\": \"A2\"}]\n  }"};
        writeFile(file("llava.json"), "[\n  " + recs[0] + ",\n  " + recs[1] + "\n]\n");
        auto ds = open(file("llava.json"));
        QVERIFY(ds);
        ExportOptions o;
        o.outPath = file("out/llava-copy.json");
        auto r = exportSamples(*ds, {0, 1}, o);
        QVERIFY(r.ok());
        auto back = open(file("out/llava-copy.json"));
        QVERIFY(back);
        QCOMPARE(back->format(), DatasetFormat::LlavaJson);
        QCOMPARE(back->rawRecord(1), recs[1]); // no image: untouched
        // record 0 had its path rewritten for the new folder, nothing else changed
        std::string expected0 = recs[0];
        expected0.replace(expected0.find("images/a.png"), 12, "../images/a.png");
        QCOMPARE(back->rawRecord(0), expected0);
        QCOMPARE(back->sample(0)->resolvedImages[0], file("images/a.png"));
    }

    void pathsRewrittenForAnotherFolder()
    {
        auto ds = open(file("ten.jsonl"));
        ExportOptions o;
        o.outPath = file("out/sub.jsonl");
        auto r = exportSamples(*ds, {0, 1}, o);
        QVERIFY(r.ok());
        QCOMPARE(r->pathsRewritten, int64_t(2));
        auto back = open(file("out/sub.jsonl"));
        QVERIFY(back);
        QCOMPARE(back->sample(0)->images[0], std::string("../images/a.png"));
        QCOMPARE(back->sample(1)->resolvedImages[0], file("images/b.png"));
        std::string expected = ds->rawRecord(1);
        expected.replace(expected.find("images/b.png"), 12, "../images/b.png");
        QCOMPARE(back->rawRecord(1), expected);
    }

    void qwenTagsRewritten()
    {
        writeFile(file("qwen.jsonl"), "{\"id\": \"q\", \"conversations\": [{\"from\": \"user\", \"value\": \"Picture 1: "
                                      "<img>images/a.png</img>\\nWhat?\"}, {\"from\": \"assistant\", \"value\": \"A.\"}]}\n");
        auto ds = open(file("qwen.jsonl"));
        QVERIFY(ds);
        ExportOptions o;
        o.outPath = file("out/qwen.jsonl");
        QVERIFY(exportSamples(*ds, {0}, o).ok());
        auto back = open(file("out/qwen.jsonl"));
        QVERIFY(back);
        QCOMPARE(back->sample(0)->images[0], std::string("../images/a.png"));
        QCOMPARE(back->sample(0)->resolvedImages[0], file("images/a.png"));
    }

    void copyImagesBesideOutput()
    {
        writeFile(file("mixed.jsonl"), messagesRecord("m1", "images/a.png") + "\n" + messagesRecord("m2", "other/a.png") +
                                           "\n" + messagesRecord("m3", "images/a.png") + "\n");
        auto ds = open(file("mixed.jsonl"));
        QVERIFY(ds);
        fs::create_directories(file("packed"));
        ExportOptions o;
        o.outPath = file("packed/set.jsonl");
        o.copyImages = true;
        auto r = exportSamples(*ds, {0, 1, 2}, o);
        QVERIFY(r.ok());
        QCOMPARE(r->imagesCopied, int64_t(2));
        auto back = open(file("packed/set.jsonl"));
        QCOMPARE(back->sample(0)->images[0], std::string("images/a.png"));
        QCOMPARE(back->sample(1)->images[0], std::string("images/a-2.png")); // name clash, other picture
        QCOMPARE(back->sample(2)->images[0], std::string("images/a.png"));
        QCOMPARE(readFile(file("packed/images/a-2.png")), readFile(file("other/a.png")));
        QVERIFY(validateDataset(*back).empty());
    }

    void conversions()
    {
        writeFile(file("rich.jsonl"),
                  "{\"id\": \"r1\", \"messages\": [{\"role\": \"system\", \"content\": \"S\"}, {\"role\": \"user\", "
                  "\"content\": \"<image>Q\"}, {\"role\": \"assistant\", \"content\": \"A\"}], \"images\": [\"images/a.png\"], "
                  "\"meta\": {\"source\": \"x\"}}\n");
        auto ds = open(file("rich.jsonl"));
        ExportOptions o;
        o.outPath = file("out/rich.json");
        o.format = ExportFormat::Llava;
        auto r = exportSamples(*ds, {0}, o);
        QVERIFY(r.ok());
        QCOMPARE(r->writtenFormat, DatasetFormat::LlavaJson);
        auto j = nlohmann::json::parse(readFile(file("out/rich.json")));
        QVERIFY(j.is_array());
        QCOMPARE(j[0]["image"].get<std::string>(), std::string("../images/a.png"));
        QCOMPARE(j[0]["conversations"][1]["from"].get<std::string>(), std::string("human"));
        QCOMPARE(j[0]["conversations"][2]["from"].get<std::string>(), std::string("gpt"));
        QCOMPARE(j[0]["meta"]["source"].get<std::string>(), std::string("x")); // unknown fields carried

        // and back to messages JSONL: same turns, same image
        auto llava = open(file("out/rich.json"));
        QVERIFY(llava);
        ExportOptions m;
        m.outPath = file("rich-again.jsonl");
        m.format = ExportFormat::Messages;
        QVERIFY(exportSamples(*llava, {0}, m).ok());
        auto again = open(file("rich-again.jsonl"));
        QVERIFY(again);
        QCOMPARE(again->format(), DatasetFormat::MessagesJsonl);
        auto a = again->sample(0), orig = ds->sample(0);
        QCOMPARE(a->turns.size(), orig->turns.size());
        for (size_t i = 0; i < a->turns.size(); ++i) {
            QCOMPARE(a->turns[i].role, orig->turns[i].role);
            QCOMPARE(a->turns[i].content, orig->turns[i].content);
        }
        QCOMPARE(a->resolvedImages, orig->resolvedImages);
        QCOMPARE(a->id, std::string("r1"));
    }

    void uninterpretableRecordsKeepTheirBytesInSameFormat()
    {
        const std::string odd = "{\"id\": \"odd\", \"messages\": \"not a list\"}";
        writeFile(file("odd.jsonl"), messagesRecord("fine", "images/a.png") + "\n" + odd + "\n");
        auto ds = open(file("odd.jsonl"));
        QVERIFY(ds);
        ExportOptions o;
        o.outPath = file("odd-copy.jsonl");
        auto r = exportSamples(*ds, {0, 1}, o);
        QVERIFY(r.ok());
        QCOMPARE(r->written, int64_t(2));
        QCOMPARE(r->warnings.size(), size_t(1));
        QCOMPARE(readFile(file("odd-copy.jsonl")), readFile(file("odd.jsonl")));
        o.outPath = file("odd.json");
        o.format = ExportFormat::Llava; // converting needs the record understood
        auto c = exportSamples(*ds, {0, 1}, o);
        QVERIFY(!c.ok());
        QVERIFY(c.error().message.find("'odd'") != std::string::npos);
        QVERIFY(!fs::exists(file("odd.json")));
    }

    void manifestDescribesTheExport()
    {
        auto ds = open(file("ten.jsonl"));
        ExportPolicy p;
        p.mode = ExportPolicy::Mode::TopK;
        p.topK = 2;
        std::map<std::string, double> u{{"s3", 0.9}, {"s5", 0.5}, {"s1", -0.2}};
        auto sel = selectForExport(*ds, p, u, {});
        ExportOptions o;
        o.outPath = file("out/top.jsonl");
        o.policyJson = p.toJson();
        o.runId = 7;
        o.method = "ost";
        o.scores = u;
        o.toolVersion = "9.9.9";
        auto r = exportSamples(*ds, sel.indices, o);
        QVERIFY(r.ok());
        QCOMPARE(r->manifestPath, file("out/top.jsonl.manifest.json"));
        auto m = nlohmann::json::parse(readFile(r->manifestPath));
        QCOMPARE(m["source"]["sha256"].get<std::string>(), fileSha256Hex(file("ten.jsonl")));
        QCOMPARE(m["source"]["format"].get<std::string>(), std::string("messages-jsonl"));
        QCOMPARE(m["output"]["count"].get<int>(), 2);
        QCOMPARE(m["ids"].get<std::vector<std::string>>(), (std::vector<std::string>{"s3", "s5"}));
        QCOMPARE(m["policy"]["mode"].get<std::string>(), std::string("top-k"));
        QCOMPARE(m["policy"]["top_k"].get<int>(), 2);
        QCOMPARE(m["run"]["id"].get<int>(), 7);
        QCOMPARE(m["scores"]["s1"].get<double>(), -0.2);
        QCOMPARE(m["tool_version"].get<std::string>(), std::string("9.9.9"));
        QVERIFY(!m["created_at"].get<std::string>().empty());
    }

    void failuresLeaveNothing()
    {
        auto ds = open(file("ten.jsonl"));
        const std::string sourceHash = fileSha256Hex(file("ten.jsonl"));
        fs::create_directories(file("fail"));
        const auto before = filesIn(file("fail"));

        // target is a folder: the rename fails at the very end
        fs::create_directories(file("fail/out.jsonl"));
        ExportOptions o;
        o.outPath = file("fail/out.jsonl");
        auto r = exportSamples(*ds, {0, 1, 2}, o);
        QVERIFY(!r.ok());
        QVERIFY(r.error().message.find("folder") != std::string::npos);
        fs::remove(file("fail/out.jsonl"));

        // cancelled midway, with image copying: no output, manifest, temp file or copied image
        CancelToken cancel;
        o.copyImages = true;
        int calls = 0;
        auto r2 = exportSamples(*ds, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, o, [&](const Progress &) {
            if (++calls == 1)
                cancel.cancel();
        }, &cancel);
        QVERIFY(!r2.ok());
        QVERIFY(r2.error().message.find("cancelled") != std::string::npos);
        QCOMPARE(filesIn(file("fail")), before);

        // missing output folder, and the source itself as target
        o.copyImages = false;
        o.outPath = file("no/such/dir/x.jsonl");
        QVERIFY(!exportSamples(*ds, {0}, o).ok());
        o.outPath = file("ten.jsonl");
        auto r3 = exportSamples(*ds, {0}, o);
        QVERIFY(!r3.ok());
        QVERIFY(r3.error().message.find("source") != std::string::npos);
        QCOMPARE(fileSha256Hex(file("ten.jsonl")), sourceHash);
    }
};

QTEST_GUILESS_MAIN(TstExport)
#include "tst_export.moc"
