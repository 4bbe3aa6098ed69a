// `ostc score DATASET`: scores a dataset with OST (exact or fast) and the baselines into its project.
#include "Command.h"
#include "TerminalProgress.h"

#include "core/common/Progress.h"
#include "core/data/Dataset.h"
#include "core/jobs/ScoringJob.h"
#include "core/jobs/StaleScores.h"
#include "core/jobs/ShardMerge.h"
#include "core/store/ProjectStore.h"
#include "core/store/StoredPaths.h"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>

namespace ostc {
namespace {

const char *kUsage = R"(usage: ostc score DATASET [options]

Scores every sample of DATASET by One-Step-Train utility with a proxy model and writes the scores
(and the baselines loss, ifd, length, random) to the project store, batch by batch. Ctrl-C stops
cleanly between batches; running the same command again resumes the latest unfinished run with
identical settings.

options:
  --reference REF     anchor set V (a dataset file); default: hold out a stratified 2% of the pool
                      (held-out samples are V and get no score). The run stores it relative to the
                      project file when it lies in the project's folder, else absolute, so the run can
                      be continued from any folder
  --proxy P           builtin-tiny (default), a Hugging Face folder (Qwen2-VL, Qwen2.5-VL, or a text-only
                      qwen2 / llama / qwen3 model) or a .gguf file (llama, qwen2, qwen3; text-only: the
                      images are not read, so an image that does not match its text is not found)
  --template T        chat layout of a text-only proxy: auto (its own ChatML template) or chatml
  --mode M            exact (default): the real step per sample; fast: first-order, batched
  --lr X              step size eta of the simulated step (default 1e-3)
  --step R            sgd (default) or adam (first AdamW step, sign-like)
  --scope S           all (default; last:4 for a .gguf proxy), language, last:K (last K decoder blocks;
                      V's hidden states below them are computed once per run); --params S is the older name
  --warmup F          share of the pool the proxy trains on first (default 0.05, 0 for a .gguf proxy; 0 = none)
  --warmup-lr X       warm-up learning rate (default 1e-3; 1e-5 for a .gguf proxy)
  --warmup-epochs N   passes over the warm-up share (default 1). A proxy that starts from random
                      weights (builtin-tiny) needs several: see `ostc bench learning`
  --batch N           samples per batch (default 8; halves itself on out-of-memory; on a CPU
                      one forward holds at most 768 padded tokens, so fewer of long samples)
  --max-tokens N      per-sample token limit (default 1024): a longer answer is cut to fit and scored
                      on its first tokens; a prompt that alone exceeds it is reported, not scored
  --device D          cpu (default), cuda:N, cuda for every GPU, or a list (cuda:0,cuda:2); one
                      worker per device
  --precision P       fp32 (default), bf16, fp16
  --seed S            seed for warm-up, hold-out and the random baseline (default 0)
  --limit N           only the first N records of the file
  --baselines LIST    comma-separated subset of loss,ifd,length,random (default all; "none")
  --shard I/N         score only slice I of N (samples at position % N == I) into its own store,
                      default DATASET.shard-I-of-N.ostproj; join them with `ostc merge`
  --project P         project store (default DATASET.ostproj)
  --resume RUN        continue run RUN (with its stored settings)
  --new-run           always start a new run
  --allow-errors      exit 0 even when some samples could not be scored (default: exit 3)
  --quiet             no progress bar

Ctrl-C and SIGTERM (what Slurm sends at the time limit) both stop between batches.
exit status: 0 done, 3 bad input or samples that failed, 130 stopped (resume with the same command),
2 usage, 1 other failures.
)";

ost::CancelToken *g_cancel = nullptr;

extern "C" void onSigint(int)
{
    // Only an atomic store: safe in a signal handler. The job stops after the batch in flight.
    if (g_cancel)
        g_cancel->cancel();
}

std::vector<std::string> splitList(const std::string &text)
{
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= text.size()) {
        const size_t comma = text.find(',', start);
        const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!item.empty() && item != "none")
            out.push_back(item);
        if (comma == std::string::npos)
            break;
        start = comma + 1;
    }
    return out;
}

int run(Args &args)
{
    if (args.positional().size() != 1)
        return fail("score", "give exactly one dataset (see ostc score --help)", Usage);
    const std::string datasetPath = args.positional().front();

    ost::RunSettings s;
    s.referencePath = args.value("--reference", "");
    s.proxy = args.value("--proxy", s.proxy);
    const std::string mode = args.value("--mode", "exact");
    if (mode != "exact" && mode != "fast")
        return fail("score", "--mode must be exact or fast, got '" + mode + "'", Usage);
    s.mode = mode == "fast" ? ost::ScoringMode::Fast : ost::ScoringMode::Exact;
    s.learningRate = args.number("--lr").value_or(s.learningRate);
    s.stepRule = args.value("--step", s.stepRule);
    const ost::RunSettings defaults = ost::defaultSettingsFor(s.proxy);
    s.parameterScope = args.value("--scope", args.value("--params", defaults.parameterScope));
    s.chatTemplate = args.value("--template", "");
    s.warmupFraction = args.number("--warmup").value_or(defaults.warmupFraction);
    s.warmupLearningRate = args.number("--warmup-lr").value_or(defaults.warmupLearningRate);
    s.warmupEpochs = args.integer("--warmup-epochs").value_or(s.warmupEpochs);
    s.batchSize = args.integer("--batch").value_or(s.batchSize);
    s.maxTokens = args.integer("--max-tokens").value_or(s.maxTokens);
    s.device = args.value("--device", s.device);
    s.precision = args.value("--precision", s.precision);
    s.seed = static_cast<uint64_t>(args.integer("--seed").value_or(0));
    s.limit = args.integer("--limit").value_or(0);
    if (auto b = args.value("--baselines")) {
        s.baselines = splitList(*b);
        for (const std::string &name : s.baselines)
            if (name != "loss" && name != "ifd" && name != "length" && name != "random")
                return fail("score", "--baselines: unknown baseline '" + name + "' (known: loss, ifd, length, random, none)",
                            Usage);
    }
    const auto resume = args.integer("--resume");
    if (!args.error().empty())
        return fail("score", args.error(), Usage);
    if (auto shard = args.value("--shard")) {
        const auto slash = shard->find('/');
        long long index = 0, count = 0;
        // Both parts whole: "1/3/5" was read as 1/3.
        if (slash == std::string::npos || !parseWholeNumber(shard->substr(0, slash), index) ||
            !parseWholeNumber(shard->substr(slash + 1), count))
            return fail("score", "--shard expects I/N (e.g. 3/8), got '" + *shard + "'", Usage);
        s.shardIndex = index;
        s.shardCount = count;
        if (s.shardCount < 1 || s.shardIndex < 0 || s.shardIndex >= s.shardCount)
            return fail("score", "--shard " + *shard + ": need 0 <= I < N", Usage);
    }
    if (s.limit < 0)
        return fail("score", "--limit must be >= 0 (0: no limit)", Usage);
    if (s.batchSize < 1 || s.learningRate <= 0 || s.warmupFraction < 0 || s.warmupFraction > 1 || s.warmupEpochs < 0)
        return fail("score", "--batch must be >= 1, --lr > 0, --warmup within [0, 1] and --warmup-epochs >= 0", Usage);
    if (resume && args.has("--new-run"))
        return fail("score", "--resume and --new-run exclude each other", Usage);

    auto dataset = ost::Dataset::open(datasetPath);
    if (!dataset.ok())
        return fail("score", dataset.error().message, BadInput);
    for (const auto &issue : dataset.value()->indexIssues())
        if (issue.severity == ost::ValidationIssue::Severity::Error)
            std::cerr << "ostc score: " << datasetPath << ":" << issue.line << ": " << issue.message << "\n";

    const std::string projectPath =
        args.value("--project", s.shardCount > 1 ? ost::shardStorePath(datasetPath, s.shardIndex, s.shardCount)
                                                 : ost::ProjectStore::defaultPathFor(datasetPath));
    auto opened = ost::ProjectStore::open(projectPath);
    if (!opened.ok())
        return fail("score", opened.error().message, BadInput);
    ost::ProjectStore &store = **opened;

    // The job opens the reference relative to the working folder; the run stores it relative to the
    // project file (storedSettings), and latestRunWithSettings compares where either form resolves to.
    s.referencePath = ost::pathFromStore(ost::pathForStore(s.referencePath, projectPath), projectPath);

    std::optional<int64_t> resumeRun;
    if (resume) {
        const auto info = store.run(*resume);
        if (!info)
            return fail("score", "no run " + std::to_string(*resume) + " in " + projectPath, BadInput);
        auto stored = ost::RunSettings::fromJson(info->settingsJson);
        if (!stored.ok())
            return fail("score", "run " + std::to_string(*resume) + ": " + stored.error().message, BadInput);
        s = stored.takeValue(); // a resume continues with the run's own settings
        s.referencePath = ost::pathFromStore(s.referencePath, projectPath);
        resumeRun = *resume;
    } else if (const auto same = args.has("--new-run") ? std::nullopt : ost::latestRunWithSettings(store, s)) {
        resumeRun = same->id;
        if (same->status != "done") {
            std::cerr << "ostc score: resuming run " << same->id << " (" << same->name << ", " << same->status
                      << ")\n";
        } else {
            const int64_t edited =
                ost::findStaleScores(*dataset.value(), store, same->id, s.utilityMethod()).changed();
            if (edited == 0) {
                std::cerr << "ostc score: run " << same->id << " (" << same->name
                          << ") already scored this dataset with these settings; nothing to do (--new-run to redo)\n";
                return Ok;
            }
            // The job scores a sample again when its content hash differs from the scored one.
            std::cerr << "ostc score: " << edited << " sample(s) changed since run " << same->id
                      << " scored them; scoring those again in that run\n";
        }
    }

    ost::CancelToken cancel;
    g_cancel = &cancel;
    std::signal(SIGINT, onSigint);
    std::signal(SIGTERM, onSigint);
    const bool bar = !args.has("--quiet");
    const ost::ProgressCallback progress = bar ? terminalProgress() : ost::ProgressCallback();

    const auto started = std::chrono::steady_clock::now();
    ost::ScoringJob job(*dataset.value(), store, s);
    auto runId = job.run(progress, cancel, resumeRun);
    g_cancel = nullptr;
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    if (bar)
        std::cerr << "\n";
    if (!runId.ok())
        return fail("score", runId.error().message);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

    const auto info = store.run(runId.value());
    const std::string primary = s.utilityMethod();
    const auto utilities = store.scoreMap(runId.value(), primary);
    int64_t harmful = 0;
    for (const auto &[id, u] : utilities)
        harmful += u < s.harmfulThreshold ? 1 : 0;
    const int64_t errors = store.scoreCount(runId.value(), "error");
    if (const ost::Status h = store.health(); !h.ok())
        return fail("score", h.error().message, BadInput);
    std::printf("run %lld (%s): %s\n", static_cast<long long>(runId.value()), info ? info->name.c_str() : "",
                info ? info->status.c_str() : "?");
    std::printf("  scored    %zu samples (%s), %s this session\n", utilities.size(), primary.c_str(),
                ost::formatDuration(seconds).c_str());
    std::printf("  harmful   %lld (utility < %g)\n", static_cast<long long>(harmful), s.harmfulThreshold);
    // A step large enough to overshoot raises L_V for most samples, good ones included (demo, eta 0.1:
    // 292 of 400 below 0, 120 toxic): the sign stops meaning harm, the order still ranks.
    if (utilities.size() >= 10 && 2 * harmful > static_cast<int64_t>(utilities.size()))
        std::printf("  note      over half the samples are below the threshold at this step size (eta %g): "
                    "read the ranking (keep the top 20-50 %%), not the sign\n",
                    s.learningRate);
    std::printf("  errors    %lld (method \"error\", tag scoring-error; see the log above)\n",
                static_cast<long long>(errors));
    std::printf("  project   %s\n", projectPath.c_str());
    if (info && info->status == "cancelled") {
        std::printf("  cancelled: run the same command again to resume\n");
        return Cancelled;
    }
    if (!(info && info->status == "done"))
        return Failure;
    if (errors > 0 && !args.has("--allow-errors")) {
        std::fprintf(stderr, "ostc score: %lld sample(s) could not be scored (see above); --allow-errors to accept\n",
                     static_cast<long long>(errors));
        return BadInput;
    }
    return Ok;
}

const CommandRegistration reg({"score", "score a dataset by one-step utility (OST) and baselines", kUsage, run,
                               {"--new-run", "--allow-errors"},
                               {"--reference", "--proxy", "--mode", "--lr", "--step", "--params", "--warmup",
                                "--warmup-lr", "--warmup-epochs", "--batch", "--max-tokens", "--device", "--scope", "--template",
                                "--precision", "--seed", "--limit", "--baselines", "--shard", "--project", "--resume"}});

} // namespace
} // namespace ostc
