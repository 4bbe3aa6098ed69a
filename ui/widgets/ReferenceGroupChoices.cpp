#include "ui/widgets/ReferenceGroupChoices.h"

#include <QComboBox>
#include <QCoreApplication>

#include <algorithm>

namespace ost::ui {

void fillReferenceGroupChoices(QComboBox *combo, const QStringList &fields)
{
    const auto tr = [](const char *s) { return QCoreApplication::translate("ReferenceGroupChoices", s); };
    const QString current = combo->currentData().toString();
    QSignalBlocker block(combo);
    combo->clear();
    combo->addItem(tr("reference problem"), QString());
    combo->addItem(tr("id prefix"), QStringLiteral("id-prefix"));
    combo->addItem(tr("id suffix"), QStringLiteral("id-suffix"));
    for (const QString &field : fields)
        combo->addItem(tr("field “%1”").arg(field), field);
    combo->setCurrentIndex(std::max(0, combo->findData(current)));
}

} // namespace ost::ui
