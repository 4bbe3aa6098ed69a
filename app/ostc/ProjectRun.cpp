#include "ProjectRun.h"

#include "Command.h"

#include "core/data/Dataset.h"
#include "core/ost/Attribution.h"

#include <sys/stat.h>

namespace ostc {

std::optional<ProjectRun> openProjectRun(const std::string &command, const std::string &dataset,
                                         const std::optional<std::string> &project, std::optional<long long> runId,
                                         int &exitCode)
{
    ProjectRun out;
    out.projectPath = project.value_or(ost::ProjectStore::defaultPathFor(dataset));
    struct stat st{};
    if (::stat(out.projectPath.c_str(), &st) != 0) {
        exitCode = fail(command, "no project at " + out.projectPath + ": score the dataset first (ostc score " +
                                     dataset + ")",
                        BadInput);
        return std::nullopt;
    }
    auto opened = ost::ProjectStore::open(out.projectPath, ost::ProjectStore::Access::ReadOnly);
    if (!opened.ok()) {
        exitCode = fail(command, opened.error().message, BadInput);
        return std::nullopt;
    }
    out.store = opened.takeValue();
    const auto info = runId ? out.store->run(*runId) : out.store->latestRun();
    if (!info) {
        exitCode = fail(command,
                        runId ? "no run " + std::to_string(*runId) + " in " + out.projectPath
                              : "no run in " + out.projectPath + ": score the dataset first",
                        BadInput);
        return std::nullopt;
    }
    out.info = *info;
    return out;
}

std::optional<std::map<std::string, std::string>> referenceGroupsOfRun(const std::string &command,
                                                                       const ost::Dataset &dataset,
                                                                       const ost::ProjectStore &store, int64_t runId,
                                                                       const std::string &spec,
                                                                       const std::string &referenceFile, int &exitCode)
{
    ost::OnDemandOptions options;
    options.referencePath = referenceFile;
    auto references = ost::runReferenceSamples(dataset, store, runId, options);
    if (!references.ok()) {
        exitCode = fail(command, references.error().message, BadInput);
        return std::nullopt;
    }
    auto groups = ost::referenceGroups(references.value(), spec);
    if (!groups.ok()) {
        exitCode = fail(command, groups.error().message, BadInput);
        return std::nullopt;
    }
    return groups.takeValue();
}

} // namespace ostc
