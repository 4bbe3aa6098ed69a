#include "TerminalProgress.h"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>
#include <mutex>

ost::ProgressCallback terminalProgress(std::string label)
{
    struct State {
        std::mutex mutex;
        std::chrono::steady_clock::time_point lastDraw;
        std::string lastMessage;
        bool drawn = false;
    };
    auto state = std::make_shared<State>();
    return [state, label = std::move(label)](const ost::Progress &p) {
        std::lock_guard<std::mutex> lock(state->mutex);
        const auto now = std::chrono::steady_clock::now();
        const bool newPhase = !state->drawn || p.message != state->lastMessage;
        if (!newPhase && p.done < p.total && now - state->lastDraw < std::chrono::milliseconds(200))
            return;
        state->drawn = true;
        state->lastDraw = now;
        state->lastMessage = p.message;
        std::string line = (label.empty() ? std::string() : label + " ") + ost::formatProgress(p);
        line.resize(std::max<size_t>(line.size(), 78), ' ');
        std::cerr << "\r" << line << std::flush;
    };
}
