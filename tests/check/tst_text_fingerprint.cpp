// Text fingerprints behind the duplicate checks: the normal form, shingles, Jaccard, MinHash and LSH.
#include "core/check/TextFingerprint.h"

#include <QtTest>

#include <random>

using namespace ost;

namespace {

// n distinct words, so shingle counts are known: n - k + 1 shingles.
std::vector<std::string> words(int n, int offset = 0)
{
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i)
        out.push_back("w" + std::to_string(i + offset));
    return out;
}

std::string join(const std::vector<std::string> &w)
{
    std::string s;
    for (const auto &x : w)
        s += (s.empty() ? "" : " ") + x;
    return s;
}

} // namespace

class TstTextFingerprint : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void normalFormCollapsesSpaceAndCase()
    {
        QCOMPARE(normaliseForMatch("  The  Answer\n\tis 4 "), std::string("the answer is 4"));
        QCOMPARE(normaliseForMatch(""), std::string());
        QCOMPARE(normaliseForMatch("Ünïcode STAYS"), std::string("Ünïcode stays")); // only ASCII folded
        QVERIFY(normaliseForMatch("a b") != normaliseForMatch("ab"));
    }

    void shinglesCountDistinctWordRuns()
    {
        QCOMPARE(wordShingles(join(words(10)), 5).size(), size_t(6));
        QCOMPARE(wordShingles("only four words here", 5).size(), size_t(0)); // too short to compare
        QCOMPARE(wordShingles("a a a a a a a", 5).size(), size_t(1));         // one distinct shingle
        QCOMPARE(wordShingles("A  b C d E", 5), wordShingles("a b c d e", 5));
    }

    void jaccardOfKnownSets()
    {
        // 20 words, the last one replaced: 16 shingles each, 15 shared -> 15 / 17.
        auto a = words(20), b = words(20);
        b.back() = "other";
        const double j = jaccard(wordShingles(join(a)), wordShingles(join(b)));
        QVERIFY(std::abs(j - 15.0 / 17.0) < 1e-12);
        QCOMPARE(jaccard({}, {}), 0.0);
        QCOMPARE(jaccard(wordShingles(join(a)), wordShingles(join(a))), 1.0);
    }

    // The share of equal signature entries estimates the Jaccard similarity (std. error about
    // sqrt(J(1-J)/128) = 0.035 at J = 0.8; the tolerance is four of those).
    void minhashEstimatesJaccard()
    {
        MinHasher hasher(128, 7);
        auto a = words(200);
        auto b = a;
        for (int i = 0; i < 200; i += 40)
            b[static_cast<size_t>(i)] = "edit" + std::to_string(i);
        const auto sa = wordShingles(join(a)), sb = wordShingles(join(b));
        const double exact = jaccard(sa, sb);
        const auto ga = hasher.signature(sa), gb = hasher.signature(sb);
        QCOMPARE(ga.size(), size_t(128));
        int equal = 0;
        for (size_t i = 0; i < ga.size(); ++i)
            equal += ga[i] == gb[i];
        QVERIFY2(std::abs(equal / 128.0 - exact) < 0.14, qPrintable(QString("estimate %1 vs %2").arg(equal / 128.0).arg(exact)));
        QVERIFY(hasher.signature({}).empty());
        QCOMPARE(MinHasher(128, 7).signature(sa), ga); // seeded: runs compare
    }

    void lshFindsSimilarAndNotUnrelated()
    {
        MinHasher hasher(128);
        auto base = words(100);
        auto edited = base;
        edited[50] = "changed"; // J = 91 / 101 = 0.90
        const auto unrelated = words(100, 1000);
        const std::vector<std::vector<uint64_t>> sigs = {hasher.signature(wordShingles(join(base))),
                                                         hasher.signature(wordShingles(join(edited))),
                                                         hasher.signature(wordShingles(join(unrelated))), {}};
        const auto pairs = lshCandidatePairs(sigs, 32, 4);
        QCOMPARE(pairs.size(), size_t(1));
        QCOMPARE(pairs.front(), (std::pair<int64_t, int64_t>(0, 1)));
    }
};

QTEST_APPLESS_MAIN(TstTextFingerprint)
#include "tst_text_fingerprint.moc"
