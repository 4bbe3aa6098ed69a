#pragma once
// Image thumbnails decoded on worker threads into a bounded cache. Requests are served newest
// first (the rows the user is looking at now), and requests that fall far behind are dropped: the
// view asks again if those rows come back on screen.
#include <QCache>
#include <QHash>
#include <QImage>
#include <QObject>
#include <QPixmap>
#include <QStringList>
#include <QThreadPool>

namespace ost::ui {

class ThumbnailCache : public QObject {
    Q_OBJECT
public:
    explicit ThumbnailCache(int maxSide = 128, QObject *parent = nullptr);
    ~ThumbnailCache() override;

    // The cached thumbnail, or a null pixmap after scheduling the decode (thumbnailReady follows).
    // An empty path or an unreadable image gives the "missing" placeholder.
    QPixmap thumbnail(const QString &path);
    bool isPending(const QString &path) const;
    int pendingCount() const { return int(m_queue.size()) + m_running; }
    int maxSide() const { return m_maxSide; }

    // The same thumbnail letterboxed into `box`: scaled down (never up) to fit whole, centred on a
    // transparent pixmap of exactly that size. Null while decoding, like thumbnail(). Scaled once per
    // path and box and kept in its own small cache, so painting the table does not rescale.
    QPixmap fitted(const QString &path, const QSize &box);

    QPixmap loadingPlaceholder() const { return m_loading; }
    QPixmap loadingPlaceholder(const QSize &box);
    QPixmap missingPlaceholder() const { return m_missing; }

    void clear();

Q_SIGNALS:
    void thumbnailReady(const QString &path);
    void idle(); // nothing queued or decoding

private:
    void startMore();
    void finished(const QString &path, const QImage &image);

    int m_maxSide;
    QThreadPool m_pool; // own threads: long validation or scoring work must not starve thumbnails
    QCache<QString, QPixmap> m_cache;
    QCache<QString, QPixmap> m_fitted; // key "WxH path"; a few hundred: the rows on screen and around
    QStringList m_queue; // newest request first
    QHash<QString, bool> m_inFlight;
    int m_running = 0;
    int m_maxRunning = 2;
    bool m_shuttingDown = false;
    QPixmap m_loading;
    QPixmap m_loadingFitted; // m_loading letterboxed to the last box asked for
    QPixmap m_missing;
};

// Decodes and scales one image to fit maxSide; null image on failure. Used by the cache's workers.
QImage decodeThumbnail(const QString &path, int maxSide);

// `image` scaled down to fit `box` (kept as is when it fits) and centred on a transparent image of
// exactly `box`: the bars left and right (or above and below) are the letterbox.
QImage letterbox(const QImage &image, const QSize &box);

} // namespace ost::ui
