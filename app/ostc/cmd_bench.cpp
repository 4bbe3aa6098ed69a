// `ostc bench NAME ...`: dispatches to the benchmarks registered in benchTable().
#include "Command.h"

#include <iostream>

namespace ostc {

std::map<std::string, Command> &benchTable()
{
    static std::map<std::string, Command> table;
    return table;
}

namespace {

std::string benchList()
{
    std::string out;
    for (const auto &[name, b] : benchTable()) {
        std::string padded = name;
        padded.resize(12, ' ');
        out += "  " + padded + b.summary + "\n";
    }
    return out;
}

int runBench(Args &args)
{
    if (args.positional().empty())
        return fail("bench", "which benchmark? one of:\n" + benchList(), Usage);
    // main() hands known benchmarks straight to their own command; only unknown names get here.
    return fail("bench", "unknown benchmark '" + args.positional().front() + "'; one of:\n" + benchList(), Usage);
}

const CommandRegistration reg({"bench", "measure: quality (AUROC) and speed of scoring, indexing, models",
                               "usage: ostc bench NAME [options]   (ostc bench NAME --help)", runBench, {}, {}});

} // namespace
} // namespace ostc
