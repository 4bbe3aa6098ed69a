#pragma once
// Writes a file so that readers see either the old state or the complete new file: data goes to a
// temporary file in the same folder, which is renamed over the target only when published. Destroying
// an unpublished AtomicFile removes the temporary file. Two files that belong together (an export and
// its manifest) are both finish()ed before either is publish()ed, so a write error on either leaves
// the previous pair untouched.
//
// Temporary names carry the writer's pid (".NAME.tmp-PID-XXXXXX"): open() removes the ones of writers
// that are no longer alive (killed with -9, power loss), which nothing else would ever clean up.
#include "core/common/Result.h"
#include "core/data/Hash.h"

#include <cstdint>
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
    Status finish();  // flush, fsync, close; the file is complete but not yet in place
    Status publish(); // rename over the target, fsync the folder
    Status commit();  // finish() + publish()
    void discard();
    const std::string &tempPath() const { return m_tempPath; }
    // Of what was written, valid after finish(): lets a manifest name the exact bytes it describes.
    const std::string &sha256() const { return m_sha256; }
    int64_t bytesWritten() const { return m_bytes; }

private:
    std::string m_target;
    std::string m_tempPath;
    std::FILE *m_file = nullptr;
    bool m_failed = false;
    bool m_finished = false;
    Sha256 m_hash;
    std::string m_sha256;
    int64_t m_bytes = 0;
};

// ".NAME.tmp-PID-" + random: a temporary name beside `targetPath` that removeStaleTempFiles() knows.
std::string atomicTempPattern(const std::string &targetPath);
// Removes ".*.tmp-PID-*" files in `folder` whose PID is not a live process. Returns how many.
int removeStaleTempFiles(const std::string &folder);
// fsync of a folder, so a rename in it survives a power loss.
void syncFolder(const std::string &folder);

} // namespace ost
