#pragma once
// Where a run's reference file is now. `ostc score --reference mathv/reference.jsonl` stores the path
// as typed, relative to the folder ostc ran in; the app runs elsewhere ("cannot open dataset
// mathv/reference.jsonl"). A relative path is tried against the project file's folder, first whole,
// then with its leading folders dropped one by one (mathv/reference.jsonl beside mathv/pool.jsonl),
// then against the working folder; an absolute one as it is, then by its file name beside the project.
#include <QString>

namespace ost::ui {

struct ReferenceLocation {
    QString path;  // absolute: where it was found, or the best guess when not found
    bool found = false;
};

ReferenceLocation locateReference(const QString &stored, const QString &projectPath);

// A reference file beside the dataset, for a new run: reference*.jsonl (or .json), not the dataset
// itself; "" when there is none. The first in name order when there are several.
QString referenceBeside(const QString &datasetPath);

} // namespace ost::ui
