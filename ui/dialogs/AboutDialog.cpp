#include "ui/dialogs/AboutDialog.h"

#include "core/model/ModelFolder.h"

#include <QMessageBox>
#include <QtGlobal>

#ifndef OST_OPENCV_VERSION
#define OST_OPENCV_VERSION "unknown"
#endif
#ifndef OST_VERSION
#define OST_VERSION "dev"
#endif

namespace ost::ui {

QString aboutText()
{
    return QObject::tr("<h3>OST Curator %1</h3>"
                       "<p>Ranks multimodal SFT samples by one-step-train utility, lets you review "
                       "harmful ones and export the kept subset.</p>"
                       "<table cellpadding='2'>"
                       "<tr><td>Qt</td><td>%2 (built with %3)</td></tr>"
                       "<tr><td>LibTorch</td><td>%4</td></tr>"
                       "<tr><td>OpenCV</td><td>%5 (build)</td></tr>"
                       "<tr><td>CUDA</td><td>%6</td></tr>"
                       "</table>")
        .arg(QStringLiteral(OST_VERSION), QString::fromLatin1(qVersion()), QStringLiteral(QT_VERSION_STR),
             QString::fromStdString(torchVersion()), QStringLiteral(OST_OPENCV_VERSION),
             cudaAvailable() ? QObject::tr("available") : QObject::tr("not available (CPU only)"));
}

void showAboutDialog(QWidget *parent)
{
    QMessageBox::about(parent, QObject::tr("About OST Curator"), aboutText());
}

} // namespace ost::ui
