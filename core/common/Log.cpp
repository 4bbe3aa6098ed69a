#include "core/common/Log.h"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <mutex>

namespace ost::log {
namespace {

class ListenerSink : public spdlog::sinks::base_sink<std::mutex> {
public:
    explicit ListenerSink(Listener fn) : m_fn(std::move(fn)) {}

protected:
    void sink_it_(const spdlog::details::log_msg &msg) override
    {
        Level level = Level::Info;
        switch (msg.level) {
        case spdlog::level::trace: level = Level::Trace; break;
        case spdlog::level::debug: level = Level::Debug; break;
        case spdlog::level::warn: level = Level::Warn; break;
        case spdlog::level::err:
        case spdlog::level::critical: level = Level::Error; break;
        default: break;
        }
        m_fn(level, std::string(msg.payload.data(), msg.payload.size()));
    }
    void flush_() override {}

private:
    Listener m_fn;
};

spdlog::level::level_enum toSpd(Level l)
{
    switch (l) {
    case Level::Trace: return spdlog::level::trace;
    case Level::Debug: return spdlog::level::debug;
    case Level::Info: return spdlog::level::info;
    case Level::Warn: return spdlog::level::warn;
    case Level::Error: return spdlog::level::err;
    }
    return spdlog::level::info;
}

} // namespace

void init(Level level)
{
    static std::once_flag once;
    std::call_once(once, [] {
        auto logger = spdlog::stderr_color_mt("ost");
        spdlog::set_default_logger(logger);
        spdlog::set_pattern("[%H:%M:%S] [%^%l%$] %v");
    });
    spdlog::set_level(toSpd(level));
}

void addListener(Listener fn)
{
    spdlog::default_logger()->sinks().push_back(std::make_shared<ListenerSink>(std::move(fn)));
}

void info(const std::string &msg) { spdlog::info(msg); }
void warn(const std::string &msg) { spdlog::warn(msg); }
void error(const std::string &msg) { spdlog::error(msg); }

} // namespace ost::log
