#include "ui/session/ReferencePath.h"

#include <QDir>
#include <QFileInfo>

namespace ost::ui {

namespace {
bool isFile(const QString &path) { return QFileInfo(path).isFile(); }
} // namespace

ReferenceLocation locateReference(const QString &stored, const QString &projectPath)
{
    ReferenceLocation out;
    if (stored.isEmpty())
        return out;
    const QDir project = QFileInfo(projectPath).absoluteDir();
    QStringList candidates;
    if (QDir::isAbsolutePath(stored)) {
        candidates << stored << project.filePath(QFileInfo(stored).fileName());
    } else {
        QStringList parts = QDir::cleanPath(stored).split(QLatin1Char('/'), Qt::SkipEmptyParts);
        while (!parts.isEmpty()) {
            candidates << project.filePath(parts.join(QLatin1Char('/')));
            parts.removeFirst();
        }
        candidates << QDir::current().absoluteFilePath(stored);
    }
    for (const QString &c : candidates) {
        if (isFile(c)) {
            out.path = QDir::cleanPath(QFileInfo(c).absoluteFilePath());
            out.found = true;
            return out;
        }
    }
    out.path = QDir::cleanPath(QDir::isAbsolutePath(stored) ? stored : project.filePath(stored));
    return out;
}

QString referenceBeside(const QString &datasetPath)
{
    const QFileInfo dataset(datasetPath);
    const QDir dir = dataset.absoluteDir();
    const QStringList names = dir.entryList({QStringLiteral("reference*.jsonl"), QStringLiteral("reference*.json")},
                                            QDir::Files | QDir::Readable, QDir::Name);
    for (const QString &name : names) {
        const QString path = dir.absoluteFilePath(name);
        if (QFileInfo(path) != dataset)
            return path;
    }
    return {};
}

} // namespace ost::ui
