#include "DemoTrainingSet.h"

#include "core/data/Dataset.h"

#include <map>

namespace ostc {

ost::Result<DemoTrainingSet> makeDemoTrainingSet(ost::SyntheticOptions options, const std::string &folder)
{
    options.referenceCount = 0;
    options.wrongAnswerRate = 0;
    options.wrongImageRate = 0;
    auto set = ost::writeSyntheticMathSet(folder, options);
    if (!set.ok())
        return set.error();
    auto pool = ost::Dataset::open(set->pool);
    if (!pool.ok())
        return pool.error();
    auto heldout = ost::Dataset::open(set->heldout);
    if (!heldout.ok())
        return heldout.error();
    std::map<std::string, int> answers;
    for (const auto &r : set->records)
        answers[r.id] = r.trueAnswer;
    DemoTrainingSet out;
    for (int64_t i = 0; i < pool.value()->size(); ++i) {
        auto s = pool.value()->sample(i);
        if (!s.ok())
            return ost::Error{set->pool + ": " + s.error().message};
        out.train.push_back(s.takeValue());
    }
    for (int64_t i = 0; i < heldout.value()->size(); ++i) {
        auto s = heldout.value()->sample(i);
        if (!s.ok())
            return ost::Error{set->heldout + ": " + s.error().message};
        out.test.push_back(ost::makeNumberChoice(s.value(), answers.at(s->id), options.maxCount));
    }
    return out;
}

} // namespace ostc
