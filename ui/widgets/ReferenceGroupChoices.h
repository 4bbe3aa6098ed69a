#pragma once
// The "group the reference problems by" choices shared by "Why this sample" and the reference-set
// view: each problem on its own, the id's prefix or suffix, or a field the reference records have.
#include <QStringList>

class QComboBox;

namespace ost::ui {

// Refills `combo` (data: a SampleGroups spec, "" for none), keeping the current choice when it is
// still offered.
void fillReferenceGroupChoices(QComboBox *combo, const QStringList &fields);

} // namespace ost::ui
