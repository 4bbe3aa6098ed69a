// `ostc bench tokenizer`: how long tokenizer.json takes to load and how fast text and chat samples
// encode, on the real MATH-V pool text (skipped with a message when ../shared is absent).
#include "Command.h"

#include "core/text/ChatTemplate.h"
#include "core/text/Tokenizer.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>

namespace ostc {
namespace {

const char *kUsage = R"(usage: ostc bench tokenizer [--tokenizer FILE] [--pool FILE] [--limit N]

Loads the tokenizer (timed), then encodes every message of the pool twice: once with an empty word
cache (cold) and once warm; then encodes each sample with the Qwen2-VL chat template
(256 image pads per image). Prints MB/s, tokens/s and samples/s, single thread.

options:
  --tokenizer FILE  tokenizer.json (default: $OST_SHARED_DIR or ../shared, tokenizers/qwen2/tokenizer.json)
  --pool FILE       JSONL with "messages" (default: the same shared folder, data/mathv/pool.jsonl)
  --limit N         only the first N samples
)";

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }
// Process CPU seconds: on a busy shared machine wall time mostly measures the other processes.
double cpuSince(std::clock_t c) { return static_cast<double>(std::clock() - c) / CLOCKS_PER_SEC; }

std::string sharedDir()
{
    const char *env = std::getenv("OST_SHARED_DIR");
    return env && *env ? env : "../shared";
}

int run(Args &args)
{
    if (args.has("--help")) {
        std::cout << kUsage;
        return Ok;
    }
    const long long limit = args.integer("--limit").value_or(-1);
    if (!args.error().empty())
        return fail("bench tokenizer", args.error(), Usage);
    const std::string tokPath = args.value("--tokenizer", sharedDir() + "/tokenizers/qwen2/tokenizer.json");
    const std::string poolPath = args.value("--pool", sharedDir() + "/data/mathv/pool.jsonl");
    for (const auto &p : {tokPath, poolPath})
        if (!std::ifstream(p).good()) {
            std::cout << "bench tokenizer: skipped, " << p << " not found (set OST_SHARED_DIR or pass the path)\n";
            return Ok;
        }

    // The pool, parsed up front so only tokenisation is timed.
    std::vector<ost::Sample> samples;
    std::vector<std::string> texts;
    size_t bytes = 0;
    {
        std::ifstream in(poolPath);
        std::string line;
        for (long long n = 1; std::getline(in, line) && (limit < 0 || static_cast<long long>(samples.size()) < limit); ++n) {
            if (line.find_first_not_of(" \t\r") == std::string::npos)
                continue;
            nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
            if (j.is_discarded() || !j.contains("messages") || !j["messages"].is_array())
                return fail("bench tokenizer", poolPath + ":" + std::to_string(n) + ": not a messages record", BadInput);
            ost::Sample s;
            s.id = j.value("id", std::to_string(n));
            for (const auto &m : j["messages"]) {
                s.turns.push_back({m.value("role", ""), m.value("content", "")});
                texts.push_back(s.turns.back().content);
                bytes += texts.back().size();
            }
            if (j.contains("images") && j["images"].is_array())
                for (const auto &im : j["images"])
                    s.images.push_back(im.get<std::string>());
            samples.push_back(std::move(s));
        }
    }

    auto t = Clock::now();
    std::clock_t c = std::clock();
    auto loaded = ost::loadTokenizerJson(tokPath);
    const double loadS = since(t), loadCpu = cpuSince(c);
    if (!loaded)
        return fail("bench tokenizer", loaded.error().message, BadInput);
    const ost::Tokenizer &tok = **loaded;

    auto encodeAll = [&](size_t &tokens, double &cpu) {
        tokens = 0;
        const auto t0 = Clock::now();
        const std::clock_t c0 = std::clock();
        for (const auto &s : texts)
            tokens += tok.encode(s).size();
        cpu = cpuSince(c0);
        return since(t0);
    };
    size_t tokens = 0;
    double coldCpu = 0, warmCpu = 0;
    const double coldS = encodeAll(tokens, coldCpu);
    const double warmS = encodeAll(tokens, warmCpu);

    t = Clock::now();
    c = std::clock();
    size_t chatTokens = 0, chatFailed = 0;
    for (const auto &s : samples) {
        auto e = ost::encodeChat(s, tok, std::vector<int64_t>(s.images.size(), 256));
        if (e)
            chatTokens += e->inputIds.size();
        else
            ++chatFailed;
    }
    const double chatS = since(t), chatCpu = cpuSince(c);

    const double mb = static_cast<double>(bytes) / 1e6;
    std::printf("tokenizer   %s\n", tokPath.c_str());
    std::printf("pool        %s: %zu samples, %zu messages, %.2f MB of text\n", poolPath.c_str(), samples.size(),
                texts.size(), mb);
    std::printf("(wall clock / process CPU time; single thread)\n");
    std::printf("load        %.3f s / %.3f s CPU (vocab %lld)\n", loadS, loadCpu, static_cast<long long>(tok.vocabSize()));
    std::printf("encode cold %.2f MB/s / %.2f MB/s CPU, %.0f tokens/s (%zu tokens, %.2f bytes/token)\n", mb / coldS,
                mb / coldCpu, tokens / coldS, tokens, static_cast<double>(bytes) / std::max<size_t>(tokens, 1));
    std::printf("encode warm %.2f MB/s / %.2f MB/s CPU, %.0f tokens/s\n", mb / warmS, mb / warmCpu, tokens / warmS);
    std::printf("encodeChat  %.0f samples/s / %.0f samples/s CPU (%zu tokens with image pads, %zu samples failed)\n",
                samples.size() / chatS, samples.size() / chatCpu, chatTokens, chatFailed);
    return Ok;
}

const BenchRegistration reg({"tokenizer", "tokenizer.json load time and encode MB/s on the pool text", kUsage, run, {},
                             {"--tokenizer", "--pool", "--limit"}});

} // namespace
} // namespace ostc
