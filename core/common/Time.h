#pragma once
#include <string>

namespace ost {

// "2026-11-25T18:40:57Z": the one timestamp format of runs, decisions, manifests and logs.
std::string isoTimeUtcNow();

} // namespace ost
