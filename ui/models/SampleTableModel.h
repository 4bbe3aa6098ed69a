#pragma once
// The sample table: one row per dataset record (rows are sample indices), columns read on demand
// from the session's vectors or the parsed-sample LRU. Nothing here touches disk on the UI thread
// except parsing the rows being painted; images come from the ThumbnailCache.
#include "ui/models/SampleCache.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QPointer>
#include <QSize>

#include <vector>

namespace ost::ui {

class ProjectSession;
class ThumbnailCache;

class SampleTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        ColThumbnail,
        ColId,
        ColQuestion,
        ColAnswer,
        ColAnswerLength,
        ColUtility,
        ColRank,
        ColLoss,
        ColIfd,
        ColLength,
        ColRandom,
        ColHarmful,
        ColDecision,
        ColTags,
        ColProblems,
        // `ostc check` (CheckSignals): hidden while the project has no check report.
        ColDuplicate,  // "exact · 2 of 3": the sample's first duplicate group and its place in it
        ColImageCheck, // "light 254.1": each flagged image measure with its value
        ColTokens,     // tokens of the templated sample, red over the check's cutoff_len
        ColumnCount
    };
    enum Role {
        SortRole = Qt::UserRole + 1, // numbers for numeric columns, text otherwise
        SampleIndexRole,
        UtilityRole,   // double, invalid when not scored
        DecisionRole,  // int(ost::Decision)
        HarmfulRole,
        ImagePathRole, // first resolved image, "" when none
        CaptionRole,   // id and utility, for the gallery
        StaleRole,     // bool: the utility was computed on a record that has changed in the file since
        ThumbnailRole, // the cached thumbnail at its own size (the gallery scales it); DecorationRole may be boxed
        UnreadableRole, // bool: the row is a line the index could not read, not a sample
    };

    explicit SampleTableModel(ThumbnailCache *thumbnails, QObject *parent = nullptr);

    void setSession(ProjectSession *session); // nullptr: empty model
    ProjectSession *session() const;
    // A view with a fixed decoration size (the table's iconSize) sets it here: the thumbnail column's
    // DecorationRole is then letterboxed to exactly that size, because the item delegate paints a
    // pixmap at its own size and a larger one would be cropped. Invalid (default): thumbnails as cached.
    void setThumbnailBox(const QSize &box);
    std::shared_ptr<const CachedSample> sampleAt(int64_t index) const { return m_samples.get(index); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static int baselineColumn(size_t k) { return ColLoss + int(k); }
    // Records parsed to sort by Question, Answer or Length: once per record and session, not per
    // comparison (through the 512-entry cache, sorting MATH-V's 15,360 by Question took 12 s).
    int64_t sortParses() const { return m_sortParses; }

private:
    QVariant displayData(int64_t row, int column) const;
    QVariant unreadableData(int64_t row, int column) const; // a line the index could not read
    QVariant sortData(int64_t row, int column) const;
    QVariant thumbnail(int64_t row, bool boxed) const;
    QVariant checkDisplay(int64_t row, int column) const;
    QVariant checkSortKey(int64_t row, int column) const;
    QString checkToolTip(int64_t row, int column) const;
    void buildTextSortKeys() const;
    QString imagePath(int64_t row) const;
    void onThumbnailReady(const QString &path);
    void emitColumnsChanged(int first, int last);

    QPointer<ProjectSession> m_session;
    ThumbnailCache *m_thumbnails;
    SampleCache m_samples;
    QSize m_thumbnailBox;
    mutable QHash<QString, QList<int>> m_waitingRows; // image path -> rows showing its placeholder
    // Sort keys of the text columns, by sample index, built on the first sort by one of them.
    mutable std::vector<QString> m_questionKeys, m_answerKeys;
    mutable std::vector<qint64> m_answerLengths; // -1: unreadable
    mutable int64_t m_sortParses = 0;
};

QString formatScore(double value);

} // namespace ost::ui
