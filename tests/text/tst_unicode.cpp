// The Unicode helpers behind the tokenizer: UTF-8 decoding that never loses bytes, NFC, the
// character classes and the Qwen2 pre-tokenizer split.
#include "core/text/internal/CharClass.h"
#include "core/text/internal/Nfc.h"
#include "core/text/internal/Qwen2PreTokenizer.h"
#include "core/text/internal/Utf8.h"

#include <QtTest>

using namespace ost::text;

namespace {

std::vector<std::string> pieces(const std::string &utf8)
{
    const std::u32string cps = decodeUtf8(utf8);
    std::vector<std::string> out;
    for (const auto &[b, e] : splitQwen2(cps))
        out.push_back(encodeUtf8(cps.substr(b, e - b)));
    return out;
}

} // namespace

class TstUnicode : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void utf8RoundTripsInvalidBytes()
    {
        const std::string s = "a\xC3\xA9\xF0\x9F\xA6\x99\xFF\xC0\xAF\xED\xA0\x80z\xE2\x82";
        QCOMPARE(encodeUtf8(decodeUtf8(s)), s);
        QCOMPARE(decodeUtf8("\xC3\xA9"), std::u32string(U"\u00E9"));
        QCOMPARE(decodeUtf8("\xF0\x9F\xA6\x99"), std::u32string(U"\U0001F999"));
    }

    void nfcComposes()
    {
        QCOMPARE(nfc(U"e\u0301"), std::u32string(U"\u00E9"));
        QCOMPARE(nfc(U"A\u030A"), std::u32string(U"\u00C5"));
        QCOMPARE(nfc(U"\u212B"), std::u32string(U"\u00C5"));          // ANGSTROM SIGN is a singleton
        QCOMPARE(nfc(U"a\u0323\u0302"), std::u32string(U"\u1EAD"));   // dot below + circumflex
        QCOMPARE(nfc(U"a\u0302\u0323"), std::u32string(U"\u1EAD"));   // reordered by class first
        QCOMPARE(nfc(U"\u1100\u1161\u11A8"), std::u32string(U"\uAC01")); // Hangul L V T
        QCOMPARE(nfc(U"\u0958"), std::u32string(U"\u0915\u093C"));    // composition exclusion stays apart
        QCOMPARE(nfc(U"plain ascii"), std::u32string(U"plain ascii"));
        QCOMPARE(nfc(U"\u00E9\u4E2D"), std::u32string(U"\u00E9\u4E2D"));
    }

    void characterClasses()
    {
        QVERIFY(isLetter(U'a') && isLetter(U'\u00E9') && isLetter(U'\u4E2D') && isLetter(U'\U00020000'));
        QVERIFY(!isLetter(U'1') && !isLetter(U' ') && !isLetter(U'\U0001F999'));
        QVERIFY(isNumber(U'7') && isNumber(U'\u00BD') && isNumber(U'\u2160') && isNumber(U'\u0663'));
        QVERIFY(isWhitespace(U' ') && isWhitespace(U'\n') && isWhitespace(U'\u3000') && isWhitespace(U'\u00A0'));
        QVERIFY(!isWhitespace(U'\u200B') && !isWhitespace(U'\x1C'));
    }

    void qwen2Split()
    {
        using V = std::vector<std::string>;
        QCOMPARE(pieces("Hello world"), (V{"Hello", " world"}));
        QCOMPARE(pieces("   Hello"), (V{"  ", " Hello"}));
        QCOMPARE(pieces("I've 'RE"), (V{"I", "'ve", " '", "RE"}));
        QCOMPARE(pieces("333"), (V{"3", "3", "3"}));
        QCOMPARE(pieces("a\n\n b"), (V{"a", "\n\n", " b"}));
        QCOMPARE(pieces("x  \n  "), (V{"x", "  \n", "  "}));
        QCOMPARE(pieces(" ?" "?!\n\nok"), (V{" ?" "?!\n\n", "ok"}));
        QCOMPARE(pieces("\t\tx"), (V{"\t", "\tx"}));
        QCOMPARE(pieces(""), V{});
    }
};

QTEST_GUILESS_MAIN(TstUnicode)
#include "tst_unicode.moc"
