#pragma once
// File paths a project store keeps (a run's reference file): a path typed on the command line is
// relative to the folder ostc ran in, which means nothing to the app started elsewhere ("cannot open
// dataset mathv/reference.jsonl", issue 13). So a path is stored relative to the store file's folder
// when the file lies inside that folder (the project folder can then move, or be opened from anywhere),
// and absolute otherwise: a path climbing out with ".." breaks whenever either side moves.
#include <string>

namespace ost {

// The form to store for `path` (as typed, relative to the working folder) in the store at `storePath`.
// "" stays "". When the working folder cannot be read, `path` as given.
std::string pathForStore(const std::string &path, const std::string &storePath);

// The path to open for `stored` (what pathForStore gave, or what older versions stored: the path as
// typed): absolute ones as they are; relative ones against the store's folder when that file exists,
// else against the working folder when it exists there (older runs), else the store-relative one (so
// an error names where it was looked for). Always absolute unless `stored` is "".
std::string pathFromStore(const std::string &stored, const std::string &storePath);

} // namespace ost
