// `ostc demo-data OUT_DIR`: writes the bundled synthetic counting set (with known toxic samples).
#include "Command.h"

#include "core/demo/SyntheticMathSet.h"

#include <chrono>
#include <cstdio>
#include <iostream>

namespace ostc {
namespace {

const char *kUsage = R"(usage: ostc demo-data OUT_DIR [options]

Writes the demo set: OUT_DIR/pool.jsonl (samples to rank, some toxic), reference.jsonl (clean anchor
set V), heldout.jsonl (clean, for evaluating a trained model), labels.csv (id,toxic,kind,answer: ground
truth, never read by scoring) and images/*.png. The same options and seed give the same bytes.

options:
  --count N            pool size (default 400)
  --reference N        reference set size (default 40)
  --heldout N          held-out set size (default 100)
  --seed S             random seed (default 1)
  --wrong-answer R     share of pool answers stating a wrong number (default 0.15)
  --wrong-image R      share of pool samples whose picture does not match the text (default 0.15)
  --image-size PX      square image side in pixels (default 112)
  --grid N             board of N x N cells, one shape at most per cell (default 2)
  --max-count N        counts are 1..N (default 4)
)";

int run(Args &args)
{
    if (args.positional().size() != 1)
        return fail("demo-data", "give exactly one output folder (see ostc demo-data --help)", Usage);

    ost::SyntheticOptions o;
    o.count = args.integer("--count").value_or(o.count);
    o.referenceCount = args.integer("--reference").value_or(o.referenceCount);
    o.heldoutCount = args.integer("--heldout").value_or(o.heldoutCount);
    o.seed = static_cast<uint64_t>(args.integer("--seed").value_or(static_cast<long long>(o.seed)));
    o.wrongAnswerRate = args.number("--wrong-answer").value_or(o.wrongAnswerRate);
    o.wrongImageRate = args.number("--wrong-image").value_or(o.wrongImageRate);
    o.imageSize = static_cast<int>(args.integer("--image-size").value_or(o.imageSize));
    o.grid = static_cast<int>(args.integer("--grid").value_or(o.grid));
    o.maxCount = static_cast<int>(args.integer("--max-count").value_or(o.maxCount));
    if (!args.error().empty())
        return fail("demo-data", args.error(), Usage);

    const auto start = std::chrono::steady_clock::now();
    auto set = ost::writeSyntheticMathSet(args.positional().front(), o);
    if (!set.ok())
        return fail("demo-data", set.error().message, BadInput);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    int64_t wrongAnswer = 0, wrongImage = 0;
    for (const auto &r : set->records) {
        wrongAnswer += r.split == "pool" && r.kind == ost::SyntheticKind::WrongAnswer;
        wrongImage += r.split == "pool" && r.kind == ost::SyntheticKind::WrongImage;
    }
    if (!args.has("--quiet")) {
        char took[32];
        std::snprintf(took, sizeof took, "%.2f s", seconds);
        std::cout << "wrote " << set->folder << " in " << took << ":\n"
                  << "  pool.jsonl       " << o.count << " samples (" << wrongAnswer << " wrong-answer, " << wrongImage
                  << " wrong-image)\n"
                  << "  reference.jsonl  " << o.referenceCount << " clean samples (the anchor set V)\n"
                  << "  heldout.jsonl    " << o.heldoutCount << " clean samples (for evaluation)\n"
                  << "  labels.csv       ground truth (evaluation only; scoring never reads it)\n";
    }
    return Ok;
}

const CommandRegistration reg({"demo-data", "write the bundled synthetic demo set (known toxic samples)", kUsage,
                               run, {},
                               {"--count", "--reference", "--heldout", "--seed", "--wrong-answer", "--wrong-image",
                                "--image-size", "--grid", "--max-count"}});

} // namespace
} // namespace ostc
