#pragma once
// The ostc command table. Each cmd_<name>.cpp defines one subcommand and registers it with a
// static CommandRegistration, so main() stays argument dispatch only.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ostc {

// Exit codes shared by every subcommand.
enum Exit { Ok = 0, Failure = 1, Usage = 2, BadInput = 3, Cancelled = 130 };

// Minimal --flag value / --flag=value / --switch parser; positional arguments in order.
class Args {
public:
    Args(std::vector<std::string> argv, std::vector<std::string> switches);
    bool has(const std::string &flag) const;
    std::optional<std::string> value(const std::string &flag) const;
    std::string value(const std::string &flag, const std::string &fallback) const;
    // Numbers: nullopt when absent; sets error() when present but not a number.
    std::optional<double> number(const std::string &flag);
    std::optional<long long> integer(const std::string &flag);
    const std::vector<std::string> &positional() const { return m_positional; }
    // Flags given that are not in `known` (--help, --quiet and --verbose are always known).
    std::vector<std::string> unknownFlags(const std::vector<std::string> &known) const;
    const std::string &error() const { return m_error; }

private:
    std::map<std::string, std::string> m_values;
    std::vector<std::string> m_positional;
    std::string m_error;
};

struct Command {
    std::string name;
    std::string summary; // one line for `ostc --help`
    std::string usage;   // full usage text for `ostc NAME --help`
    std::function<int(Args &)> run;
    std::vector<std::string> switches; // flags that take no value
    std::vector<std::string> options;  // flags that take one; main() refuses any other flag (a typo must
                                       // not silently fall back to a default)
};

std::map<std::string, Command> &commandTable();

struct CommandRegistration {
    explicit CommandRegistration(Command c) { commandTable()[c.name] = std::move(c); }
};

// `ostc bench NAME`: each benchmark registers itself like a command (cmd_bench_<name>.cpp).
std::map<std::string, Command> &benchTable();

struct BenchRegistration {
    explicit BenchRegistration(Command c) { benchTable()[c.name] = std::move(c); }
};

// The strict number readers behind Args::number()/integer() (plain decimal, finite, no overflow), for
// values that come inside another argument (--shard I/N).
bool parseDecimal(const std::string &text, double &out);
bool parseWholeNumber(const std::string &text, long long &out);

// "unknown option --top-procent (did you mean --top-percent?); see ostc export --help"
std::string unknownOptionMessage(const std::string &commandName, const std::string &flag,
                                 const std::vector<std::string> &known);

// An id as one field of a line-based output (rank, loss): tab, newline, carriage return and backslash
// escaped as \t \n \r \\, and a leading '#' (a comment line to readers) as \#.
std::string tsvField(const std::string &id);

// Prints "ostc NAME: message" to stderr and returns code.
int fail(const std::string &command, const std::string &message, int code = Failure);

} // namespace ostc
