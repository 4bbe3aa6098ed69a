// Values from files quoted in error messages stay on one line (escapeControls / quoted): a newline
// inside a quoted JSON string split the message that quoted it (fuzz_config: the rope type of a
// config.json). The same holds for tokenizer.json values, dataset roles and content types.
#include "core/common/MessageText.h"
#include "core/data/Dataset.h"
#include "core/text/Tokenizer.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace ost;

namespace {
bool oneLine(const std::string &s)
{
    for (char c : s)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            return false;
    return !s.empty();
}
bool contains(const std::string &s, const std::string &part) { return s.find(part) != std::string::npos; }
} // namespace

class TestMessageText : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    std::string write(const char *name, const std::string &text)
    {
        const std::string path = (m_tmp.path() + "/" + name).toStdString();
        std::ofstream(path, std::ios::binary) << text;
        return path;
    }

private Q_SLOTS:
    void escapesControlCharacters()
    {
        QCOMPARE(escapeControls("defa\nult"), std::string("defa\\nult"));
        QCOMPARE(escapeControls("a\rb\tc"), std::string("a\\rb\\tc"));
        QCOMPARE(escapeControls(std::string("x\0y\x1f\x7f", 5)), std::string("x\\x00y\\x1f\\x7f"));
        QCOMPARE(quotedValue("rope\ntype"), std::string("'rope\\ntype'"));
        QCOMPARE(quotedValue(""), std::string("''"));
        // UTF-8 and backslashes as they are; a second pass changes nothing.
        QCOMPARE(escapeControls("Würfel \\ 2 × 4"), std::string("Würfel \\ 2 × 4"));
        QCOMPARE(escapeControls(escapeControls("a\nb")), escapeControls("a\nb"));
    }

    void tokenizerModelTypeOnOneLine()
    {
        // "type": "BP\nE" (an escaped newline inside the JSON string)
        const auto tok = loadTokenizerJson(write("tokenizer.json", R"({"model": {"type": "BP\nE", "vocab": {}}})"));
        QVERIFY(!tok.ok());
        const std::string &m = tok.error().message;
        QVERIFY2(oneLine(m), m.c_str());
        QVERIFY2(contains(m, "'BP\\nE'"), m.c_str());
    }

    void tokenizerVocabEntryOnOneLine()
    {
        const auto tok = loadTokenizerJson(
            write("vocab.json", R"({"model": {"type": "BPE", "vocab": {"a\nb": "x"}, "merges": []}})"));
        QVERIFY(!tok.ok());
        QVERIFY2(oneLine(tok.error().message), tok.error().message.c_str());
        QVERIFY2(contains(tok.error().message, "'a\\nb'"), tok.error().message.c_str());
    }

    void datasetValuesOnOneLine()
    {
        const std::string path = write("pool.jsonl",
            R"({"id": "a", "messages": [{"role": "us\ner", "content": "q"}, {"role": "assistant", "content": "r"}]})"
            "\n"
            R"({"id": "b", "messages": [{"role": "user", "content": [{"type": "vid\neo"}]}, {"role": "assistant", "content": "r"}]})"
            "\n");
        auto ds = Dataset::open(path);
        QVERIFY(ds.ok());
        auto a = ds.value()->sample(0);
        QVERIFY(a.ok());
        bool sawRole = false;
        for (const ValidationIssue &v : validateSample(a.value())) {
            QVERIFY2(oneLine(v.message), v.message.c_str());
            sawRole = sawRole || contains(v.message, "'us\\ner'");
        }
        QVERIFY(sawRole);
        auto b = ds.value()->sample(1);
        QVERIFY(!b.ok());
        QVERIFY2(oneLine(b.error().message), b.error().message.c_str());
        QVERIFY2(contains(b.error().message, "'vid\\neo'"), b.error().message.c_str());
    }
};

QTEST_GUILESS_MAIN(TestMessageText)
#include "tst_message_text.moc"
