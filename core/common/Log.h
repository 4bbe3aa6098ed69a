#pragma once
// Logging front for code that must not see spdlog (ui/, app/). Core's .cpp files use spdlog directly.
#include <functional>
#include <string>

namespace ost::log {

enum class Level { Trace, Debug, Info, Warn, Error };

// Sets the default logger's level and output to stderr. Safe to call more than once.
void init(Level level = Level::Info);

// Forwards every log line to fn (the UI's log panel). fn may be called from any thread.
using Listener = std::function<void(Level, const std::string &)>;
void addListener(Listener fn);

void info(const std::string &msg);
void warn(const std::string &msg);
void error(const std::string &msg);

} // namespace ost::log
