// ostc: the headless OST Curator. Argument dispatch only; the work is in core/.
#include "Command.h"

#include "core/common/Log.h"

#include "core/common/ImageLimits.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <new>

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

// One strict reading of numbers for every flag: plain decimal only. strtod alone read "0x10" as 16,
// "nan" and "inf" as numbers, and strtoll let "1e3" or an overflow through unnoticed.
bool parseDecimal(const std::string &text, double &out)
{
    size_t i = 0;
    if (i < text.size() && (text[i] == '+' || text[i] == '-'))
        ++i;
    size_t digits = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])))
        ++i, ++digits;
    if (i < text.size() && text[i] == '.')
        for (++i; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]));)
            ++i, ++digits;
    if (digits == 0)
        return false;
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        if (i < text.size() && (text[i] == '+' || text[i] == '-'))
            ++i;
        size_t exp = 0;
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])))
            ++i, ++exp;
        if (exp == 0)
            return false;
    }
    if (i != text.size())
        return false;
    errno = 0;
    out = std::strtod(text.c_str(), nullptr);
    return errno != ERANGE && std::isfinite(out);
}

bool parseWholeNumber(const std::string &text, long long &out)
{
    size_t i = (!text.empty() && (text[0] == '+' || text[0] == '-')) ? 1 : 0;
    if (i == text.size())
        return false;
    for (size_t k = i; k < text.size(); ++k)
        if (!std::isdigit(static_cast<unsigned char>(text[k])))
            return false;
    errno = 0;
    out = std::strtoll(text.c_str(), nullptr, 10);
    return errno != ERANGE;
}

std::string tsvField(const std::string &id)
{
    std::string out;
    out.reserve(id.size());
    for (size_t i = 0; i < id.size(); ++i) {
        const char c = id[i];
        if (c == '\t')
            out += "\\t";
        else if (c == '\n')
            out += "\\n";
        else if (c == '\r')
            out += "\\r";
        else if (c == '\\')
            out += "\\\\";
        else if (c == '#' && i == 0)
            out += "\\#";
        else
            out += c;
    }
    return out;
}

std::optional<double> Args::number(const std::string &flag)
{
    auto v = value(flag);
    if (!v)
        return std::nullopt;
    double d = 0;
    if (!parseDecimal(*v, d)) {
        m_error = "option " + flag + " expects a finite decimal number, got '" + *v + "'";
        return std::nullopt;
    }
    return d;
}

std::optional<long long> Args::integer(const std::string &flag)
{
    auto v = value(flag);
    if (!v)
        return std::nullopt;
    long long n = 0;
    if (!parseWholeNumber(*v, n)) {
        m_error = "option " + flag + " expects a whole number, got '" + *v + "'";
        return std::nullopt;
    }
    return n;
}

std::vector<std::string> Args::unknownFlags(const std::vector<std::string> &known) const
{
    std::vector<std::string> out;
    for (const auto &[flag, _] : m_values) {
        bool ok = flag == "--help" || flag == "--quiet" || flag == "--verbose" || flag == "--max-image-pixels";
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
              << "usage: ostc COMMAND [options]   (ostc COMMAND --help for details)\n"
              << "every command: --quiet, --verbose, --max-image-pixels N (refuse larger images before decoding;\n"
              << "               default " << ost::kDefaultMaxImagePixels << " = 64 Mpx)\n\ncommands:\n";
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
    // One pixel limit for every image this command reads (see core/common/ImageLimits.h).
    if (const auto pixels = args.integer("--max-image-pixels")) {
        if (*pixels < 1)
            return ostc::fail(name, "--max-image-pixels must be at least 1", ostc::Usage);
        ost::setMaxImagePixels(*pixels);
    }
    if (!args.error().empty())
        return ostc::fail(name, args.error(), ostc::Usage);
    // No exception may end ostc with an abort (exit 134 and a core file): every command returns its
    // errors as values, and what escapes anyway (out of memory in a library) becomes a message.
    try {
        return it->second.run(args);
    } catch (const std::bad_alloc &) {
        return ostc::fail(name, "out of memory (a file asked for more than this machine has; see the log above "
                                "for the sample or file being read)");
    } catch (const std::exception &e) {
        return ostc::fail(name, std::string("internal error: ") + e.what());
    } catch (...) {
        return ostc::fail(name, "internal error (unknown exception)");
    }
}
