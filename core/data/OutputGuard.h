#pragma once
// One check for every writer (ostc export, the app's export, ostc merge, ...): an output path must
// never be a file this program reads in the same command. Writing the export over the project store,
// the dataset, the reference set or one of the images would destroy what the output is made from;
// an atomic rename makes that complete rather than safe.
#include "core/common/Result.h"

#include <string>
#include <vector>

namespace ost {

// Fails when `outPath` is, or resolves to (through symbolic links, '..', or as a hard link to the same
// inode), one of `readPaths`. A project store in `readPaths` also protects its -wal, -shm and -journal
// files. `what` names the output in the message ("output", "manifest").
Status checkOutputPath(const std::string &outPath, const std::vector<std::string> &readPaths,
                       const std::string &what = "output");

// The files a project store keeps beside its main file.
std::vector<std::string> storeFamily(const std::string &storePath);

} // namespace ost
