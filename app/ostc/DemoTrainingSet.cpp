#include "DemoTrainingSet.h"

#include "core/common/Progress.h"
#include "core/data/Dataset.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <unistd.h>

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

ost::Result<DemoTrainingRun> trainOnDemoSet(const ost::SyntheticOptions &options,
                                            const ost::TargetTrainingOptions &training, bool printCurve)
{
    namespace fs = std::filesystem;
    const fs::path work = fs::temp_directory_path() / ("ostc-demo-training-" + std::to_string(::getpid()));
    struct RemoveOnExit {
        fs::path path;
        ~RemoveOnExit()
        {
            std::error_code ec;
            fs::remove_all(path, ec);
        }
    } removeOnExit{work};
    auto set = makeDemoTrainingSet(options, work.string());
    if (!set.ok())
        return set.error();
    if (printCurve)
        std::printf("%8s %10s %9s %9s\n", "step", "train-loss", "accuracy", "elapsed");
    const auto started = std::chrono::steady_clock::now();
    auto result = ost::trainAndEvaluate(set->train, set->test, training, [&](const ost::CurvePoint &p) {
        if (!printCurve)
            return;
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        std::printf("%8lld %10.4f %9.3f %9s\n", static_cast<long long>(p.step), p.trainLoss, p.accuracy,
                    ost::formatDuration(s).c_str());
        std::fflush(stdout);
    });
    if (!result.ok())
        return result.error();
    return DemoTrainingRun{result.takeValue(), set->train.size(), set->test.size()};
}

} // namespace ostc
