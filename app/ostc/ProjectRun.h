#pragma once
// The scored run a read-only command works on (rank, explain): the project beside DATASET (or
// --project P) opened read-only, and --run ID or its latest run. Opening would create an empty
// project, so a missing one is reported as "score the dataset first".
#include "core/data/Dataset.h"
#include "core/store/ProjectStore.h"

#include <map>
#include <memory>
#include <optional>
#include <string>

namespace ostc {

struct ProjectRun {
    std::unique_ptr<ost::ProjectStore> store;
    ost::RunInfo info;
    std::string projectPath;
};

// Fails (message printed as "ostc COMMAND: ...", exit code in `exitCode`) when there is no project,
// it cannot be opened, or it has no such run.
std::optional<ProjectRun> openProjectRun(const std::string &command, const std::string &dataset,
                                         const std::optional<std::string> &project, std::optional<long long> runId,
                                         int &exitCode);

// Reference id -> its group under `spec` (a field of the reference records, id-prefix, id-suffix) for
// run `runId`, whose reference samples are read from its reference file (`referenceFile` when given:
// where it is now) or held out of `dataset`. Fails like openProjectRun.
std::optional<std::map<std::string, std::string>> referenceGroupsOfRun(const std::string &command,
                                                                       const ost::Dataset &dataset,
                                                                       const ost::ProjectStore &store, int64_t runId,
                                                                       const std::string &spec,
                                                                       const std::string &referenceFile, int &exitCode);

} // namespace ostc
