#include "ui/widgets/ImageView.h"

#include <QGraphicsPixmapItem>
#include <QGraphicsSimpleTextItem>
#include <QFileInfo>
#include <QImageReader>
#include <QWheelEvent>
#include <QtConcurrent/QtConcurrentRun>

namespace ost::ui {

namespace {
constexpr int kMaxSide = 2400; // bigger images are shown downscaled; the detail view is not a viewer
}

ImageView::ImageView(QWidget *parent) : QGraphicsView(parent)
{
    setScene(&m_scene);
    setDragMode(QGraphicsView::ScrollHandDrag);
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    setRenderHints(QPainter::SmoothPixmapTransform | QPainter::Antialiasing);
    setBackgroundBrush(QColor(246, 247, 249));
    setFrameShape(QFrame::NoFrame);
    m_item = m_scene.addPixmap({});
    m_item->setTransformationMode(Qt::SmoothTransformation);
    m_text = m_scene.addSimpleText({});
    m_text->setBrush(QColor(120, 120, 120));
    connect(&m_watcher, &QFutureWatcher<QImage>::finished, this, [this] {
        const QImage image = m_watcher.result();
        if (image.isNull()) {
            setMessage(tr("Cannot read image\n%1").arg(m_path));
            Q_EMIT loaded(m_path, false);
            return;
        }
        m_text->setText({});
        m_item->setPixmap(QPixmap::fromImage(image));
        m_item->setVisible(true);
        m_scene.setSceneRect(m_item->boundingRect());
        fit();
        Q_EMIT loaded(m_path, true);
    });
}

ImageView::~ImageView()
{
    m_watcher.waitForFinished();
}

void ImageView::showImage(const QString &path)
{
    m_path = path;
    if (path.isEmpty()) {
        setMessage(tr("No image"));
        return;
    }
    m_watcher.setFuture(QtConcurrent::run([path] {
        if (!QFileInfo(path).isFile()) // a FIFO would block the reader forever
            return QImage();
        QImageReader reader(path);
        reader.setAutoTransform(true);
        const QSize size = reader.size();
        if (size.isValid() && (size.width() > kMaxSide || size.height() > kMaxSide))
            reader.setScaledSize(size.scaled(kMaxSide, kMaxSide, Qt::KeepAspectRatio));
        return reader.read();
    }));
}

void ImageView::setMessage(const QString &text)
{
    m_item->setPixmap({});
    m_item->setVisible(false);
    m_text->setText(text);
    m_scene.setSceneRect(m_text->boundingRect().adjusted(-20, -20, 20, 20));
    resetTransform();
    centerOn(m_text);
}

void ImageView::fit()
{
    if (!m_item->isVisible())
        return;
    resetTransform();
    const QRectF r = m_item->boundingRect();
    // Small images (formula crops) are not blown up past 3x: they get blurry and hard to read.
    const double s = std::min({viewport()->width() / r.width(), viewport()->height() / r.height(), 3.0});
    scale(s * 0.96, s * 0.96);
    centerOn(m_item);
    m_fitted = true;
}

void ImageView::wheelEvent(QWheelEvent *e)
{
    const double factor = std::pow(1.0015, e->angleDelta().y());
    scale(factor, factor);
    m_fitted = false;
}

void ImageView::mouseDoubleClickEvent(QMouseEvent *)
{
    fit();
}

void ImageView::resizeEvent(QResizeEvent *e)
{
    QGraphicsView::resizeEvent(e);
    if (m_fitted)
        fit();
}

} // namespace ost::ui

#include "moc_ImageView.cpp"
