#include "ui/models/ThumbnailCache.h"

#include <QCoreApplication>
#include <QGuiApplication>
#include <QFileInfo>
#include <QImageReader>
#include <QPainter>
#include <QThread>
#include <QtConcurrent/QtConcurrentRun>

namespace ost::ui {

namespace {

constexpr int kMaxQueued = 256;

QPixmap makePlaceholder(int side, const QColor &fill, const QString &glyph)
{
    QPixmap pm(side, side);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QPen(fill.darker(130), 1));
    p.setBrush(fill);
    p.drawRoundedRect(QRectF(1.5, 1.5, side - 3, side - 3), side / 10.0, side / 10.0);
    QFont f = p.font();
    f.setPixelSize(side / 3);
    p.setFont(f);
    p.setPen(fill.darker(200));
    p.drawText(pm.rect(), Qt::AlignCenter, glyph);
    return pm;
}

// letterbox() in device pixels: on a high-DPI screen a box of 36 logical pixels gets 72 sharp ones
// (the delegate paints a pixmap at its device-independent size, which stays `box`).
QImage letterboxForScreen(const QImage &image, const QSize &box)
{
    const qreal dpr = qGuiApp ? qGuiApp->devicePixelRatio() : 1.0;
    QImage out = letterbox(image, (QSizeF(box) * dpr).toSize());
    out.setDevicePixelRatio(dpr);
    return out;
}

} // namespace

QImage decodeThumbnail(const QString &path, int maxSide)
{
    if (!QFileInfo(path).isFile()) // a FIFO would block the reader forever
        return {};
    QImageReader reader(path);
    reader.setAutoTransform(true);
    const QSize size = reader.size();
    if (size.isValid() && (size.width() > maxSide || size.height() > maxSide))
        reader.setScaledSize(size.scaled(maxSide, maxSide, Qt::KeepAspectRatio));
    QImage image = reader.read();
    if (image.isNull())
        return {};
    if (image.width() > maxSide || image.height() > maxSide) // formats without scaled reading
        image = image.scaled(maxSide, maxSide, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    return image;
}

QImage letterbox(const QImage &image, const QSize &box)
{
    if (image.isNull() || box.isEmpty())
        return {};
    QImage out(box, QImage::Format_ARGB32_Premultiplied);
    out.fill(Qt::transparent);
    const QSize fit = image.width() <= box.width() && image.height() <= box.height()
                          ? image.size()
                          : image.size().scaled(box, Qt::KeepAspectRatio).expandedTo(QSize(1, 1));
    // Scaled as an image first: smooth filtering, and the painter below only copies pixels.
    const QImage scaled =
        fit == image.size() ? image : image.scaled(fit, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    QPainter p(&out);
    p.drawImage(QPoint((box.width() - fit.width()) / 2, (box.height() - fit.height()) / 2), scaled);
    return out;
}

ThumbnailCache::ThumbnailCache(int maxSide, QObject *parent)
    : QObject(parent), m_maxSide(maxSide), m_cache(2000), m_fitted(500)
{
    m_maxRunning = qMax(2, qMin(4, QThread::idealThreadCount()));
    m_pool.setMaxThreadCount(m_maxRunning);
    m_loading = makePlaceholder(maxSide, QColor(232, 234, 238), QStringLiteral("…"));
    m_missing = makePlaceholder(maxSide, QColor(250, 228, 228), QStringLiteral("✕"));
}

ThumbnailCache::~ThumbnailCache()
{
    m_queue.clear();
    m_shuttingDown = true;
    // Workers post their results to this object; wait so none arrives after destruction.
    m_pool.waitForDone();
    QCoreApplication::sendPostedEvents(this); // the finished() calls, now ignored
}

void ThumbnailCache::clear()
{
    m_cache.clear();
    m_fitted.clear();
    m_queue.clear();
}

bool ThumbnailCache::isPending(const QString &path) const
{
    return m_inFlight.contains(path) || m_queue.contains(path);
}

QPixmap ThumbnailCache::thumbnail(const QString &path)
{
    if (path.isEmpty())
        return m_missing;
    if (QPixmap *pm = m_cache.object(path))
        return *pm;
    if (m_inFlight.contains(path))
        return {};
    m_queue.removeOne(path);
    m_queue.prepend(path);
    while (m_queue.size() > kMaxQueued)
        m_queue.removeLast();
    startMore();
    return {};
}

QPixmap ThumbnailCache::fitted(const QString &path, const QSize &box)
{
    const QString key = QStringLiteral("%1x%2 %3").arg(box.width()).arg(box.height()).arg(path);
    if (QPixmap *pm = m_fitted.object(key))
        return *pm;
    const QPixmap full = thumbnail(path);
    if (full.isNull())
        return {};
    auto *pm = new QPixmap(QPixmap::fromImage(letterboxForScreen(full.toImage(), box)));
    const QPixmap out = *pm;
    m_fitted.insert(key, pm);
    return out;
}

QPixmap ThumbnailCache::loadingPlaceholder(const QSize &box)
{
    if (m_loadingFitted.size() != box)
        m_loadingFitted = QPixmap::fromImage(letterboxForScreen(m_loading.toImage(), box));
    return m_loadingFitted;
}

void ThumbnailCache::startMore()
{
    while (m_running < m_maxRunning && !m_queue.isEmpty()) {
        const QString path = m_queue.takeFirst();
        m_inFlight.insert(path, true);
        ++m_running;
        const int side = m_maxSide;
        m_pool.start([this, path, side] {
            const QImage image = decodeThumbnail(path, side);
            QMetaObject::invokeMethod(this, [this, path, image] { finished(path, image); }, Qt::QueuedConnection);
        });
    }
}

void ThumbnailCache::finished(const QString &path, const QImage &image)
{
    --m_running;
    m_inFlight.remove(path);
    if (m_shuttingDown)
        return;
    m_cache.insert(path, new QPixmap(image.isNull() ? m_missing : QPixmap::fromImage(image)));
    Q_EMIT thumbnailReady(path);
    startMore();
    if (m_running == 0 && m_queue.isEmpty())
        Q_EMIT idle();
}

} // namespace ost::ui

#include "moc_ThumbnailCache.cpp"
