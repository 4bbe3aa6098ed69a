#pragma once
// Writes a file so that readers see either the old state or the complete new file: data goes to a
// temporary file in the same folder, which is renamed over the target only on commit(). Destroying
// an uncommitted AtomicFile removes the temporary file.
#include "core/common/Result.h"

#include <cstdio>
#include <string>
#include <string_view>

namespace ost {

class AtomicFile {
public:
    AtomicFile() = default;
    ~AtomicFile();
    AtomicFile(const AtomicFile &) = delete;
    AtomicFile &operator=(const AtomicFile &) = delete;

    Status open(const std::string &targetPath);
    Status write(std::string_view bytes);
    Status commit(); // flush, fsync, rename
    void discard();
    const std::string &tempPath() const { return m_tempPath; }

private:
    std::string m_target;
    std::string m_tempPath;
    std::FILE *m_file = nullptr;
    bool m_failed = false;
};

} // namespace ost
