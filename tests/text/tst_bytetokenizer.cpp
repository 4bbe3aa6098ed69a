// ByteTokenizer: one id per byte, special tokens after the bytes in a fixed order.
#include "core/text/Tokenizer.h"

#include <QtTest>

class TstByteTokenizer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void idsAreBytesThenSpecials()
    {
        auto tok = ost::makeByteTokenizer();
        QCOMPARE(tok->vocabSize(), int64_t{262});
        QCOMPARE(tok->tokenId("<|im_start|>").value_or(-1), int64_t{256});
        QCOMPARE(tok->tokenId("<|im_end|>").value_or(-1), int64_t{257});
        QCOMPARE(tok->tokenId("<|vision_start|>").value_or(-1), int64_t{258});
        QCOMPARE(tok->tokenId("<|vision_end|>").value_or(-1), int64_t{259});
        QCOMPARE(tok->tokenId("<|image_pad|>").value_or(-1), int64_t{260});
        QCOMPARE(tok->tokenId("<|endoftext|>").value_or(-1), int64_t{261});
        QVERIFY(!tok->tokenId("<|nope|>").has_value());
        const auto ids = tok->encode("A\xC3\xA9<|im_end|>\n");
        QCOMPARE(ids, (std::vector<int64_t>{65, 0xC3, 0xA9, 257, 10}));
    }

    void roundTrips()
    {
        auto tok = ost::makeByteTokenizer();
        const std::string s = "x<|im_start|>user\n<|image_pad|><|image_pad|>\xF0\x9F\xA6\x99 \xFF<|im_end";
        QCOMPARE(tok->decode(tok->encode(s)), s);
        QCOMPARE(tok->decode({999}), std::string("\xEF\xBF\xBD"));
    }
};

QTEST_GUILESS_MAIN(TstByteTokenizer)
#include "tst_bytetokenizer.moc"
