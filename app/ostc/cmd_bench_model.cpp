// `ostc bench model`: forward and forward+backward speed of the native Qwen2-VL on synthetic
// batches (one image + text, answer-only labels), and the process's peak resident memory.
#include "Command.h"

#include "core/model/internal/BuiltinTiny.h"
#include "core/model/internal/QwenVisionLanguageModel.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

namespace ostc {
namespace {

const char *kUsage = R"(usage: ostc bench model [options]

Times the native Qwen2-VL on synthetic batches of one sample: a 112x112 image (64 patches) for the
tiny model, a 448x448 one (1024 patches) for the 2B shape, then text up to the token count; the
last half of the tokens are labelled. Reports tokens/s of forward (no grad) and of forward+backward
(the per-sample loss OST differentiates), and the process's peak RSS (VmHWM).

  builtin-tiny           CPU, 256 and 1024 tokens
  qwen2-vl-2b            the Qwen2-VL-2B shape with random weights (hidden 1536, 28 layers, 12 heads,
                         2 kv heads, intermediate 8960, vocab 151936, vision 32 x 1280) in bf16,
                         only when CUDA is available (with MFU against --peak-tflops); on CPU a
                         2-layer / 2-vision-block slice of it runs in fp32 instead

options:
  --threads N        CPU threads for LibTorch (default: LibTorch's choice)
  --peak-tflops X    accelerator bf16 dense peak for MFU (default 989, H100 SXM)
  --seconds X        minimum timed seconds per measurement (default 2)
  --json             print one JSON object
)";

double vmHwmMiB()
{
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmHWM:", 0) == 0)
            return std::stod(line.substr(6)) / 1024.0;
    return 0;
}

struct Measurement {
    std::string model, device, precision;
    int64_t tokens = 0, patches = 0;
    double forwardTokensPerSecond = 0, trainTokensPerSecond = 0;
    double forwardMs = 0, trainMs = 0;
    double peakRssMiB = 0;
    double mfu = -1; // fraction, < 0: not computed
};

ost::model::ModelBatch syntheticBatch(const ost::model::QwenVLConfig &c, int64_t tokens, int64_t gridSide,
                                      const torch::Device &device)
{
    const int64_t m = c.vision.spatialMergeSize;
    const int64_t imageTokens = gridSide * gridSide / (m * m);
    auto gen = at::detail::createCPUGenerator(1);
    torch::Tensor ids = torch::randint(0, std::min<int64_t>(c.text.vocabSize, 250), {1, tokens}, gen, torch::kLong);
    ids[0][0] = c.visionStartTokenId;
    ids[0].narrow(0, 1, imageTokens).fill_(c.imageTokenId);
    ids[0][imageTokens + 1] = c.visionEndTokenId;
    torch::Tensor labels = torch::full({1, tokens}, ost::kIgnoreIndex, torch::kLong);
    labels[0].narrow(0, tokens / 2, tokens - tokens / 2).copy_(ids[0].narrow(0, tokens / 2, tokens - tokens / 2));
    ost::model::ModelBatch b;
    b.inputIds = ids.to(device);
    b.attentionMask = torch::ones({1, tokens}, torch::kLong).to(device);
    b.labels = labels.to(device);
    b.pixelValues = torch::randn({gridSide * gridSide, c.vision.patchDim()}, gen).to(device);
    b.imageGridThw = torch::tensor({int64_t(1), gridSide, gridSide}, torch::kLong).view({1, 3}).to(device);
    return b;
}

template <class F>
double timeIt(F &&step, double minSeconds, const torch::Device &device)
{
    step(); // warm-up (allocator, kernels)
    if (device.is_cuda())
        torch::cuda::synchronize();
    int iterations = 0;
    const auto start = std::chrono::steady_clock::now();
    double elapsed = 0;
    while (iterations < 2 || elapsed < minSeconds) {
        step();
        if (device.is_cuda())
            torch::cuda::synchronize();
        ++iterations;
        elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    return elapsed / iterations;
}

// Matmul FLOPs of one forward pass (2 per multiply-add); attention scores included.
double forwardFlops(const ost::model::QwenVLConfig &c, int64_t tokens, int64_t patches, int64_t labelled)
{
    const auto &t = c.text;
    const double kv = double(t.numKvHeads * t.headDim());
    const double perToken = 2.0 * t.numLayers *
                            (2.0 * t.hiddenSize * t.hiddenSize + 2.0 * t.hiddenSize * kv + 3.0 * t.hiddenSize * t.intermediateSize);
    const double attention = 2.0 * t.numLayers * 2.0 * t.hiddenSize * double(tokens) * double(tokens) / 2.0;
    const auto &v = c.vision;
    const double e = double(v.hiddenSize);
    const double visionPerPatch = 2.0 * (v.patchDim() * e + v.depth * (4.0 * e * e + 2.0 * e * v.intermediateSize));
    const double visionAttention = 2.0 * v.depth * 2.0 * e * double(patches) * double(patches);
    const double head = 2.0 * double(labelled) * t.hiddenSize * t.vocabSize;
    return perToken * tokens + attention + visionPerPatch * patches + visionAttention + head;
}

Measurement measure(const std::string &name, const ost::model::QwenVLConfig &config, int64_t tokens, int64_t gridSide,
                    const torch::Device &device, torch::ScalarType dtype, double minSeconds, double peakTflops)
{
    auto model = ost::model::QwenVisionLanguageModel::create(config, 0);
    model->module().to(device, dtype);
    const auto batch = syntheticBatch(config, tokens, gridSide, device);
    Measurement r;
    r.model = name;
    r.device = device.str();
    r.precision = dtype == torch::kBFloat16 ? "bf16" : "fp32";
    r.tokens = tokens;
    r.patches = gridSide * gridSide;
    const double fwd = timeIt(
        [&] {
            torch::NoGradGuard noGrad;
            model->perSampleLoss(batch);
        },
        minSeconds, device);
    const double train = timeIt(
        [&] {
            model->module().zero_grad();
            model->perSampleLoss(batch).sum().backward();
        },
        minSeconds, device);
    r.forwardMs = fwd * 1000;
    r.trainMs = train * 1000;
    r.forwardTokensPerSecond = tokens / fwd;
    r.trainTokensPerSecond = tokens / train;
    r.peakRssMiB = vmHwmMiB();
    if (device.is_cuda() && peakTflops > 0)
        r.mfu = 3.0 * forwardFlops(config, tokens, r.patches, tokens - tokens / 2) / train / (peakTflops * 1e12);
    return r;
}

ost::model::QwenVLConfig qwen2vl2bShape(int64_t layers, int64_t visionDepth)
{
    ost::model::QwenVLConfig c;
    c.architecture = "qwen2_vl";
    c.text.vocabSize = 151936;
    c.text.hiddenSize = 1536;
    c.text.intermediateSize = 8960;
    c.text.numLayers = layers;
    c.text.numHeads = 12;
    c.text.numKvHeads = 2;
    c.text.rmsNormEps = 1e-6;
    c.text.mropeSection = {16, 24, 24};
    c.text.tieWordEmbeddings = true;
    c.vision.depth = visionDepth;
    c.vision.hiddenSize = 1280;
    c.vision.numHeads = 16;
    c.vision.intermediateSize = 5120;
    c.vision.outHiddenSize = 1536;
    return c;
}

int run(Args &args)
{
    if (args.has("--help")) {
        std::cout << kUsage;
        return Ok;
    }
    const auto threads = args.integer("--threads");
    const double peak = args.number("--peak-tflops").value_or(989.0);
    const double seconds = args.number("--seconds").value_or(2.0);
    if (!args.error().empty())
        return fail("bench model", args.error(), Usage);
    if (threads && *threads > 0)
        torch::set_num_threads(int(*threads));
    const bool json = args.has("--json");

    std::vector<Measurement> results;
    std::string note;
    try {
        const auto tiny = ost::model::builtinTinyConfig(*ost::makeByteTokenizer());
        for (int64_t tokens : {256, 1024})
            results.push_back(measure("builtin-tiny", tiny, tokens, 8, torch::kCPU, torch::kFloat, seconds, peak));
        if (torch::cuda::is_available()) {
            results.push_back(measure("qwen2-vl-2b", qwen2vl2bShape(28, 32), 1024, 32, torch::Device("cuda:0"),
                                      torch::kBFloat16, seconds, peak));
        } else {
            note = "no CUDA: the full Qwen2-VL-2B shape is skipped; a 2-layer, 2-vision-block slice runs on CPU";
            results.push_back(measure("qwen2-vl-2b-slice(2+2 blocks)", qwen2vl2bShape(2, 2), 256, 16, torch::kCPU,
                                      torch::kFloat, seconds, peak));
        }
    } catch (const std::exception &e) {
        return fail("bench model", e.what());
    }

    if (json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto &r : results)
            out.push_back({{"model", r.model}, {"device", r.device}, {"precision", r.precision}, {"tokens", r.tokens},
                           {"patches", r.patches}, {"forward_tokens_per_s", r.forwardTokensPerSecond},
                           {"train_tokens_per_s", r.trainTokensPerSecond}, {"forward_ms", r.forwardMs},
                           {"train_ms", r.trainMs}, {"peak_rss_mib", r.peakRssMiB},
                           {"mfu", r.mfu >= 0 ? nlohmann::json(r.mfu) : nlohmann::json()}});
        nlohmann::json doc{{"torch_threads", torch::get_num_threads()}, {"results", out}};
        if (!note.empty())
            doc["note"] = note;
        std::cout << doc.dump(2) << "\n";
        return Ok;
    }
    std::printf("%-30s %-6s %-5s %6s %8s %12s %12s %10s %6s\n", "model", "device", "prec", "tokens", "patches",
                "fwd tok/s", "fwd+bwd tok/s", "peak RSS", "MFU");
    for (const auto &r : results) {
        char mfu[16] = "-";
        if (r.mfu >= 0)
            std::snprintf(mfu, sizeof mfu, "%.1f%%", 100 * r.mfu);
        std::printf("%-30s %-6s %-5s %6lld %8lld %12.0f %12.0f %7.0f MiB %6s\n", r.model.c_str(), r.device.c_str(),
                    r.precision.c_str(), (long long)r.tokens, (long long)r.patches, r.forwardTokensPerSecond,
                    r.trainTokensPerSecond, r.peakRssMiB, mfu);
    }
    std::printf("torch threads: %d\n", torch::get_num_threads());
    if (!note.empty())
        std::printf("%s\n", note.c_str());
    return Ok;
}

const BenchRegistration reg({"model", "native Qwen2-VL forward / forward+backward tokens/s and peak memory", kUsage,
                             run, {"--json"}, {"--threads", "--peak-tflops", "--seconds"}});

} // namespace
} // namespace ostc
