#pragma once
// A zoomable, pannable image: wheel zooms around the cursor, drag pans, double-click fits.
// Decoding happens on a worker thread; a newer request supersedes an older one.
#include <QGraphicsView>
#include <QFutureWatcher>
#include <QImage>

class QGraphicsPixmapItem;

namespace ost::ui {

class ImageView : public QGraphicsView {
    Q_OBJECT
public:
    explicit ImageView(QWidget *parent = nullptr);
    ~ImageView() override;

    void showImage(const QString &path); // "" clears
    void setMessage(const QString &text); // shown instead of an image
    void fit();
    QString path() const { return m_path; }
    bool isLoading() const { return m_watcher.isRunning(); }

Q_SIGNALS:
    void loaded(const QString &path, bool ok);

protected:
    void wheelEvent(QWheelEvent *e) override;
    void mouseDoubleClickEvent(QMouseEvent *e) override;
    void resizeEvent(QResizeEvent *e) override;

private:
    QGraphicsScene m_scene;
    QGraphicsPixmapItem *m_item = nullptr;
    QGraphicsSimpleTextItem *m_text = nullptr;
    QFutureWatcher<QImage> m_watcher;
    QString m_path;
    bool m_fitted = true;
};

} // namespace ost::ui
