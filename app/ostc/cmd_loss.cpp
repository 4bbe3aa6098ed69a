// `ostc loss`: the proxy model's SFT loss (answer tokens only) of every sample, one line each, for
// checking the model and the chat template from the shell.
#include "Command.h"

#include "core/data/Dataset.h"
#include "core/model/internal/VisionLanguageModel.h"

#include <cstdio>
#include <cmath>
#include <iostream>

namespace ostc {
namespace {

const char *kUsage = R"(usage: ostc loss DATASET [--model DIR|builtin-tiny] [options]

Prints "id<TAB>loss" for every sample: the mean cross-entropy of the assistant answer (and its
<|im_end|>) under the proxy model, with the Qwen2-VL chat template. A sample that cannot be
encoded (missing image, bad placeholders, too long) or whose loss is not finite is reported on
stderr and skipped; the exit code is then 3 (unless --allow-errors). Ids are escaped (\t \n \r \\,
a leading \#) so that every line is one sample.

options:
  --model M         builtin-tiny (default, seed 0) or a Hugging Face Qwen2-VL / Qwen2.5-VL folder
  --limit N         only the first N samples
  --device D        cpu (default), cuda, cuda:N
  --precision P     fp32 (default), bf16, fp16
  --max-tokens N    per-sample token limit (default 2048)
  --max-pixels N    cap on pixels per image (default: the model's preprocessor setting)
  --seed S          builtin-tiny initialisation seed (default 0)
  --allow-errors    exit 0 even when samples failed
)";

int run(Args &args)
{
    if (args.has("--help")) {
        std::cout << kUsage;
        return Ok;
    }
    const auto limit = args.integer("--limit");
    const auto maxTokens = args.integer("--max-tokens");
    const auto maxPixels = args.integer("--max-pixels");
    const auto seed = args.integer("--seed");
    if (!args.error().empty())
        return fail("loss", args.error(), Usage);
    if ((limit && *limit < 0) || (maxTokens && *maxTokens < 1) || (maxPixels && *maxPixels < 0))
        return fail("loss", "--limit must be >= 0 (0: all), --max-tokens >= 1 and --max-pixels >= 0", Usage);
    if (args.positional().size() != 1)
        return fail("loss", std::string("give one DATASET\n") + kUsage, Usage);

    ost::model::ProxyOptions options;
    options.device = args.value("--device", "cpu");
    options.precision = args.value("--precision", "fp32");
    options.maxTokens = maxTokens.value_or(2048);
    options.maxPixels = maxPixels.value_or(0);
    options.seed = uint64_t(seed.value_or(0));
    auto proxy = ost::model::loadProxy(args.value("--model", "builtin-tiny"), options);
    if (!proxy)
        return fail("loss", proxy.error().message, BadInput);
    std::cerr << "model: " << proxy->description << "\n";

    auto dataset = ost::Dataset::open(args.positional().front());
    if (!dataset)
        return fail("loss", dataset.error().message, BadInput);
    const ost::Dataset &data = *dataset.value();
    int failed = 0;
    for (const ost::ValidationIssue &issue : data.indexIssues()) {
        if (issue.severity != ost::ValidationIssue::Severity::Error)
            continue;
        std::cerr << "ostc loss: line " << issue.line << ": " << issue.message << "\n";
        ++failed;
    }

    auto &model = *proxy->model;
    model.module().eval();
    torch::NoGradGuard noGrad;
    const torch::Device device(options.device);
    const int64_t n = limit && *limit > 0 ? std::min<int64_t>(*limit, data.size()) : data.size();
    for (int64_t i = 0; i < n; ++i) {
        auto sample = data.sample(i);
        if (!sample) {
            std::cerr << "ostc loss: " << data.id(i) << ": " << sample.error().message << "\n";
            ++failed;
            continue;
        }
        auto encoded = proxy->encoder->encode(sample.value());
        if (!encoded) {
            std::cerr << "ostc loss: " << encoded.error().message << "\n";
            ++failed;
            continue;
        }
        if (encoded->answerTokens == 0) {
            std::cerr << "ostc loss: sample '" << sample->id << "' has no answer tokens (truncated away?)\n";
            ++failed;
            continue;
        }
        try {
            const auto batch = ost::model::collate({encoded.value()}, proxy->encoder->padTokenId(), device);
            const double loss = model.perSampleLoss(batch)[0].item<double>();
            if (!std::isfinite(loss)) { // NaN weights or a bad rms_norm_eps: no number to rank by
                std::cerr << "ostc loss: sample '" << sample->id << "': the loss is " << loss
                          << " (not finite: check the model's weights and config)\n";
                ++failed;
                continue;
            }
            std::printf("%s\t%.6f\n", tsvField(sample->id).c_str(), loss);
            std::fflush(stdout);
        } catch (const c10::Error &e) { // without LibTorch's C++ backtrace
            std::cerr << "ostc loss: sample '" << sample->id << "': " << e.what_without_backtrace() << "\n";
            ++failed;
        } catch (const std::exception &e) {
            std::cerr << "ostc loss: sample '" << sample->id << "': " << e.what() << "\n";
            ++failed;
        }
    }
    if (failed)
        std::cerr << "ostc loss: " << failed << " sample(s) failed"
                  << (args.has("--allow-errors") ? "" : "; --allow-errors to exit 0 anyway") << "\n";
    return failed && !args.has("--allow-errors") ? BadInput : Ok;
}

const CommandRegistration reg({"loss", "per-sample SFT loss of a dataset under the proxy model", kUsage, run, {"--allow-errors"},
                               {"--model", "--limit", "--device", "--precision", "--max-tokens", "--max-pixels",
                                "--seed"}});

} // namespace
} // namespace ostc
