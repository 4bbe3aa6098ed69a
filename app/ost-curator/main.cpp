// ost-curator: the desktop app. Placeholder main window until ui/ lands.
#include <QApplication>
#include <QMainWindow>

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QMainWindow w;
    w.setWindowTitle("OST Curator");
    w.show();
    return app.exec();
}
