// How samples are grouped into forward passes (core/jobs/internal/PaddedGroups.h).
#include "core/jobs/internal/PaddedGroups.h"

#include <QtTest>

using namespace ost;
using Groups = std::vector<std::pair<size_t, size_t>>;

namespace {

std::vector<model::EncodedSample> ofLengths(const std::vector<int64_t> &lengths)
{
    std::vector<model::EncodedSample> out;
    for (int64_t n : lengths) {
        model::EncodedSample e;
        e.inputIds = torch::zeros({n}, torch::kLong);
        out.push_back(e);
    }
    return out;
}

} // namespace

class TstPaddedGroups : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void countOnlyWithoutABudget()
    {
        QCOMPARE(jobs::paddedGroups(ofLengths({5, 5, 5, 5, 5}), 2, 0), (Groups{{0, 2}, {2, 4}, {4, 5}}));
        QCOMPARE(jobs::paddedGroups(ofLengths({}), 8, 0), Groups{});
    }

    // count × longest stays within the budget; the longest sample so far counts, not the new one only.
    void paddedTokensStayWithinTheBudget()
    {
        QCOMPARE(jobs::paddedGroups(ofLengths({300, 300, 300, 100, 100, 100, 100}), 8, 768),
                 (Groups{{0, 2}, {2, 4}, {4, 7}}));
        // 300 then 100: the pair pads to 2 × 300 = 600 <= 768; a third (900) does not fit
        QCOMPARE(jobs::paddedGroups(ofLengths({100, 300, 100}), 8, 768), (Groups{{0, 2}, {2, 3}}));
    }

    // A sample longer than the budget still gets its own forward: nothing is dropped.
    void aLongSampleGoesAlone()
    {
        QCOMPARE(jobs::paddedGroups(ofLengths({2000, 10, 10}), 8, 768), (Groups{{0, 1}, {1, 3}}));
        QCOMPARE(jobs::paddedGroups(ofLengths({10, 2000}), 8, 768), (Groups{{0, 1}, {1, 2}}));
    }

    // Images first by count, then text length, largest first; equal sizes keep their order.
    void candidatesComeLargestFirst()
    {
        const auto sample = [](const std::string &id, const std::string &answer, int images) {
            Sample s;
            s.id = id;
            s.turns = {{"user", "q"}, {"assistant", answer}};
            s.images.assign(size_t(images), "a.png");
            return s;
        };
        const std::vector<Sample> pool = {sample("short", "ab", 0), sample("long", "abcdefgh", 0),
                                          sample("image", "a", 1), sample("short2", "cd", 0),
                                          sample("two-images", "", 2)};
        std::vector<const Sample *> order;
        for (const auto &s : pool)
            order.push_back(&s);
        jobs::largestFirst(order);
        QStringList ids;
        for (const Sample *s : order)
            ids << QString::fromStdString(s->id);
        QCOMPARE(ids, (QStringList{"two-images", "image", "long", "short", "short2"}));
    }

    void theBudgetIsTheCpus()
    {
        QCOMPARE(jobs::forwardTokenBudget(torch::Device(torch::kCPU)), jobs::kCpuForwardTokens);
        QCOMPARE(jobs::forwardTokenBudget(torch::Device(torch::kCUDA, 0)), int64_t(0));
    }
};

QTEST_GUILESS_MAIN(TstPaddedGroups)
#include "tst_padded_groups.moc"
