#pragma once
// Where the tests that need the real pretrained GGUF files look for them: OST_MODELS_DIR, else the
// folder tools/fetch-pretrained.sh suggests (~/.cache/ost-curator/models). Such tests skip when the
// file is absent: CI has no weights.
#include <cstdlib>
#include <string>

namespace ost::testing {

inline std::string realModelsDir()
{
    if (const char *d = std::getenv("OST_MODELS_DIR"))
        return d;
    const char *home = std::getenv("HOME");
    return std::string(home ? home : "") + "/.cache/ost-curator/models";
}

} // namespace ost::testing
