#pragma once
// The parsers under fuzzing read files (they index, mmap or open SQLite on a path): each input is
// written to one scratch file per process, in a private folder under $TMPDIR, replaced every run.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

namespace fuzz {

inline const std::string &scratchFolder()
{
    static const std::string dir = [] {
        const char *tmp = std::getenv("TMPDIR");
        std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/ost-fuzz-XXXXXX";
        if (!::mkdtemp(pattern.data()))
            std::abort();
        return pattern;
    }();
    return dir;
}

// Writes the input to <scratch>/<name> and returns that path.
inline std::string writeInput(const uint8_t *data, size_t size, const std::string &name)
{
    const std::string path = scratchFolder() + "/" + name;
    std::FILE *f = std::fopen(path.c_str(), "wb");
    if (!f)
        std::abort();
    if (size && std::fwrite(data, 1, size, f) != size)
        std::abort();
    std::fclose(f);
    return path;
}

inline void removeFile(const std::string &path) { ::unlink(path.c_str()); }

// Errors are values: one line, not empty. Anything else is a harness-visible bug.
inline void checkMessage(const std::string &message)
{
    if (message.empty() || message.find('\n') != std::string::npos) {
        std::fprintf(stderr, "bad error message: '%s'\n", message.c_str());
        std::abort();
    }
}

} // namespace fuzz
