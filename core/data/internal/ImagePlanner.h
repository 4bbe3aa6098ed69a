#pragma once
// Decides the path each image gets in an export: kept as written when it still resolves from the
// output's folder, else rewritten relative to it, or copied into images/ beside the output.
#include "core/common/Result.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace ost::detail {

class ImagePlanner {
public:
    ImagePlanner(std::string outDir, bool copyImages);
    ~ImagePlanner(); // removes copied images unless keep() was called

    // The path to write for one image reference. `resolved` is "" when the image was not found.
    Result<std::string> plan(const std::string &written, const std::string &resolved);
    void keep()
    {
        m_created.clear();
        m_createdDir.clear();
    }
    int64_t copied() const { return static_cast<int64_t>(m_created.size()) + m_keptCopies; }

private:
    Result<std::string> copyIn(const std::string &resolved);

    std::string m_outDir;
    bool m_copy;
    std::map<std::string, std::string> m_copies; // source -> name under images/
    std::set<std::string> m_usedNames;
    std::vector<std::string> m_created;          // files this export made (rolled back on failure)
    int64_t m_keptCopies = 0;
    std::string m_createdDir; // images/ when this export made it
};

} // namespace ost::detail
