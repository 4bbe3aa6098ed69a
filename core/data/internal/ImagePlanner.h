#pragma once
// Decides the path each image gets in an export: kept as written when it still resolves from the
// output's folder, else rewritten relative to it, or copied into images/ beside the output.
//
// Copies are staged under temporary names (".NAME.tmp-PID-XXXXXX" in images/) and only get their
// real names in publish(), just before the export itself appears: a killed export leaves temporary
// files of a dead writer, which the next export into that folder removes, never images that no
// export refers to. Only regular files that decode as images within the pixel limit are copied
// (a record naming /etc/shadow must not get it copied out).
#include "core/common/Result.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace ost::detail {

class ImagePlanner {
public:
    ImagePlanner(std::string outDir, bool copyImages);
    ~ImagePlanner(); // removes staged and published copies unless keep() was called

    // The path to write for one image reference. `resolved` is "" when the image was not found. When
    // copying refuses the file, `refused` says why and the path is kept as written.
    Result<std::string> plan(const std::string &written, const std::string &resolved, std::string &refused);
    // Moves the staged copies to their names (an export calls it right before publishing itself).
    Status publish();
    void keep()
    {
        m_created.clear();
        m_createdDir.clear();
    }
    int64_t copied() const { return static_cast<int64_t>(m_staged.size() + m_created.size()) + m_keptCopies; }

private:
    Result<std::string> copyIn(const std::string &resolved, std::string &refused);

    struct Staged {
        std::string temp, dest;
    };
    std::string m_outDir;
    bool m_copy;
    std::map<std::string, std::string> m_copies; // source -> name under images/
    std::set<std::string> m_usedNames;
    std::vector<Staged> m_staged;                // copied, not yet under their names
    std::vector<std::string> m_created;          // published by this export (rolled back on failure)
    int64_t m_keptCopies = 0;
    std::string m_createdDir; // images/ when this export made it
};

} // namespace ost::detail
