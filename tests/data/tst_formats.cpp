// Every supported layout is detected and read the same way: turns, images (3 resolution rules), ids.
#include "TestData.h"

#include "core/data/Dataset.h"
#include "core/data/Hash.h"

#include <QtTest>

#include <filesystem>
#include <thread>

using namespace ost;
using testdata::writeFile;
using testdata::writeImage;

class TstFormats : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    std::string dir() const { return m_tmp.path().toStdString(); }
    std::string file(const std::string &name) const { return dir() + "/" + name; }

    std::unique_ptr<Dataset> openOk(const std::string &path, const DatasetOptions &opt = {})
    {
        auto r = Dataset::open(path, opt);
        if (!r.ok())
            qWarning("%s", r.error().message.c_str());
        return r.ok() ? r.takeValue() : nullptr;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        std::filesystem::create_directories(file("images"));
        writeImage(file("images/a.png"));
        writeImage(file("images/b.jpg"));
    }

    void hashesMatchKnownVectors()
    {
        QCOMPARE(sha1Hex("abc"), std::string("a9993e364706816aba3e25717850c26c9cd0d89d"));
        QCOMPARE(sha256Hex("abc"), std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        QCOMPARE(sha256Hex(""), std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        const std::string million(1000000, 'a');
        QCOMPARE(sha1Hex(million), std::string("34aa973cd4c4daa4f61eeb2bdbad27316534016f"));
        QCOMPARE(sha256Hex(million), std::string("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
        // streaming in odd pieces gives the same digest
        Sha256 h;
        for (size_t i = 0; i < million.size(); i += 997)
            h.update(million.data() + i, std::min<size_t>(997, million.size() - i));
        QCOMPARE(h.hexDigest(), sha256Hex(million));
        Sha1 h1;
        for (size_t i = 0; i < million.size(); i += 61)
            h1.update(million.data() + i, std::min<size_t>(61, million.size() - i));
        QCOMPARE(h1.hexDigest(), sha1Hex(million));
        // Two-block padding (56 bytes of message), and a digest moved before it is finished.
        const std::string two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
        QCOMPARE(sha1Hex(two), std::string("84983e441c3bd26ebaae4aa1f95129e5e54670f1"));
        Sha256 moved;
        moved.update(two);
        Sha256 target = std::move(moved);
        QCOMPARE(target.hexDigest(), std::string("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
    }

    void formatNamesRoundTrip()
    {
        for (DatasetFormat f : {DatasetFormat::MessagesJsonl, DatasetFormat::MessagesJson, DatasetFormat::ShareGptJsonl,
                                DatasetFormat::ShareGptJson, DatasetFormat::LlavaJson, DatasetFormat::LlavaJsonl,
                                DatasetFormat::QwenVlJson, DatasetFormat::QwenVlJsonl})
            QCOMPARE(formatFromName(formatName(f)), f);
        QCOMPARE(formatFromName("nonsense"), DatasetFormat::Unknown);
        QCOMPARE(formatName(DatasetFormat::MessagesJsonl), std::string("messages-jsonl"));
    }

    void messagesJsonl()
    {
        const std::string l1 = testdata::messagesRecord("s1", "images/a.png");
        const std::string l2 = "{\"id\": 42, \"messages\": [{\"role\": \"system\", \"content\": \"Be brief.\"}, "
                               "{\"role\": \"user\", \"content\": \"<image><image>Compare.\"}, "
                               "{\"role\": \"assistant\", \"content\": \"first\"}, {\"role\": \"user\", \"content\": \"more\"}, "
                               "{\"role\": \"assistant\", \"content\": \"Same.\"}], \"images\": [\"images/a.png\", \"images/b.jpg\"], "
                               "\"extra\": {\"k\": [1,2]}}";
        writeFile(file("m.jsonl"), l1 + "\n" + l2 + "\n");
        auto ds = openOk(file("m.jsonl"));
        QVERIFY(ds);
        QCOMPARE(ds->format(), DatasetFormat::MessagesJsonl);
        QCOMPARE(ds->size(), int64_t(2));
        QCOMPARE(ds->id(0), std::string("s1"));
        QCOMPARE(ds->id(1), std::string("42")); // numeric ids keep their text
        QCOMPARE(ds->indexOf("42"), int64_t(1));
        QCOMPARE(ds->indexOf("nope"), int64_t(-1));
        QCOMPARE(ds->rawRecord(1), l2); // unknown fields included, bytes unchanged
        auto s = ds->sample(1);
        QVERIFY(s.ok());
        QCOMPARE(s->turns.size(), size_t(5));
        QCOMPARE(s->turns[0].role, std::string("system"));
        QCOMPARE(s->question(), std::string("<image><image>Compare."));
        QCOMPARE(s->answer(), std::string("Same."));
        QCOMPARE(s->images.size(), size_t(2));
        QCOMPARE(s->resolvedImages[1], file("images/b.jpg"));
        QCOMPARE(s->line, int64_t(2));
        QCOMPARE(s->index, int64_t(1));
        QCOMPARE(s->rawJson, l2);
        QCOMPARE(s->contentHash, sha1Hex(l2));
        QVERIFY(validateSample(*s).empty());
    }

    void messagesJsonArrayAndContentParts()
    {
        writeFile(file("m.json"),
                  "[\n  {\"id\": \"p1\", \"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"image\"}, "
                  "{\"type\": \"text\", \"text\": \"What is shown?\"}]}, {\"role\": \"assistant\", \"content\": \"A cat.\"}], "
                  "\"images\": [\"images/a.png\"]},\n  {\"id\": \"p2\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}, "
                  "{\"role\": \"assistant\", \"content\": \"hello\"}]}\n]\n");
        auto ds = openOk(file("m.json"));
        QVERIFY(ds);
        QCOMPARE(ds->format(), DatasetFormat::MessagesJson);
        QCOMPARE(ds->size(), int64_t(2));
        QCOMPARE(ds->sample(1)->line, int64_t(3));
        auto s = ds->sample(0);
        QVERIFY(s.ok());
        QCOMPARE(s->question(), std::string("<image>What is shown?"));
        QVERIFY(ds->rawRecord(0).rfind("{\"id\": \"p1\"", 0) == 0);
        QVERIFY(ds->rawRecord(1).back() == '}');
    }

    void shareGptJsonl()
    {
        writeFile(file("sg.jsonl"),
                  "{\"conversations\": [{\"from\": \"system\", \"value\": \"sys\"}, {\"from\": \"human\", \"value\": "
                  "\"<image>Q?\"}, {\"from\": \"gpt\", \"value\": \"A.\"}], \"images\": [\"images/a.png\"]}\n"
                  "{\"id\": \"u\", \"conversations\": [{\"from\": \"user\", \"value\": \"Q2\"}, {\"from\": \"assistant\", "
                  "\"value\": \"A2\"}], \"images\": []}\n");
        auto ds = openOk(file("sg.jsonl"));
        QVERIFY(ds);
        QCOMPARE(ds->format(), DatasetFormat::ShareGptJsonl);
        auto s = ds->sample(0);
        QVERIFY(s.ok());
        QCOMPARE(s->turns[0].role, std::string("system"));
        QCOMPARE(s->turns[1].role, std::string("user"));
        QCOMPARE(s->turns[2].role, std::string("assistant"));
        QCOMPARE(s->answer(), std::string("A."));
        // no own id: sha1 of the record's bytes, 12 hex digits
        QCOMPARE(ds->id(0), "sha1:" + sha1Hex(ds->rawRecord(0)).substr(0, 12));
        QCOMPARE(ds->sample(1)->turns[0].role, std::string("user"));
    }

    void shareGptJsonArray()
    {
        writeFile(file("sg.json"), "[{\"id\": \"a\", \"conversations\": [{\"from\": \"human\", \"value\": \"<image>Q\"}, "
                                   "{\"from\": \"gpt\", \"value\": \"A\"}], \"images\": [\"images/a.png\"]}]");
        auto ds = openOk(file("sg.json"));
        QVERIFY(ds);
        QCOMPARE(ds->format(), DatasetFormat::ShareGptJson);
        QCOMPARE(ds->sample(0)->resolvedImages[0], file("images/a.png"));
    }

    void llavaJsonAndJsonl()
    {
        const std::string recs[] = {
            "{\"id\": \"000000033471\", \"image\": \"images/a.png\", \"conversations\": [{\"from\": \"human\", "
            "\"value\": \"<image>\\nWhat are the colors of the bus in the image?\"}, {\"from\": \"gpt\", \"value\": "
            "\"The bus in the image is white and red.\"}]}",
            "{\"id\": \"two\", \"image\": [\"images/a.png\", \"images/b.jpg\"], \"conversations\": [{\"from\": \"human\", "
            "\"value\": \"<image>\\n<image>\\nDiff?\"}, {\"from\": \"gpt\", \"value\": \"Colour.\"}]}",
            "{\"id\": \"text\", \"conversations\": [{\"from\": \"human\", \"value\": \"Hi\"}, {\"from\": \"gpt\", \"value\": \"Hello\"}]}"};
        writeFile(file("llava.json"), "[\n" + recs[0] + ",\n" + recs[1] + ",\n" + recs[2] + "\n]");
        auto ds = openOk(file("llava.json"));
        QVERIFY(ds);
        QCOMPARE(ds->format(), DatasetFormat::LlavaJson);
        QCOMPARE(ds->size(), int64_t(3));
        QCOMPARE(ds->rawRecord(1), recs[1]);
        QCOMPARE(ds->id(0), std::string("000000033471"));
        QCOMPARE(ds->sample(0)->images, std::vector<std::string>{"images/a.png"});
        QCOMPARE(ds->sample(1)->images.size(), size_t(2));
        QCOMPARE(ds->sample(2)->images.size(), size_t(0));
        QVERIFY(validateSample(*ds->sample(1)).empty());

        writeFile(file("llava.jsonl"), recs[0] + "\n" + recs[1] + "\n");
        auto dl = openOk(file("llava.jsonl"));
        QVERIFY(dl);
        QCOMPARE(dl->format(), DatasetFormat::LlavaJsonl);
        QCOMPARE(dl->sample(1)->answer(), std::string("Colour."));
    }

    void qwenVlImgTags()
    {
        const std::string rec = "{\"id\": \"identity_0\", \"conversations\": [{\"from\": \"user\", \"value\": \"Picture 1: "
                                "<img>images/a.png</img>\\nPicture 2: <img>images/b.jpg</img>\\nWhat differs?\"}, "
                                "{\"from\": \"assistant\", \"value\": \"The format.\"}]}";
        writeFile(file("qwen.json"), "[" + rec + "]");
        auto ds = openOk(file("qwen.json"));
        QVERIFY(ds);
        QCOMPARE(ds->format(), DatasetFormat::QwenVlJson);
        auto s = ds->sample(0);
        QVERIFY(s.ok());
        QCOMPARE(s->images, (std::vector<std::string>{"images/a.png", "images/b.jpg"}));
        QCOMPARE(s->question(), std::string("Picture 1: <image>\nPicture 2: <image>\nWhat differs?"));
        QCOMPARE(s->resolvedImages[0], file("images/a.png"));
        QVERIFY(validateSample(*s).empty());
        writeFile(file("qwen.jsonl"), rec + "\n");
        auto dl = openOk(file("qwen.jsonl"));
        QVERIFY(dl);
        QCOMPARE(dl->format(), DatasetFormat::QwenVlJsonl);
    }

    void imagesResolveByThreeRules()
    {
        // 1) dataset folder  2) imageRoot  3) absolute
        QTemporaryDir root;
        std::filesystem::create_directories(root.path().toStdString() + "/pics");
        writeImage(root.path().toStdString() + "/pics/r.png");
        const std::string abs = file("images/b.jpg");
        writeFile(file("res.jsonl"), testdata::messagesRecord("rel", "images/a.png") + "\n" +
                                         testdata::messagesRecord("root", "pics/r.png") + "\n" +
                                         testdata::messagesRecord("abs", abs) + "\n" +
                                         testdata::messagesRecord("gone", "images/none.png") + "\n");
        DatasetOptions opt;
        opt.imageRoot = root.path().toStdString();
        auto ds = openOk(file("res.jsonl"), opt);
        QVERIFY(ds);
        QCOMPARE(ds->sample(0)->resolvedImages[0], file("images/a.png"));
        QCOMPARE(ds->sample(1)->resolvedImages[0], root.path().toStdString() + "/pics/r.png");
        QCOMPARE(ds->sample(2)->resolvedImages[0], abs);
        QCOMPARE(ds->sample(3)->resolvedImages[0], std::string());
        // without the root, the second one is missing
        auto plain = openOk(file("res.jsonl"));
        QCOMPARE(plain->sample(1)->resolvedImages[0], std::string());
    }

    void duplicateIdsBecomeUnique()
    {
        writeFile(file("dup.jsonl"), testdata::messagesRecord("x", "images/a.png") + "\n" +
                                         testdata::messagesRecord("x", "images/a.png") + "\n" +
                                         testdata::messagesRecord("x#2", "images/a.png") + "\n" +
                                         testdata::messagesRecord("x", "images/a.png") + "\n");
        auto ds = openOk(file("dup.jsonl"));
        QVERIFY(ds);
        QCOMPARE(ds->id(0), std::string("x"));
        QCOMPARE(ds->id(1), std::string("x#3")); // x#2 is taken by record 3 itself
        QCOMPARE(ds->id(2), std::string("x#2"));
        QCOMPARE(ds->id(3), std::string("x#4"));
        int warnings = 0;
        for (const auto &v : ds->indexIssues()) {
            QCOMPARE(v.severity, ValidationIssue::Severity::Warning);
            QVERIFY(v.message.find("duplicate id 'x'") != std::string::npos);
            QVERIFY(v.line == 2 || v.line == 4);
            ++warnings;
        }
        QCOMPARE(warnings, 2);
        for (int64_t i = 0; i < 4; ++i)
            QCOMPARE(ds->indexOf(ds->id(i)), i);
    }

    void crlfBomAndBlankLines()
    {
        const std::string r1 = testdata::messagesRecord("c1", "images/a.png");
        const std::string r2 = testdata::messagesRecord("c2", "images/a.png");
        writeFile(file("crlf.jsonl"), "\xEF\xBB\xBF" + r1 + "\r\n\r\n   \n" + r2 + "\r\n");
        auto ds = openOk(file("crlf.jsonl"));
        QVERIFY(ds);
        QCOMPARE(ds->size(), int64_t(2));
        QCOMPARE(ds->rawRecord(0), r1);
        QCOMPARE(ds->rawRecord(1), r2);
        QCOMPARE(ds->sample(1)->line, int64_t(4));
        QVERIFY(ds->indexIssues().empty());
    }

    void sampleIsThreadSafe()
    {
        std::string all;
        for (int i = 0; i < 300; ++i)
            all += testdata::messagesRecord("t" + std::to_string(i), "images/a.png", "answer " + std::to_string(i)) + "\n";
        writeFile(file("threads.jsonl"), all);
        auto ds = openOk(file("threads.jsonl"));
        QVERIFY(ds);
        std::atomic<int> bad{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&, t] {
                for (int rep = 0; rep < 3; ++rep)
                    for (int i = t; i < 300; i += 2) {
                        auto s = ds->sample(i);
                        if (!s.ok() || s->answer() != "answer " + std::to_string(i) || s->id != "t" + std::to_string(i))
                            ++bad;
                    }
            });
        for (auto &th : threads)
            th.join();
        QCOMPARE(bad.load(), 0);
    }

    void openFailsClearly()
    {
        auto missing = Dataset::open(file("does-not-exist.jsonl"));
        QVERIFY(!missing.ok());
        QVERIFY(missing.error().message.find("does-not-exist.jsonl") != std::string::npos);
        writeFile(file("empty.jsonl"), "");
        QVERIFY(!Dataset::open(file("empty.jsonl")).ok());
        writeFile(file("other.jsonl"), "{\"text\": \"plain pretraining text\"}\n");
        auto other = Dataset::open(file("other.jsonl"));
        QVERIFY(!other.ok());
        QVERIFY(other.error().message.find("unrecognised") != std::string::npos);
        QVERIFY(!Dataset::open(dir()).ok()); // a folder
    }
};

QTEST_GUILESS_MAIN(TstFormats)
#include "tst_formats.moc"
