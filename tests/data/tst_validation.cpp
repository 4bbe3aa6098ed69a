// Every problem kind is reported with its sample and line; broken and fuzzed files never crash.
#include "TestData.h"

#include "core/data/Dataset.h"

#include <QtTest>

#include <filesystem>
#include <random>

using namespace ost;
using testdata::messagesRecord;
using testdata::writeFile;
using testdata::writeImage;

namespace {

bool hasIssue(const std::vector<ValidationIssue> &issues, const std::string &id, int64_t line, const std::string &text,
              ValidationIssue::Severity sev = ValidationIssue::Severity::Error)
{
    for (const auto &v : issues)
        if (v.sampleId == id && v.line == line && v.severity == sev && v.message.find(text) != std::string::npos)
            return true;
    return false;
}

void dump(const std::vector<ValidationIssue> &issues)
{
    for (const auto &v : issues)
        qInfo("  [%s] id=%s line=%lld: %s", v.severity == ValidationIssue::Severity::Error ? "E" : "W",
              v.sampleId.c_str(), static_cast<long long>(v.line), v.message.c_str());
}

} // namespace

class TstValidation : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    std::string file(const std::string &name) const { return m_tmp.path().toStdString() + "/" + name; }

    // Fixture: a valid file of n records, each with its own image.
    std::string validJsonl(int n)
    {
        std::string all;
        for (int i = 0; i < n; ++i)
            all += messagesRecord("ok" + std::to_string(i), "images/a.png", "Because " + std::to_string(i) + ".") + "\n";
        return all;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        std::filesystem::create_directories(file("images"));
        writeImage(file("images/a.png"));
        writeImage(file("images/tiny.png"), 2, 2);
        writeFile(file("images/corrupt.png"), "this is not really a png at all, just bytes");
        writeFile(file("images/empty.jpg"), "");
        // A PNG header claiming 100000 x 100000 pixels: refused from the header, never decoded.
        std::string huge = std::string("\x89PNG\r\n\x1a\n", 8) + std::string("\0\0\0\x0dIHDR", 8);
        huge += std::string("\x00\x01\x86\xa0\x00\x01\x86\xa0\x08\x02\x00\x00\x00", 13) + std::string(64, '\0');
        writeFile(file("images/huge.png"), huge);
    }

    void eachProblemKindWithLine()
    {
        const std::string lines[] = {
            messagesRecord("good", "images/a.png"),                                                        // 1
            "{\"id\": \"broken\", \"messages\": [",                                                        // 2 malformed
            "{\"id\": \"noasst\", \"messages\": [{\"role\": \"user\", \"content\": \"<image>Q\"}], \"images\": [\"images/a.png\"]}", // 3
            messagesRecord("emptyans", "images/a.png", "   "),                                             // 4
            "{\"id\": \"placeholders\", \"messages\": [{\"role\": \"user\", \"content\": \"<image><image>Q\"}, "
            "{\"role\": \"assistant\", \"content\": \"A\"}], \"images\": [\"images/a.png\"]}",                // 5
            messagesRecord("missing", "images/nowhere.png"),                                               // 6
            messagesRecord("corrupt", "images/corrupt.png"),                                               // 7
            messagesRecord("huge", "images/huge.png"),                                                     // 8
            messagesRecord("tiny", "images/tiny.png"),                                                     // 9
            "{\"id\": \"types\", \"messages\": \"not a list\"}",                                           // 10
            "{\"id\": \"content\", \"messages\": [{\"role\": \"user\", \"content\": 5}]}",                  // 11
            messagesRecord("latin1", "images/a.png", "caf\xE9"),                                           // 12
            "[1, 2, 3]",                                                                                   // 13
            messagesRecord("emptyimg", "images/empty.jpg"),                                                // 14
        };
        std::string all;
        for (const auto &l : lines)
            all += l + "\n";
        writeFile(file("problems.jsonl"), all);
        auto r = Dataset::open(file("problems.jsonl"));
        QVERIFY(r.ok());
        auto &ds = *r.value();
        QCOMPARE(ds.size(), int64_t(12)); // lines 2 and 13 are not records
        const auto issues = validateDataset(ds);
        dump(issues);
        QVERIFY(hasIssue(issues, "", 2, "malformed JSON"));
        QVERIFY(hasIssue(issues, "", 13, "not a JSON object"));
        QVERIFY(hasIssue(issues, "noasst", 3, "no assistant turn"));
        QVERIFY(hasIssue(issues, "emptyans", 4, "answer"));
        QVERIFY(hasIssue(issues, "placeholders", 5, "2 <image> placeholder(s) but 1 image(s)"));
        QVERIFY(hasIssue(issues, "missing", 6, "not found"));
        QVERIFY(hasIssue(issues, "corrupt", 7, "corrupt or not a supported image"));
        QVERIFY(hasIssue(issues, "huge", 8, "100000x100000"));
        QVERIFY(hasIssue(issues, "tiny", 9, "smaller than"));
        QVERIFY(hasIssue(issues, "types", 10, "\"messages\" must be a list"));
        QVERIFY(hasIssue(issues, "content", 11, "messages[0].content must be a string"));
        QVERIFY(hasIssue(issues, "latin1", 12, "UTF-8"));
        QVERIFY(hasIssue(issues, "emptyimg", 14, "empty file"));
        for (const auto &v : issues)
            QVERIFY2(v.sampleId != "good", v.message.c_str());
        // the non-UTF-8 sample can still be read (bytes replaced for display)
        auto latin = ds.sample(ds.indexOf("latin1"));
        QVERIFY(latin.ok());
        QCOMPARE(latin->answer(), std::string("caf\xEF\xBF\xBD"));
        // without decoding, corrupt images pass but missing ones and absurd headers are still found
        DatasetOptions noDecode;
        noDecode.checkImages = false;
        const auto quick = validateDataset(ds, noDecode);
        QVERIFY(!hasIssue(quick, "corrupt", 7, "corrupt or not a supported image"));
        QVERIFY(hasIssue(quick, "missing", 6, "not found"));
    }

    void placeholderInsideAnswerIsOnlyAWarning()
    {
        // Real model-written answers sometimes contain "<image>" as text (MATH-V has one).
        writeFile(file("answer-tag.jsonl"), messagesRecord("t", "images/a.png", "See <image> and <image>.") + "\n");
        auto r = Dataset::open(file("answer-tag.jsonl"));
        QVERIFY(r.ok());
        const auto issues = validateDataset(*r.value());
        dump(issues);
        QCOMPARE(issues.size(), size_t(1));
        QVERIFY(hasIssue(issues, "t", 1, "assistant turn contains 2 literal <image>", ValidationIssue::Severity::Warning));
    }

    void malformedLinesInJsonArray()
    {
        writeFile(file("arr.json"), "[\n" + messagesRecord("a1", "images/a.png") + ",\n{\"id\": \"bad\", tru},\n" +
                                        messagesRecord("a3", "images/a.png") + "\n]\n");
        auto r = Dataset::open(file("arr.json"));
        QVERIFY(r.ok());
        QCOMPARE(r.value()->size(), int64_t(2));
        QVERIFY(hasIssue(r.value()->indexIssues(), "", 3, "malformed JSON"));
        QCOMPARE(r.value()->id(1), std::string("a3"));

        writeFile(file("arr-trunc.json"), "[\n" + messagesRecord("a1", "images/a.png") + ",\n" +
                                              messagesRecord("a2", "images/a.png").substr(0, 40));
        auto t = Dataset::open(file("arr-trunc.json"));
        QVERIFY(t.ok());
        QCOMPARE(t.value()->size(), int64_t(1));
        QVERIFY(hasIssue(t.value()->indexIssues(), "", 3, "truncated"));
    }

    void truncatedLastLine()
    {
        const std::string valid = validJsonl(5);
        writeFile(file("trunc.jsonl"), valid + messagesRecord("last", "images/a.png").substr(0, 50));
        auto r = Dataset::open(file("trunc.jsonl"));
        QVERIFY(r.ok());
        QCOMPARE(r.value()->size(), int64_t(5));
        QVERIFY(hasIssue(r.value()->indexIssues(), "", 6, "malformed JSON"));
    }

    void binaryGarbageAndHugeLines()
    {
        std::mt19937 rng(7);
        std::string garbage(4096, '\0');
        for (char &c : garbage)
            c = static_cast<char>(rng() & 0xFF);
        // 10 MB valid record and a 10 MB garbage line, between normal ones
        const std::string bigAnswer(10 << 20, 'x');
        std::string bigLine(10 << 20, '[');
        const std::string content = messagesRecord("r1", "images/a.png") + "\n" + garbage + "\n" +
                                    messagesRecord("big", "images/a.png", bigAnswer) + "\n" + bigLine + "\n" +
                                    messagesRecord("r2", "images/a.png") + "\n";
        writeFile(file("garbage.jsonl"), content);
        auto r = Dataset::open(file("garbage.jsonl"));
        QVERIFY(r.ok());
        auto &ds = *r.value();
        QVERIFY(ds.indexOf("r1") >= 0);
        QVERIFY(ds.indexOf("r2") >= 0);
        const int64_t big = ds.indexOf("big");
        QVERIFY(big >= 0);
        QCOMPARE(ds.sample(big)->answer().size(), bigAnswer.size());
        int errors = 0;
        for (const auto &v : ds.indexIssues())
            errors += v.severity == ValidationIssue::Severity::Error;
        QVERIFY(errors >= 2); // the garbage lines (it may contain several newlines) and the '{' line
        QVERIFY(hasIssue(ds.indexIssues(), "", ds.line(big) + 1, "nesting too deep"));
    }

    void allGarbageFailsToOpen()
    {
        writeFile(file("junk.bin"), std::string("\x00\x01\x02\xff\xfe garbage\n\x7f\x45LF", 18));
        auto r = Dataset::open(file("junk.bin"));
        QVERIFY(!r.ok());
        QVERIFY(r.error().message.find("junk.bin") != std::string::npos);
    }

    void fuzzedFilesNeverCrash()
    {
        // A few hundred mutated copies of a valid file (byte flips, insertions, cuts): each opens or
        // fails with a message, and validation of whatever was indexed completes.
        const std::string jsonl = validJsonl(12);
        std::string array = "[\n";
        for (int i = 0; i < 8; ++i)
            array += (i ? ",\n" : "") + messagesRecord("j" + std::to_string(i), "images/a.png");
        array += "\n]\n";
        std::mt19937 rng(20261125);
        DatasetOptions opt;
        opt.checkImages = false;
        int opened = 0, issues = 0;
        for (int iter = 0; iter < 300; ++iter) {
            std::string s = (iter % 3 == 2) ? array : jsonl;
            const int flips = 1 + static_cast<int>(rng() % 12);
            for (int f = 0; f < flips; ++f) {
                const size_t pos = rng() % s.size();
                switch (rng() % 4) {
                case 0:
                    s[pos] = static_cast<char>(rng() & 0xFF);
                    break;
                case 1:
                    s[pos] ^= static_cast<char>(1 << (rng() % 8));
                    break;
                case 2:
                    s.insert(pos, 1, "{}[]\",:\\\n\x80"[rng() % 11]);
                    break;
                default:
                    s.resize(std::max<size_t>(1, pos));
                    break;
                }
            }
            const std::string path = file("fuzz.json" + std::string(iter % 3 == 2 ? "" : "l"));
            writeFile(path, s);
            auto r = Dataset::open(path, opt);
            if (!r.ok()) {
                QVERIFY(!r.error().message.empty());
                continue;
            }
            ++opened;
            const auto found = validateDataset(*r.value(), opt);
            issues += static_cast<int>(found.size());
            for (int64_t i = 0; i < r.value()->size(); ++i)
                (void)r.value()->sample(i); // must not throw or crash
        }
        QVERIFY(opened > 100);
        QVERIFY(issues > 100);
    }

    void deepNestingIsRefused()
    {
        std::string deep(200000, '[');
        writeFile(file("deep.jsonl"), messagesRecord("ok", "images/a.png") + "\n" + deep + "\n");
        auto r = Dataset::open(file("deep.jsonl"));
        QVERIFY(r.ok());
        QCOMPARE(r.value()->size(), int64_t(1));
        QVERIFY(hasIssue(r.value()->indexIssues(), "", 2, "nesting too deep"));
    }
};

QTEST_GUILESS_MAIN(TstValidation)
#include "tst_validation.moc"
