#pragma once
#include <QString>

class QWidget;

namespace ost::ui {

// Versions of the app and the libraries it runs on, and whether CUDA can be used.
QString aboutText();
void showAboutDialog(QWidget *parent);

} // namespace ost::ui
