// `ostc bench pool --data DIR` (alias `ostc bench mathv`): OST against the baselines on a real
// chain-of-thought pool in the ../shared layout (pool.jsonl, reference.jsonl, labels.csv with
// id,correct[,source,problem_id]), following the protocol of ../shared/README.md, with bootstrap
// intervals and the ROC-AUC within each problem.
#include "Command.h"
#include "TerminalProgress.h"

#include "core/common/Progress.h"
#include "core/data/Dataset.h"
#include "core/jobs/ScoringJob.h"
#include "core/ost/Metrics.h"
#include "core/store/ProjectStore.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace ostc {
namespace {

const char *kUsage = R"(usage: ostc bench pool --data DIR [options]      (ostc bench mathv: --data defaults to MATH-V)

Scores a draw of a real CoT pool (DIR/pool.jsonl, with DIR/reference.jsonl as V) with OST in every
combination of --modes, --lr and --step, and with the baselines loss, ifd, length and random, then
reports per method: ROC-AUC of the score for correct vs. incorrect answers over the drawn model
answers, with a 95 % bootstrap interval; the ROC-AUC within each problem (pairs of answers to the
same problem only, as --per-group id-suffix ranks them; it takes problem difficulty out); the share
of correct answers among the top 20 % and 50 %; samples/s. Then the difference of each OST setting
to the best baseline, with its paired interval. Intervals resample whole problems (all answers to a
problem together), --bootstrap times. DIR/labels.csv is read here only, for evaluation: scoring
never sees it. Keep direction: higher is better for OST, length, random; lower for loss and ifd
(negated before the ROC-AUC).

The draw: whole problems at random (seed), all their model answers (ids not starting with "gold/"),
until --limit answers; --answers all also draws the gold solutions.

options:
  --data DIR          the pool folder (bench mathv: $OST_SHARED_DIR/data/mathv, else ../shared/data/mathv)
  --limit N           answers to draw (default 400; 0 = all)
  --answers A         model (default) or all (gold solutions too)
  --reference-max N   reference samples used as V (default 16; 0 = all)
  --max-tokens N      per-sample token limit (default 512)
  --proxy P           proxy: builtin-tiny (default), a Hugging Face folder or a .gguf file
  --template T        chat layout of a text-only proxy: auto (default: its own ChatML template) or chatml
  --device D          cpu (default) or cuda:N
  --batch N           batch size (default 8; on a CPU one forward holds at most 768 padded tokens)
  --modes M           exact,fast (default), or one of them
  --lr LIST           OST step sizes, comma-separated (default 1e-3)
  --step LIST         exact step rules, comma-separated: sgd (default), adam (fast is always sgd)
  --scope S           parameters the step touches: all, language or last:K (default last:4 for a
                      pretrained proxy, all for builtin-tiny)
  --warmup F          warm-up share of the draw (default 0: a pretrained proxy is not warmed up)
  --warmup-epochs N   passes over the warm-up share (default 1)
  --warmup-lr X       warm-up learning rate (default 1e-3; 1e-5 for a .gguf proxy)
  --bootstrap B       bootstrap resamples for the intervals (default 1000)
  --seed S            draw, warm-up and random-baseline seed (default 0)
  --keep DIR          keep the draw and its project store in DIR: a rerun with the same options
                      reuses finished runs and resumes unfinished ones (long CPU benches)
  --json              one JSON object instead of the tables
)";

std::string defaultDataDir(const std::string &name)
{
    if (const char *env = std::getenv("OST_SHARED_DIR"))
        return std::string(env) + "/data/" + name;
    return "../shared/data/" + name;
}

struct Label {
    bool correct = false;
    std::string problem;
};

// labels.csv: id,correct[,source,problem_id,...]. The problem is the problem_id column when
// present, else the id after its last '/'.
ost::Result<std::map<std::string, Label>> readLabels(const std::string &path)
{
    std::ifstream in(path);
    if (!in)
        return ost::Error{path + ": cannot open"};
    std::string line;
    std::getline(in, line);
    if (line.rfind("id,correct", 0) != 0)
        return ost::Error{path + ": expected a header starting with id,correct"};
    std::vector<std::string> header;
    {
        std::stringstream ss(line);
        for (std::string f; std::getline(ss, f, ',');)
            header.push_back(f);
    }
    const auto problemColumn = std::find(header.begin(), header.end(), "problem_id") - header.begin();
    std::map<std::string, Label> out;
    int64_t lineNo = 1;
    while (std::getline(in, line)) {
        ++lineNo;
        if (line.empty())
            continue;
        std::vector<std::string> f;
        std::stringstream ss(line);
        for (std::string v; std::getline(ss, v, ',');)
            f.push_back(v);
        if (f.size() < 2 || (f[1] != "0" && f[1] != "1"))
            return ost::Error{path + ":" + std::to_string(lineNo) + ": correct must be 0 or 1"};
        Label l;
        l.correct = f[1] == "1";
        if (problemColumn < static_cast<long>(f.size()))
            l.problem = f[size_t(problemColumn)];
        else
            l.problem = f[0].substr(f[0].rfind('/') + 1);
        out[f[0]] = l;
    }
    return out;
}

bool isGold(const std::string &id) { return id.rfind("gold/", 0) == 0; }
int keepSign(const std::string &method) { return method == "loss" || method == "ifd" ? -1 : 1; }
bool isBaseline(const std::string &m) { return m == "loss" || m == "ifd" || m == "length" || m == "random"; }

std::vector<std::string> splitList(const std::string &s)
{
    std::vector<std::string> out;
    std::stringstream ss(s);
    for (std::string v; std::getline(ss, v, ',');)
        if (!v.empty())
            out.push_back(v);
    return out;
}

// The evaluation table: one row per drawn, labelled, scored answer.
struct Evaluation {
    std::vector<std::string> ids;
    std::vector<bool> correct;
    std::vector<int64_t> problem;
    std::map<std::string, std::vector<double>> keep; // method -> keep-direction score per row (NaN: none)
};

struct MethodResult {
    double auroc = NAN, within = NAN, top20 = NAN, top50 = NAN, rate = NAN;
    ost::Interval aurocCi, withinCi;
    size_t n = 0;
};

// `group`: per row of `rows`, its group for the within-problem ROC-AUC (a bootstrap draw index;
// empty: the rows' own problems).
double aurocOn(const Evaluation &e, const std::vector<double> &v, const std::vector<size_t> &rows, bool within,
               const std::vector<int64_t> &group = {})
{
    std::vector<double> s;
    std::vector<bool> y;
    std::vector<int64_t> g;
    for (size_t k = 0; k < rows.size(); ++k) {
        const size_t r = rows[k];
        if (std::isnan(v[r]))
            continue;
        s.push_back(v[r]);
        y.push_back(e.correct[r]);
        g.push_back(group.empty() ? e.problem[r] : group[k]);
    }
    return within ? ost::groupedRocAuc(s, y, g) : ost::rocAuc(s, y);
}

nlohmann::json num(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }
nlohmann::json interval(const ost::Interval &i) { return {num(i.low), num(i.high)}; }

std::string fmt(double v, const char *f = "%.3f")
{
    if (!std::isfinite(v))
        return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, f, v);
    return buf;
}
std::string fmtCi(double v, const ost::Interval &i)
{
    return fmt(v) + " [" + fmt(i.low) + ", " + fmt(i.high) + "]";
}

int runBench(Args &args, const std::string &name)
{
    const std::string dataDir = args.value("--data", name == "mathv" ? defaultDataDir("mathv") : "");
    if (dataDir.empty())
        return fail("bench pool", "--data DIR is required (a folder with pool.jsonl, reference.jsonl, labels.csv)", Usage);
    const long long limit = args.integer("--limit").value_or(400);
    const std::string answers = args.value("--answers", "model");
    ost::RunSettings s;
    s.referenceMax = args.integer("--reference-max").value_or(16);
    s.maxTokens = args.integer("--max-tokens").value_or(512);
    s.proxy = args.value("--proxy", "builtin-tiny");
    s.chatTemplate = args.value("--template", "");
    s.device = args.value("--device", "cpu");
    s.batchSize = args.integer("--batch").value_or(8);
    const ost::RunSettings defaults = ost::defaultSettingsFor(s.proxy);
    s.parameterScope = args.value("--scope", s.proxy == "builtin-tiny" ? "all" : ost::kPretrainedScope);
    s.warmupFraction = args.number("--warmup").value_or(0.0);
    s.warmupEpochs = args.integer("--warmup-epochs").value_or(1);
    s.warmupLearningRate = args.number("--warmup-lr").value_or(defaults.warmupLearningRate);
    s.seed = static_cast<uint64_t>(args.integer("--seed").value_or(0));
    const int draws = static_cast<int>(args.integer("--bootstrap").value_or(1000));
    const std::vector<std::string> modes = splitList(args.value("--modes", "exact,fast"));
    const std::vector<std::string> rates = splitList(args.value("--lr", "1e-3"));
    const std::vector<std::string> steps = splitList(args.value("--step", "sgd"));
    const std::string keepDir = args.value("--keep", "");
    const bool json = args.has("--json");
    if (!args.error().empty())
        return fail("bench pool", args.error(), Usage);
    if (answers != "model" && answers != "all")
        return fail("bench pool", "--answers must be model or all", Usage);
    std::vector<double> etas;
    for (const auto &r : rates) {
        double v = 0;
        if (!parseDecimal(r, v) || !(v > 0))
            return fail("bench pool", "--lr: '" + r + "' is not a positive number", Usage);
        etas.push_back(v);
    }
    for (const auto &m : modes)
        if (m != "exact" && m != "fast")
            return fail("bench pool", "--modes: '" + m + "' is not exact or fast", Usage);
    for (const auto &st : steps)
        if (st != "sgd" && st != "adam")
            return fail("bench pool", "--step: '" + st + "' is not sgd or adam", Usage);
    if (modes.empty() || etas.empty() || steps.empty() || draws < 1)
        return fail("bench pool", "--modes, --lr, --step and --bootstrap need at least one value", Usage);

    const std::string poolPath = dataDir + "/pool.jsonl";
    s.referencePath = dataDir + "/reference.jsonl";
    if (!fs::exists(poolPath) || !fs::exists(s.referencePath) || !fs::exists(dataDir + "/labels.csv"))
        return fail("bench pool", "pool data not found in " + dataDir + " (need pool.jsonl, reference.jsonl, labels.csv)",
                    BadInput);
    auto labels = readLabels(dataDir + "/labels.csv");
    if (!labels.ok())
        return fail("bench pool", labels.error().message, BadInput);

    // The draw: whole problems in a seeded random order, all their (model) answers, until --limit.
    std::map<std::string, std::vector<std::string>> linesOf; // problem -> its lines, file order
    std::vector<std::string> problemOrder;
    {
        std::ifstream in(poolPath);
        std::string line;
        while (std::getline(in, line)) {
            if (line.empty())
                continue;
            const auto j = nlohmann::json::parse(line, nullptr, false);
            const std::string id = j.is_object() && j.contains("id") && j["id"].is_string() ? j["id"].get<std::string>() : "";
            auto it = labels->find(id);
            if (it == labels->end() || (answers == "model" && isGold(id)))
                continue;
            if (!linesOf.count(it->second.problem))
                problemOrder.push_back(it->second.problem);
            linesOf[it->second.problem].push_back(line);
        }
    }
    std::sort(problemOrder.begin(), problemOrder.end());
    std::mt19937_64 rng(s.seed ^ 0x706f6f6cULL);
    std::shuffle(problemOrder.begin(), problemOrder.end(), rng);
    std::vector<std::string> lines;
    size_t problemsDrawn = 0;
    for (const auto &p : problemOrder) {
        if (limit > 0 && static_cast<long long>(lines.size()) >= limit)
            break;
        const auto &l = linesOf[p];
        lines.insert(lines.end(), l.begin(), l.end());
        ++problemsDrawn;
    }
    if (limit > 0 && static_cast<long long>(lines.size()) > limit)
        lines.resize(static_cast<size_t>(limit));
    if (lines.empty())
        return fail("bench pool", poolPath + ": no labelled answer to draw", BadInput);

    const fs::path work = keepDir.empty() ? fs::temp_directory_path() / ("ostc-bench-pool-" + std::to_string(::getpid()))
                                          : fs::path(keepDir);
    fs::create_directories(work);
    const std::string subsetPath = (work / "subset.jsonl").string();
    {
        std::string joined;
        for (const auto &l : lines)
            joined += l + "\n";
        std::ifstream old(subsetPath, std::ios::binary);
        const std::string before((std::istreambuf_iterator<char>(old)), {});
        if (before != joined) {
            if (!keepDir.empty() && !before.empty())
                return fail("bench pool", subsetPath + " holds another draw (other --data, --limit, --answers or --seed); "
                                          "use another --keep folder", Usage);
            std::ofstream out(subsetPath, std::ios::binary);
            out << joined;
        }
    }
    ost::DatasetOptions dopt;
    dopt.imageRoot = fs::absolute(dataDir).string();
    auto dataset = ost::Dataset::open(subsetPath, dopt);
    if (!dataset.ok())
        return fail("bench pool", dataset.error().message, BadInput);
    auto store = ost::ProjectStore::open((work / "bench.ostproj").string());
    if (!store.ok())
        return fail("bench pool", store.error().message);

    const auto wallStart = std::chrono::steady_clock::now();

    // One run per setting; the first carries the baselines (they do not depend on the step).
    struct Setting {
        std::string label;
        ost::RunSettings settings;
    };
    std::vector<Setting> settings;
    for (const auto &mode : modes)
        for (double eta : etas)
            for (const auto &step : steps) {
                if (mode == "fast" && step != "sgd")
                    continue;
                ost::RunSettings rs = s;
                rs.mode = mode == "fast" ? ost::ScoringMode::Fast : ost::ScoringMode::Exact;
                rs.learningRate = eta;
                rs.stepRule = step;
                rs.baselines = settings.empty() ? s.baselines : std::vector<std::string>{};
                char label[64];
                std::snprintf(label, sizeof label, "ost %s %s %g", mode.c_str(), step.c_str(), eta);
                settings.push_back({label, rs});
            }

    std::map<std::string, std::map<std::string, double>> scores;
    std::map<std::string, double> rateOf;
    std::map<std::string, double> negativeShare;
    std::vector<std::string> methods;
    for (const auto &setting : settings) {
        ost::ScoringJob job(*dataset.value(), *store.value(), setting.settings);
        ost::CancelToken cancel;
        std::optional<int64_t> resume;
        if (auto previous = ost::latestRunWithSettings(*store.value(), setting.settings)) {
            if (previous->status == "done" && previous->scoredCount > 0)
                std::cerr << setting.label << ": reusing run " << previous->id << "\n";
            resume = previous->id;
        }
        auto runId = job.run(terminalProgress(setting.label), cancel, resume);
        std::cerr << "\n";
        if (!runId.ok())
            return fail("bench pool", setting.label + ": " + runId.error().message);
        for (const auto &m : store.value()->methods(runId.value())) {
            if (m == "error")
                continue;
            const std::string key = isBaseline(m) ? m : setting.label;
            scores[key] = store.value()->scoreMap(runId.value(), m);
            if (std::find(methods.begin(), methods.end(), key) == methods.end())
                methods.push_back(key);
            if (auto t = store.value()->blob(ost::ScoringJob::timingsBlobKey(runId.value()))) {
                const auto j = nlohmann::json::parse(*t, nullptr, false);
                if (j.is_object() && j.contains("methods") && j["methods"].contains(m)) {
                    const double sec = j["methods"][m].get<double>();
                    rateOf[key] = sec > 0 ? j.value("samples", 0) / sec : NAN;
                }
            }
        }
    }
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();
    std::stable_sort(methods.begin(), methods.end(), [](const std::string &a, const std::string &b) {
        return !isBaseline(a) && isBaseline(b);
    });

    // Rows: drawn answers that are labelled and carry an OST score of the first setting.
    Evaluation e;
    std::map<std::string, int64_t> problemIndex;
    for (const auto &[id, v] : scores[settings.front().label]) {
        auto it = labels->find(id);
        if (it == labels->end())
            continue;
        e.ids.push_back(id);
        e.correct.push_back(it->second.correct);
        e.problem.push_back(problemIndex.emplace(it->second.problem, int64_t(problemIndex.size())).first->second);
    }
    for (const auto &m : methods) {
        auto &column = e.keep[m];
        size_t negative = 0, present = 0;
        for (const auto &id : e.ids) {
            auto it = scores[m].find(id);
            const double v = it == scores[m].end() ? NAN : keepSign(m) * it->second;
            column.push_back(v);
            if (!std::isnan(v) && !isBaseline(m)) {
                ++present;
                negative += v < 0 ? 1 : 0;
            }
        }
        if (present)
            negativeShare[m] = double(negative) / double(present);
    }
    std::vector<size_t> all(e.ids.size());
    std::iota(all.begin(), all.end(), size_t(0));
    std::map<std::string, MethodResult> results;
    for (const auto &m : methods) {
        MethodResult r;
        const auto &v = e.keep[m];
        r.auroc = aurocOn(e, v, all, false);
        r.within = aurocOn(e, v, all, true);
        r.aurocCi = ost::clusterBootstrap(e.problem, draws, s.seed + 1, 0.95,
                                          [&](const std::vector<size_t> &rows, const std::vector<int64_t> &) {
                                              return aurocOn(e, v, rows, false);
                                          });
        r.withinCi = ost::clusterBootstrap(e.problem, draws, s.seed + 2, 0.95,
                                           [&](const std::vector<size_t> &rows, const std::vector<int64_t> &drawOf) {
                                               return aurocOn(e, v, rows, true, drawOf);
                                           });
        std::vector<double> sv;
        std::vector<bool> yv;
        for (size_t i = 0; i < v.size(); ++i)
            if (!std::isnan(v[i])) {
                sv.push_back(v[i]);
                yv.push_back(e.correct[i]);
            }
        r.n = sv.size();
        r.top20 = ost::precisionAtTop(sv, yv, 0.2);
        r.top50 = ost::precisionAtTop(sv, yv, 0.5);
        r.rate = rateOf.count(m) ? rateOf[m] : NAN;
        results[m] = r;
    }
    // OST minus the best baseline (by point estimate), paired: one resample for both.
    auto bestBaseline = [&](bool within) {
        std::string best;
        for (const auto &m : methods)
            if (isBaseline(m)) {
                const double v = within ? results[m].within : results[m].auroc;
                if (best.empty() || (std::isfinite(v) && !(v <= (within ? results[best].within : results[best].auroc))))
                    best = m;
            }
        return best;
    };
    struct Difference {
        std::string baseline;
        double value = NAN;
        ost::Interval ci;
    };
    std::map<std::string, std::pair<Difference, Difference>> differences;
    for (const auto &m : methods) {
        if (isBaseline(m))
            continue;
        for (int w = 0; w < 2; ++w) {
            Difference d;
            d.baseline = bestBaseline(w == 1);
            if (d.baseline.empty())
                continue;
            const auto &a = e.keep[m], &b = e.keep[d.baseline];
            auto stat = [&](const std::vector<size_t> &rows, const std::vector<int64_t> &drawOf) {
                return aurocOn(e, a, rows, w == 1, drawOf) - aurocOn(e, b, rows, w == 1, drawOf);
            };
            d.value = stat(all, {});
            d.ci = ost::clusterBootstrap(e.problem, draws, s.seed + 3 + w, 0.95, stat);
            (w ? differences[m].second : differences[m].first) = d;
        }
    }
    size_t correct = 0;
    for (bool c : e.correct)
        correct += c ? 1 : 0;
    const double chance = e.ids.empty() ? 0.0 : double(correct) / double(e.ids.size());

    if (json) {
        nlohmann::json j;
        j["benchmark"] = "pool";
        j["data"] = dataDir;
        j["samples"] = e.ids.size();
        j["problems"] = problemIndex.size();
        j["correct_share"] = chance;
        j["answers"] = answers;
        j["reference_samples"] = s.referenceMax;
        j["max_tokens"] = s.maxTokens;
        j["proxy"] = s.proxy;
        j["scope"] = s.parameterScope;
        j["device"] = s.device;
        j["warmup"] = s.warmupFraction;
        j["bootstrap"] = draws;
        j["seed"] = s.seed;
        j["wall_seconds"] = wall;
        for (const auto &m : methods) {
            const auto &r = results[m];
            nlohmann::json o = {{"auroc", num(r.auroc)},           {"auroc_ci95", interval(r.aurocCi)},
                                {"auroc_within_problem", num(r.within)}, {"auroc_within_problem_ci95", interval(r.withinCi)},
                                {"precision_top20", num(r.top20)}, {"precision_top50", num(r.top50)},
                                {"samples_per_s", num(r.rate)},    {"n", r.n}};
            if (negativeShare.count(m))
                o["negative_share"] = negativeShare[m];
            if (differences.count(m)) {
                const auto &[d, dw] = differences[m];
                o["minus_best_baseline"] = {{"baseline", d.baseline}, {"value", num(d.value)}, {"ci95", interval(d.ci)}};
                o["minus_best_baseline_within_problem"] = {
                    {"baseline", dw.baseline}, {"value", num(dw.value)}, {"ci95", interval(dw.ci)}};
            }
            j["methods"][m] = o;
        }
        std::cout << j.dump(2) << "\n";
    } else {
        std::printf("pool bench %s: %zu answers of %zu problems (whole problems drawn at random, seed %llu; %s answers; "
                    "%zu correct = %.1f%%), V = %lld of %s, proxy %s (scope %s) on %s, max %lld tokens, warm-up %g\n",
                    dataDir.c_str(), e.ids.size(), problemIndex.size(), static_cast<unsigned long long>(s.seed),
                    answers.c_str(), correct, 100.0 * chance, static_cast<long long>(s.referenceMax),
                    s.referencePath.c_str(), s.proxy.c_str(), s.parameterScope.c_str(), s.device.c_str(),
                    static_cast<long long>(s.maxTokens), s.warmupFraction);
        std::printf("%-24s %-22s %-22s %7s %7s %9s %6s\n", "method", "AUROC [95% CI]", "within-problem", "top20%",
                    "top50%", "samples/s", "u<0");
        for (const auto &m : methods) {
            const auto &r = results[m];
            std::printf("%-24s %-22s %-22s %7s %7s %9s %6s\n", m.c_str(), fmtCi(r.auroc, r.aurocCi).c_str(),
                        fmtCi(r.within, r.withinCi).c_str(), fmt(r.top20).c_str(), fmt(r.top50).c_str(),
                        fmt(r.rate, "%.2f").c_str(),
                        negativeShare.count(m) ? fmt(negativeShare[m], "%.2f").c_str() : "");
        }
        for (const auto &m : methods) {
            if (!differences.count(m))
                continue;
            const auto &[d, dw] = differences[m];
            std::printf("%s minus best baseline: AUROC %+.3f [%+.3f, %+.3f] (vs %s); within-problem %+.3f [%+.3f, %+.3f] "
                        "(vs %s)\n",
                        m.c_str(), d.value, d.ci.low, d.ci.high, d.baseline.c_str(), dw.value, dw.ci.low, dw.ci.high,
                        dw.baseline.c_str());
        }
        std::printf("wall time %s (incl. loading, V and every setting); chance: AUROC 0.5, top-k share %.3f; "
                    "intervals: %d resamples of whole problems\n",
                    ost::formatDuration(wall).c_str(), chance, draws);
    }
    if (keepDir.empty()) {
        std::error_code ec;
        fs::remove_all(work, ec);
    }
    return Ok;
}

const std::vector<std::string> kOptions = {"--data",   "--limit", "--answers", "--reference-max", "--max-tokens",
                                           "--proxy",  "--template", "--device", "--batch", "--modes",
                                           "--lr",     "--step",  "--scope",   "--warmup", "--warmup-epochs",
                                           "--warmup-lr", "--bootstrap", "--seed", "--keep"};

const BenchRegistration regPool({"pool", "OST vs. baselines on a real CoT pool (GSM8K, MATH-V): AUROC with intervals",
                                 kUsage, [](Args &a) { return runBench(a, "pool"); }, {"--json"}, kOptions});
const BenchRegistration regMathv({"mathv", "bench pool on ../shared/data/mathv", kUsage,
                                  [](Args &a) { return runBench(a, "mathv"); }, {"--json"}, kOptions});

} // namespace
} // namespace ostc
