// BpeTokenizer against the reference: the 47 llama.cpp/Hugging Face oracle tokenisations of the
// real Qwen2 vocabulary (skipped without ../shared), and lossless round trips on a tiny committed
// tokenizer.json that exercises the same pipeline (NFC, pre-tokenizer, byte level, merges).
#include "core/text/BpeTokenizer.h"
#include "core/text/internal/Gpt2PreTokenizer.h"
#include "core/text/internal/Utf8.h"
#include "core/text/Tokenizer.h"
#include "core/text/internal/ByteLevel.h"

#include <nlohmann/json.hpp>

#include <QtTest>

#include <fstream>
#include <random>
#include <thread>
#include <sstream>

namespace {

const std::string kSharedTokenizer = std::string(OST_SHARED_DIR) + "/tokenizers/qwen2/tokenizer.json";
const std::string kOracleDir = std::string(OST_SHARED_DIR) + "/oracles/qwen2-vocab";
const std::string kTinyTokenizer = std::string(OST_FIXTURE_DIR) + "/text/tiny_tokenizer.json";
const std::string kTinyTokenizerStringMerges = std::string(OST_FIXTURE_DIR) + "/text/tiny_tokenizer_strmerges.json";
const std::string kRandomCases = std::string(OST_FIXTURE_DIR) + "/text/qwen2_random_cases.json";

std::string readFile(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool exists(const std::string &path) { return std::ifstream(path).good(); }

// Splits cases.inp exactly as llama.cpp's test-tokenizer-0 does: every case is written as
// text + "\n__ggml_vocab_test__\n", so the newline before a separator belongs to the separator.
std::vector<std::string> splitCases(const std::string &raw)
{
    const std::string sep = "\n__ggml_vocab_test__\n";
    std::vector<std::string> cases;
    size_t pos = 0;
    while (pos < raw.size()) {
        const size_t next = raw.find(sep, pos);
        if (next == std::string::npos) {
            cases.push_back(raw.substr(pos));
            break;
        }
        cases.push_back(raw.substr(pos, next - pos));
        pos = next + sep.size();
    }
    return cases;
}

std::vector<std::vector<int64_t>> readExpected(const std::string &path)
{
    std::vector<std::vector<int64_t>> out;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
        std::istringstream ls(line);
        std::vector<int64_t> ids;
        for (int64_t id; ls >> id;)
            ids.push_back(id);
        out.push_back(ids);
    }
    return out;
}

QString idsToString(const std::vector<int64_t> &ids)
{
    QStringList parts;
    for (int64_t id : ids)
        parts << QString::number(id);
    return parts.join(' ');
}

// Random UTF-8 mixing scripts, combining marks, emoji, whitespace runs, contractions, digits and
// the special-token syntax.
std::string randomText(std::mt19937 &rng)
{
    static const std::vector<std::string> atoms = {
        "a", "Z", "q", " ", "  ", "\t", "\n", "\r\n", "\n\n", "   ", "0", "7", "42", "'s", "'LL", "'re", "!", "?",
        "...", "$$", "\\frac{1}{2}", "é", "e\xCC\x81", "A\xCC\x8A", "\xC3\x85", "ß", "ж", "Ж", "д", "中", "文",
        "数学", "の", "한", "\xE1\x84\x80\xE1\x85\xA1", "\xF0\x9F\xA6\x99", "\xF0\x9F\x98\x80", "\xE2\x9C\x85",
        "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9", "\xE2\x80\x83", "\xC2\xA0", "\xE3\x80\x80", "\xE2\x85\xA0",
        "\xC2\xBD", "\xD9\xA3", "\xE0\xA4\x95\xE0\xA5\x8D", "<|im_start|>", "<|im_end|>", "<|", "|>", "<"};
    std::uniform_int_distribution<size_t> pick(0, atoms.size() - 1);
    std::uniform_int_distribution<int> len(0, 40);
    std::string s;
    for (int i = len(rng); i > 0; --i)
        s += atoms[pick(rng)];
    return s;
}

} // namespace

class TstBpeTokenizer : public QObject {
    Q_OBJECT
    // The real vocabulary takes about a second to load: load it once for all test functions.
    std::unique_ptr<ost::Tokenizer> m_qwen;
    std::string m_qwenError;

private Q_SLOTS:
    void initTestCase()
    {
        if (!exists(kSharedTokenizer))
            return;
        auto tok = ost::loadTokenizerJson(kSharedTokenizer);
        if (tok)
            m_qwen = tok.takeValue();
        else
            m_qwenError = tok.error().message;
    }

    void oracleCases()
    {
        if (!exists(kSharedTokenizer) || !exists(kOracleDir + "/cases.inp"))
            QSKIP("../shared/tokenizers/qwen2 or ../shared/oracles/qwen2-vocab is absent: oracle check skipped");
        QVERIFY2(m_qwen, m_qwenError.c_str());
        ost::Tokenizer *tok = m_qwen.get();
        const auto cases = splitCases(readFile(kOracleDir + "/cases.inp"));
        const auto expected = readExpected(kOracleDir + "/cases.out");
        // The files hold 46 cases (46 separators, 46 lines of ids); a mismatch means a bad split.
        QCOMPARE(cases.size(), expected.size());
        QVERIFY(cases.size() >= 46);
        int failures = 0;
        for (size_t i = 0; i < cases.size(); ++i) {
            const auto got = tok->encode(cases[i]);
            if (got != expected[i]) {
                ++failures;
                qWarning("case %zu %s\n  expected %s\n  got      %s", i, QByteArray::fromStdString(cases[i]).toPercentEncoding(" ").constData(),
                         qPrintable(idsToString(expected[i])), qPrintable(idsToString(got)));
            }
            QCOMPARE(tok->decode(got), cases[i]);
        }
        QCOMPARE(failures, 0);
    }

    // Random text over all Unicode planes with Hugging Face's ids (make_qwen2_random_cases.py):
    // covers the regex classes and NFC far beyond the 46 hand-picked cases.
    void randomCasesMatchHuggingFace()
    {
        if (!exists(kSharedTokenizer))
            QSKIP("../shared/tokenizers/qwen2 is absent: random-text comparison skipped");
        QVERIFY2(m_qwen, m_qwenError.c_str());
        ost::Tokenizer *tok = m_qwen.get();
        std::ifstream in(kRandomCases);
        QVERIFY2(in.good(), "tests/fixtures/text/qwen2_random_cases.json is missing");
        const auto doc = nlohmann::json::parse(in);
        QVERIFY(doc["cases"].size() >= 100);
        int failures = 0;
        for (const auto &c : doc["cases"]) {
            const std::string text = c["text"];
            const auto want = c["ids"].get<std::vector<int64_t>>();
            const auto got = tok->encode(text);
            if (got != want && ++failures <= 5)
                qWarning("%s\n  expected %s\n  got      %s", QByteArray::fromStdString(text).toPercentEncoding(" ").constData(),
                         qPrintable(idsToString(want)), qPrintable(idsToString(got)));
        }
        QCOMPARE(failures, 0);
    }

    void bothMergeSpellingsLoadAlike()
    {
        auto pairs = ost::loadTokenizerJson(kTinyTokenizer);
        auto strings = ost::loadTokenizerJson(kTinyTokenizerStringMerges);
        QVERIFY(pairs.ok() && strings.ok());
        const std::string text = "in the  zone, 中 there's \n\n an answer";
        QCOMPARE((*strings)->encode(text), (*pairs)->encode(text));
        QVERIFY((*pairs)->encode(text).size() < text.size()); // merges did apply
    }

    void ignoreMergesTakesWholeWords()
    {
        // "ab" is in the vocabulary but no merge builds it: only ignore_merges can produce it.
        ost::BpeConfig config;
        for (int b = 0; b < 256; ++b)
            config.vocab.emplace_back(ost::text::byteToUnicode()[b], b);
        config.vocab.emplace_back("ab", 256);
        config.vocab.emplace_back("bc", 257);
        config.merges.emplace_back("b", "c");
        auto plain = ost::BpeTokenizer::create(config);
        QVERIFY(plain.ok());
        QCOMPARE((*plain)->encode("ab"), (std::vector<int64_t>{'a', 'b'}));
        QCOMPARE((*plain)->encode("abc"), (std::vector<int64_t>{'a', 257}));
        config.ignoreMerges = true;
        auto whole = ost::BpeTokenizer::create(config);
        QVERIFY(whole.ok());
        QCOMPARE((*whole)->encode("ab"), (std::vector<int64_t>{256}));
        QCOMPARE((*whole)->encode("abc"), (std::vector<int64_t>{'a', 257}));

        config.merges.emplace_back("x", "nope");
        auto bad = ost::BpeTokenizer::create(config);
        QVERIFY(!bad.ok());
        QVERIFY(bad.error().message.find("nope") != std::string::npos);
    }

    // SmolLM2's vocabulary has no token for the control bytes 0x00-0x08: Hugging Face's BPE (no byte
    // fallback, no unknown token) drops such a byte, and so must we (loading it failed: "no token for
    // byte 4"). A vocabulary missing most bytes is still refused.
    void missingControlBytesAreDropped()
    {
        ost::BpeConfig config;
        for (int b = 9; b < 256; ++b)
            config.vocab.emplace_back(ost::text::byteToUnicode()[b], b);
        config.preTokenizer = ost::BpeConfig::PreTokenizer::Gpt2;
        auto tok = ost::BpeTokenizer::create(config);
        QVERIFY2(tok.ok(), tok.ok() ? "" : tok.error().message.c_str());
        QCOMPARE((*tok)->encode(std::string("a\x04" "b", 3)), (std::vector<int64_t>{'a', 'b'}));
        ost::BpeConfig few;
        for (int b = 0; b < 100; ++b)
            few.vocab.emplace_back(ost::text::byteToUnicode()[b], b);
        auto bad = ost::BpeTokenizer::create(few);
        QVERIFY(!bad.ok());
        QVERIFY2(bad.error().message.find("not a byte-level") != std::string::npos, bad.error().message.c_str());
    }

    // SmolLM2's pre-tokenizer: every digit on its own, then GPT-2's regex (case-sensitive
    // contractions, " ?\\p{L}+", whitespace runs giving their last space to the next word).
    void gpt2DigitsSplit()
    {
        const auto pieces = [](const std::string &text, bool digits) {
            const std::u32string cps = ost::text::decodeUtf8(text);
            std::vector<std::string> out;
            for (const auto &[b, e] : ost::text::splitGpt2(cps, digits)) {
                std::string piece;
                for (size_t i = b; i < e; ++i)
                    ost::text::appendUtf8(piece, cps[i]);
                out.push_back(piece);
            }
            return out;
        };
        QCOMPARE(pieces("Tom's 123 cats  ran", false),
                 (std::vector<std::string>{"Tom", "'s", " 123", " cats", " ", " ran"}));
        QCOMPARE(pieces("Tom's 123 cats  ran", true),
                 (std::vector<std::string>{"Tom", "'s", " ", "1", "2", "3", " cats", " ", " ran"}));
        QCOMPARE(pieces("I'M $5,000!\n\nok", true),
                 (std::vector<std::string>{"I", "'", "M", " $", "5", ",", "0", "0", "0", "!", "\n", "\n", "ok"}));
    }

    void qwenSpecialTokens()
    {
        if (!exists(kSharedTokenizer))
            QSKIP("../shared/tokenizers/qwen2 is absent");
        QVERIFY2(m_qwen, m_qwenError.c_str());
        ost::Tokenizer *tok = m_qwen.get();
        QCOMPARE(tok->tokenId("<|im_start|>").value_or(-1), int64_t{151644});
        QCOMPARE(tok->tokenId("<|image_pad|>").value_or(-1), int64_t{151655});
        QCOMPARE(tok->vocabSize(), int64_t{151669});
        const auto ids = tok->encode("<|im_start|>user\n<|vision_start|><|image_pad|><|image_pad|><|vision_end|>Hi<|im_end|>");
        const std::vector<int64_t> want = {151644, 872, 198, 151652, 151655, 151655, 151653, 13048, 151645};
        QCOMPARE(idsToString(ids), idsToString(want));
    }

    void tinyRoundTrip()
    {
        auto tok = ost::loadTokenizerJson(kTinyTokenizer);
        QVERIFY2(tok.ok(), tok.ok() ? "" : tok.error().message.c_str());
        std::mt19937 rng(1234);
        for (int i = 0; i < 2000; ++i) {
            const std::string s = randomText(rng);
            const auto ids = (*tok)->encode(s);
            const std::string back = (*tok)->decode(ids);
            // NFC may legitimately rewrite text ("e" + combining acute -> "é"), so the round trip
            // is exact on the normalised form; compare against encoding the decoded text again.
            QCOMPARE((*tok)->encode(back), ids);
            if (s.find('\xCC') == std::string::npos && s.find("\xE1\x84\x80") == std::string::npos)
                QCOMPARE(back, s);
        }
    }

    void tinyMergesAndSpecials()
    {
        auto tok = ost::loadTokenizerJson(kTinyTokenizer);
        QVERIFY(tok.ok());
        // "Ġt"+"he" style merges: " the" must become the single token for "Ġthe".
        const auto the = (*tok)->tokenId("\xC4\xA0the");
        QVERIFY(the.has_value());
        QCOMPARE(idsToString((*tok)->encode(" the")), QString::number(*the));
        const auto im = (*tok)->tokenId("<|im_start|>");
        QVERIFY(im.has_value());
        const auto ids = (*tok)->encode("a<|im_start|>b");
        QCOMPARE(ids.size(), size_t{3});
        QCOMPARE(ids[1], *im);
        // Invalid UTF-8 still round-trips byte for byte.
        const std::string bad = "ok\xFF\xC3(\xE2\x82";
        QCOMPARE((*tok)->decode((*tok)->encode(bad)), bad);
        std::mt19937 rng(7);
        std::uniform_int_distribution<int> byte(0, 255), len(0, 64);
        for (int i = 0; i < 500; ++i) {
            std::string junk;
            for (int n = len(rng); n > 0; --n)
                junk.push_back(static_cast<char>(byte(rng)));
            const auto ids = (*tok)->encode(junk);
            QCOMPARE((*tok)->encode((*tok)->decode(ids)), ids);
        }
    }

    // Scoring jobs encode from several threads with one tokenizer; the word cache is shared.
    void concurrentEncodeAgreesWithSerial()
    {
        auto tok = ost::loadTokenizerJson(kTinyTokenizer);
        QVERIFY(tok.ok());
        std::mt19937 rng(99);
        std::vector<std::string> texts;
        for (int i = 0; i < 300; ++i)
            texts.push_back(randomText(rng));
        std::vector<std::vector<int64_t>> serial;
        for (const auto &t : texts)
            serial.push_back((*tok)->encode(t));
        auto fresh = ost::loadTokenizerJson(kTinyTokenizer); // cold cache: threads fill it together
        QVERIFY(fresh.ok());
        std::vector<int> mismatches(4, 0);
        std::vector<std::thread> threads;
        for (int w = 0; w < 4; ++w)
            threads.emplace_back([&, w] {
                for (int round = 0; round < 3; ++round)
                    for (size_t i = 0; i < texts.size(); ++i)
                        if ((*fresh)->encode(texts[(i + w * 37) % texts.size()]) != serial[(i + w * 37) % texts.size()])
                            ++mismatches[w];
            });
        for (auto &t : threads)
            t.join();
        QCOMPARE(mismatches, std::vector<int>(4, 0));
    }

    void nfcComposesBeforeBpe()
    {
        auto tok = ost::loadTokenizerJson(kTinyTokenizer);
        QVERIFY(tok.ok());
        QCOMPARE((*tok)->encode("e\xCC\x81"), (*tok)->encode("\xC3\xA9"));
        QCOMPARE((*tok)->decode((*tok)->encode("e\xCC\x81")), std::string("\xC3\xA9"));
    }

    void loadErrorsNameTheFile()
    {
        auto missing = ost::loadTokenizerJson("/nonexistent/tok.json");
        QVERIFY(!missing.ok());
        QVERIFY(missing.error().message.find("/nonexistent/tok.json") != std::string::npos);

        QTemporaryDir dir;
        auto write = [&](const char *name, const std::string &body) {
            const std::string p = dir.filePath(name).toStdString();
            std::ofstream(p) << body;
            return p;
        };
        const std::string notJson = write("a.json", "{not json");
        auto r1 = ost::loadTokenizerJson(notJson);
        QVERIFY(!r1.ok());
        QVERIFY(r1.error().message.find(notJson) != std::string::npos);
        QVERIFY(r1.error().message.find("not valid JSON") != std::string::npos);

        const std::string unigram = write("b.json", R"({"model": {"type": "Unigram", "vocab": []}})");
        auto r2 = ost::loadTokenizerJson(unigram);
        QVERIFY(!r2.ok());
        QVERIFY(r2.error().message.find("Unigram") != std::string::npos);
        QVERIFY(r2.error().message.find(unigram) != std::string::npos);

        const std::string noVocab = write("c.json", R"({"model": {"type": "BPE", "merges": []}})");
        auto r3 = ost::loadTokenizerJson(noVocab);
        QVERIFY(!r3.ok());
        QVERIFY(r3.error().message.find("no vocab") != std::string::npos);

        // Malformed entries of the streamed parts (vocab, merges) are named too.
        const std::string tiny = readFile(kTinyTokenizer);
        auto broken = [&](const char *name, const std::string &from, const std::string &to) {
            std::string body = tiny;
            const size_t at = body.find(from);
            if (at == std::string::npos)
                return std::string();
            body.replace(at, from.size(), to);
            return write(name, body);
        };
        const std::string badId = broken("d.json", "\"!\": 33", "\"!\": \"x\"");
        QVERIFY(!badId.empty());
        auto r4 = ost::loadTokenizerJson(badId);
        QVERIFY(!r4.ok());
        QVERIFY2(r4.error().message.find("vocab entry '!'") != std::string::npos, r4.error().message.c_str());
        const std::string badMerges = broken("e.json", "\"merges\": [", "\"merges\": [7, ");
        QVERIFY(!badMerges.empty());
        auto r5 = ost::loadTokenizerJson(badMerges);
        QVERIFY(!r5.ok());
        QVERIFY2(r5.error().message.find("merge 0") != std::string::npos, r5.error().message.c_str());
        QVERIFY(r5.error().message.find(badMerges) != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TstBpeTokenizer)
#include "tst_bpetokenizer.moc"
