// `ostc merge OUT SHARDS...`: joins the stores of a sharded run into one project store.
#include "Command.h"

#include "core/data/OutputGuard.h"
#include "core/jobs/ShardMerge.h"
#include "core/store/ProjectStore.h"

#include <cstdio>
#include <iostream>

namespace ostc {
namespace {

const char *kUsage = R"(usage: ostc merge OUT_STORE SHARD_STORE...

Joins the project stores written by `ostc score --shard I/N` into OUT_STORE (created when absent):
runs with the same settings become one run, scores of every method are copied. Merging again is
harmless (scores are upserted). Warns about missing shards.

example: ostc merge pool.jsonl.ostproj pool.jsonl.shard-*-of-8.ostproj
)";

int run(Args &args)
{
    if (args.positional().size() < 2)
        return fail("merge", "give the output store and at least one shard store (see ostc merge --help)", Usage);
    const std::vector<std::string> shardList(args.positional().begin() + 1, args.positional().end());
    // Before the output is opened (which creates it): it must not be a shard, or the dataset beside it.
    if (ost::Status s = ost::checkOutputPath(args.positional().front(), shardList, "merged store"); !s.ok())
        return fail("merge", s.error().message, Usage);
    auto out = ost::ProjectStore::open(args.positional().front());
    if (!out.ok())
        return fail("merge", out.error().message, BadInput);
    const std::vector<std::string> shards(args.positional().begin() + 1, args.positional().end());
    auto report = ost::mergeShardStores(*out.value(), shards);
    if (!report.ok())
        return fail("merge", report.error().message, BadInput);
    for (const auto &w : report->warnings)
        std::cerr << "ostc merge: warning: " << w << "\n";
    std::printf("merged %zu shard stores into %s: %lld runs, %lld score rows\n", shards.size(),
                args.positional().front().c_str(), static_cast<long long>(report->runs),
                static_cast<long long>(report->scores));
    return report->warnings.empty() ? Ok : Failure;
}

const CommandRegistration reg({"merge", "join the project stores of a sharded scoring run", kUsage, run, {}, {}});

} // namespace
} // namespace ostc
