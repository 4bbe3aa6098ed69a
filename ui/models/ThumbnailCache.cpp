#include "ui/models/ThumbnailCache.h"

#include <QCoreApplication>
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

} // namespace

QImage decodeThumbnail(const QString &path, int maxSide)
{
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

ThumbnailCache::ThumbnailCache(int maxSide, QObject *parent)
    : QObject(parent), m_maxSide(maxSide), m_cache(2000)
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
