// ostc: the headless OST Curator. Argument dispatch only; the work is in core/.
#include "Command.h"

#include "core/common/Log.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace ostc {

std::map<std::string, Command> &commandTable()
{
    static std::map<std::string, Command> table;
    return table;
}

int fail(const std::string &command, const std::string &message, int code)
{
    std::cerr << "ostc " << command << ": " << message << "\n";
    return code;
}

Args::Args(std::vector<std::string> argv, std::vector<std::string> switches)
{
    for (size_t i = 0; i < argv.size(); ++i) {
        const std::string &a = argv[i];
        if (a.size() > 2 && a.rfind("--", 0) == 0) {
            const auto eq = a.find('=');
            if (eq != std::string::npos) {
                m_values[a.substr(0, eq)] = a.substr(eq + 1);
                continue;
            }
            bool isSwitch = a == "--help" || a == "--json" || a == "--quiet";
            for (const auto &s : switches)
                isSwitch = isSwitch || s == a;
            if (isSwitch) {
                m_values[a] = "1";
            } else if (i + 1 < argv.size()) {
                m_values[a] = argv[++i];
            } else {
                m_error = "option " + a + " needs a value";
            }
        } else {
            m_positional.push_back(a);
        }
    }
}

bool Args::has(const std::string &flag) const { return m_values.count(flag) > 0; }

std::optional<std::string> Args::value(const std::string &flag) const
{
    auto it = m_values.find(flag);
    if (it == m_values.end())
        return std::nullopt;
    return it->second;
}

std::string Args::value(const std::string &flag, const std::string &fallback) const
{
    return value(flag).value_or(fallback);
}

std::optional<double> Args::number(const std::string &flag)
{
    auto v = value(flag);
    if (!v)
        return std::nullopt;
    char *end = nullptr;
    const double d = std::strtod(v->c_str(), &end);
    if (v->empty() || *end != '\0') {
        m_error = "option " + flag + " expects a number, got '" + *v + "'";
        return std::nullopt;
    }
    return d;
}

std::optional<long long> Args::integer(const std::string &flag)
{
    auto v = value(flag);
    if (!v)
        return std::nullopt;
    char *end = nullptr;
    const long long n = std::strtoll(v->c_str(), &end, 10);
    if (v->empty() || *end != '\0') {
        m_error = "option " + flag + " expects a whole number, got '" + *v + "'";
        return std::nullopt;
    }
    return n;
}

std::vector<std::string> Args::unknownFlags(const std::vector<std::string> &known) const
{
    std::vector<std::string> out;
    for (const auto &[flag, _] : m_values) {
        bool ok = flag == "--help" || flag == "--quiet" || flag == "--verbose";
        for (const auto &k : known)
            ok = ok || k == flag;
        if (!ok)
            out.push_back(flag);
    }
    return out;
}

namespace {

// Edits (insert, delete, replace) that turn a into b: a typo's distance to the flag it meant is small.
size_t editDistance(const std::string &a, const std::string &b)
{
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

} // namespace

std::string unknownOptionMessage(const std::string &commandName, const std::string &flag,
                                 const std::vector<std::string> &known)
{
    std::string closest;
    size_t best = 3; // further than two edits is another word, not a typo
    for (const auto &k : known) {
        const size_t d = editDistance(flag, k);
        if (d < best) {
            best = d;
            closest = k;
        }
    }
    return "unknown option " + flag + (closest.empty() ? "" : " (did you mean " + closest + "?)") + "; see ostc " +
           commandName + " --help";
}

} // namespace ostc

static void printHelp()
{
    std::cout << "ostc " OST_VERSION " - rank multimodal SFT samples by one-step utility (OST)\n\n"
              << "usage: ostc COMMAND [options]   (ostc COMMAND --help for details)\n\ncommands:\n";
    for (const auto &[name, cmd] : ostc::commandTable()) {
        std::string padded = name;
        padded.resize(12, ' ');
        std::cout << "  " << padded << cmd.summary << "\n";
    }
}

int main(int argc, char **argv)
{
    if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
        printHelp();
        return argc < 2 ? ostc::Usage : ostc::Ok;
    }
    if (std::string(argv[1]) == "--version") {
        std::cout << "ostc " OST_VERSION "\n";
        return ostc::Ok;
    }
    auto &table = ostc::commandTable();
    auto it = table.find(argv[1]);
    if (it == table.end()) {
        std::cerr << "ostc: unknown command '" << argv[1] << "' (see ostc --help)\n";
        return ostc::Usage;
    }
    int first = 2;
    // `ostc bench NAME ...`: the benchmark is the command, so its own switches parse right.
    if (it->first == "bench" && argc > 2 && ostc::benchTable().count(argv[2])) {
        it = ostc::benchTable().find(argv[2]);
        first = 3;
    }
    ostc::Args args(std::vector<std::string>(argv + first, argv + argc), it->second.switches);
    ost::log::init(args.has("--verbose") ? ost::log::Level::Debug
                   : args.has("--quiet") ? ost::log::Level::Warn
                                         : ost::log::Level::Info);
    // Every command declares its flags; one check here gives them all the same message. (`ostc bench`
    // with an unknown benchmark name reports the name, not the flags meant for that benchmark.)
    const std::string name = first == 3 ? "bench " + it->first : it->first;
    std::vector<std::string> known = it->second.options;
    known.insert(known.end(), it->second.switches.begin(), it->second.switches.end());
    const auto unknown = args.unknownFlags(known);
    if (!unknown.empty() && name != "bench")
        return ostc::fail(name, ostc::unknownOptionMessage(name, unknown.front(), known), ostc::Usage);
    if (args.has("--help")) {
        std::cout << it->second.usage << "\n";
        return ostc::Ok;
    }
    if (!args.error().empty())
        return ostc::fail(name, args.error(), ostc::Usage);
    return it->second.run(args);
}
