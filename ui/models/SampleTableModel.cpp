#include "ui/models/SampleTableModel.h"

#include "ui/models/ThumbnailCache.h"
#include "ui/session/ProjectSession.h"

#include <QColor>
#include <QFont>

#include <cmath>
#include <limits>

namespace ost::ui {

QString formatScore(double value)
{
    if (std::isnan(value))
        return {};
    if (value == 0.0)
        return QStringLiteral("0");
    const double mag = std::fabs(value);
    if (mag >= 1e-3 && mag < 1e5)
        return QString::number(value, 'f', mag >= 100 ? 1 : 4);
    return QString::number(value, 'e', 2);
}

namespace {

QString oneLine(const std::string &text, int maxChars)
{
    QString s = QString::fromStdString(text).simplified();
    s.remove(QStringLiteral("<image>"));
    s = s.trimmed();
    if (s.size() > maxChars)
        s = s.left(maxChars - 1) + QChar(0x2026);
    return s;
}

QVariant number(double v)
{
    return std::isnan(v) ? QVariant() : QVariant(v);
}

} // namespace

SampleTableModel::SampleTableModel(ThumbnailCache *thumbnails, QObject *parent)
    : QAbstractTableModel(parent), m_thumbnails(thumbnails)
{
    connect(m_thumbnails, &ThumbnailCache::thumbnailReady, this, &SampleTableModel::onThumbnailReady);
}

ProjectSession *SampleTableModel::session() const { return m_session.data(); }

void SampleTableModel::setSession(ProjectSession *session)
{
    beginResetModel();
    if (m_session)
        disconnect(m_session, nullptr, this, nullptr);
    m_session = session;
    m_samples.setDataset(session ? &session->dataset() : nullptr);
    m_waitingRows.clear();
    m_questionKeys.clear();
    m_answerKeys.clear();
    m_answerLengths.clear();
    if (session) {
        connect(session, &ProjectSession::scoresChanged, this, [this] { emitColumnsChanged(ColUtility, ColHarmful); });
        connect(session, &ProjectSession::staleScoresChanged, this,
                [this] { emitColumnsChanged(ColUtility, ColUtility); });
        connect(session, &ProjectSession::decisionsChanged, this,
                [this] { emitColumnsChanged(ColDecision, ColDecision); });
        connect(session, &ProjectSession::checksChanged, this, [this] { emitColumnsChanged(ColDuplicate, ColTokens); });
        connect(session, &ProjectSession::validationFinished, this,
                [this] { emitColumnsChanged(ColProblems, ColProblems); });
        connect(session, &ProjectSession::annotationsChanged, this, [this](qint64 row) {
            if (row >= 0 && row < rowCount())
                Q_EMIT dataChanged(index(int(row), ColTags), index(int(row), ColTags));
        });
    }
    endResetModel();
}

void SampleTableModel::setThumbnailBox(const QSize &box)
{
    m_thumbnailBox = box;
    emitColumnsChanged(ColThumbnail, ColThumbnail);
}

void SampleTableModel::emitColumnsChanged(int first, int last)
{
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, first), index(rowCount() - 1, last));
}

int SampleTableModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid() || !m_session)
        return 0;
    return int(qMin<int64_t>(m_session->rowCount(), std::numeric_limits<int>::max()));
}

int SampleTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString SampleTableModel::imagePath(int64_t row) const
{
    auto s = m_samples.get(row);
    if (!s || !s->ok() || s->sample.resolvedImages.empty())
        return {};
    return QString::fromStdString(s->sample.resolvedImages.front());
}

QVariant SampleTableModel::thumbnail(int64_t row, bool boxed) const
{
    auto s = m_samples.get(row);
    if (!s || !s->ok() || s->sample.images.empty())
        return {}; // text-only sample: no picture at all
    const QString path = imagePath(row);
    boxed = boxed && m_thumbnailBox.isValid();
    QPixmap pm = boxed ? m_thumbnails->fitted(path, m_thumbnailBox) : m_thumbnails->thumbnail(path);
    if (!pm.isNull())
        return pm;
    QList<int> &rows = m_waitingRows[path];
    if (!rows.contains(int(row)))
        rows << int(row);
    return boxed ? m_thumbnails->loadingPlaceholder(m_thumbnailBox) : m_thumbnails->loadingPlaceholder();
}

void SampleTableModel::onThumbnailReady(const QString &path)
{
    // The gallery shows the id column (its model column) and paints the thumbnail from it: a change
    // of the thumbnail column alone names no item of the gallery, which then kept "…" until
    // something else repainted it (the partly visible last row, never). Both columns, then.
    static_assert(ColThumbnail + 1 == ColId, "the thumbnail and id columns are adjacent");
    const QList<int> rows = m_waitingRows.take(path);
    for (int row : rows)
        if (row < rowCount())
            Q_EMIT dataChanged(index(row, ColThumbnail), index(row, ColId), {Qt::DecorationRole, ThumbnailRole});
}

QVariant SampleTableModel::unreadableData(int64_t row, int column) const
{
    const ValidationIssue *issue = m_session->unreadable(row);
    switch (column) {
    case ColId:
        return issue->line > 0 ? tr("line %1 (unreadable)").arg(issue->line) : tr("(unreadable)");
    case ColQuestion:
        return tr("(not read: %1)").arg(QString::fromStdString(issue->message));
    case ColProblems:
        return m_session->problems(row).value(0);
    default:
        return {};
    }
}

QVariant SampleTableModel::displayData(int64_t row, int column) const
{
    if (m_session->isUnreadableRow(row))
        return unreadableData(row, column);
    const ScoreSnapshot &scores = m_session->scores();
    switch (column) {
    case ColId:
        return QString::fromStdString(m_session->dataset().id(row));
    case ColQuestion:
    case ColAnswer: {
        auto s = m_samples.get(row);
        if (!s->ok())
            return column == ColQuestion ? tr("(unreadable: %1)").arg(s->error) : QString();
        return oneLine(column == ColQuestion ? s->sample.question() : s->sample.answer(), 160);
    }
    case ColAnswerLength: {
        auto s = m_samples.get(row);
        return s->ok() ? QVariant(qlonglong(QString::fromStdString(s->sample.answer()).size())) : QVariant();
    }
    case ColUtility:
        return formatScore(scores.utilityAt(row));
    case ColRank:
        return scores.rankAt(row) == 0 ? QVariant() : QVariant(qlonglong(scores.rankAt(row)));
    case ColLoss:
    case ColIfd:
    case ColLength:
    case ColRandom:
        return formatScore(scores.baselineAt(size_t(column - ColLoss), row));
    case ColHarmful:
        return scores.isHarmful(row) ? tr("harmful") : QString();
    case ColDecision:
        return QString::fromStdString(decisionName(m_session->decision(row)));
    case ColTags:
        return m_session->tags(row).join(QStringLiteral(", "));
    case ColProblems: {
        const QStringList p = m_session->problems(row);
        if (p.isEmpty())
            return m_session->validationDone() ? tr("ok") : QString();
        return p.size() == 1 ? p.front() : tr("%1 problems: %2").arg(p.size()).arg(p.front());
    }
    case ColDuplicate:
    case ColImageCheck:
    case ColTokens:
        return checkDisplay(row, column);
    default:
        return {};
    }
}

QVariant SampleTableModel::checkDisplay(int64_t row, int column) const
{
    const CheckSignals &c = m_session->checks();
    switch (column) {
    case ColDuplicate: return duplicateLabel(c, row);
    case ColImageCheck: return imageIssueLabel(c, row);
    case ColTokens: return c.tokensAt(row) < 0 ? QVariant() : QVariant(qlonglong(c.tokensAt(row)));
    default: return {};
    }
}

QVariant SampleTableModel::checkSortKey(int64_t row, int column) const
{
    const CheckSignals &c = m_session->checks();
    switch (column) {
    case ColDuplicate: {
        // Group by group, the kept member first: sorting by this column lays each group out together.
        const int g = c.firstGroup(row);
        return g < 0 ? QVariant() : QVariant(double(g) * 1e7 + c.positionIn(g, row));
    }
    case ColImageCheck: {
        // By check, then by its value (the measures are never negative).
        const QVector<CheckSignals::IssueValue> v = c.imageIssues.value(row);
        return v.isEmpty() ? QVariant() : QVariant(QStringLiteral("%1|%2").arg(v.front().issue).arg(v.front().value, 20, 'f', 6, QLatin1Char('0')));
    }
    case ColTokens: return c.tokensAt(row) < 0 ? QVariant() : QVariant(double(c.tokensAt(row)));
    default: return {};
    }
}

QString SampleTableModel::checkToolTip(int64_t row, int column) const
{
    const CheckSignals &c = m_session->checks();
    switch (column) {
    case ColDuplicate: {
        QStringList lines;
        for (int g : c.groupsOf.value(row))
            lines << describeGroup(c, g, m_session->dataset());
        if (c.has(row, CheckSignals::Redundant))
            lines << tr("Collapsing duplicates (filter) hides this sample.");
        return lines.join(QLatin1Char('\n'));
    }
    case ColImageCheck: {
        QStringList lines;
        for (const CheckSignals::IssueValue &v : c.imageIssues.value(row))
            lines << tr("%1: %2 %3").arg(v.issue, v.measure, formatMeasure(v.issue, v.value));
        return lines.join(QLatin1Char('\n'));
    }
    case ColTokens: return lengthDescription(c, row);
    default: return {};
    }
}

QVariant SampleTableModel::sortData(int64_t row, int column) const
{
    const ScoreSnapshot &scores = m_session->scores();
    // No value (unscored): an invalid QVariant, which the proxy puts last in either direction.
    const auto num = [](double v) { return std::isnan(v) ? QVariant() : QVariant(v); };
    switch (column) {
    case ColThumbnail:
    case ColUtility:
        return num(scores.utilityAt(row));
    case ColRank:
        return scores.rankAt(row) == 0 ? QVariant() : QVariant(double(scores.rankAt(row)));
    case ColLoss:
    case ColIfd:
    case ColLength:
    case ColRandom:
        return num(scores.baselineAt(size_t(column - ColLoss), row));
    case ColHarmful:
        return scores.isHarmful(row) ? 1 : 0;
    case ColDecision:
        return int(m_session->decision(row));
    case ColProblems:
        return m_session->problems(row).size();
    case ColDuplicate:
    case ColImageCheck:
    case ColTokens:
        return checkSortKey(row, column);
    case ColQuestion:
    case ColAnswer:
    case ColAnswerLength:
        if (m_session->isUnreadableRow(row))
            return displayData(row, column);
        buildTextSortKeys();
        if (column == ColAnswerLength)
            return m_answerLengths[size_t(row)] < 0 ? QVariant() : QVariant(m_answerLengths[size_t(row)]);
        return (column == ColQuestion ? m_questionKeys : m_answerKeys)[size_t(row)];
    default:
        return displayData(row, column);
    }
}

void SampleTableModel::buildTextSortKeys() const
{
    const size_t n = size_t(m_session->size());
    if (m_questionKeys.size() == n)
        return;
    // Straight from the dataset, not through the row cache (whose entries are the rows on screen).
    // The first 64 characters order the rows; ties keep file order, like every other column.
    constexpr int kKeyChars = 64;
    m_questionKeys.assign(n, QString());
    m_answerKeys.assign(n, QString());
    m_answerLengths.assign(n, -1);
    for (size_t i = 0; i < n; ++i) {
        auto parsed = m_session->dataset().sample(int64_t(i));
        ++m_sortParses;
        if (!parsed.ok()) {
            m_questionKeys[i] = tr("(unreadable: %1)").arg(QString::fromStdString(parsed.error().message)).left(kKeyChars);
            continue;
        }
        m_questionKeys[i] = oneLine(parsed->question(), kKeyChars);
        const QString answer = QString::fromStdString(parsed->answer());
        m_answerKeys[i] = oneLine(parsed->answer(), kKeyChars);
        m_answerLengths[i] = answer.size();
    }
}

QVariant SampleTableModel::data(const QModelIndex &index, int role) const
{
    if (!m_session || !index.isValid() || index.row() >= rowCount())
        return {};
    const int64_t row = index.row();
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        return column == ColThumbnail ? QVariant() : displayData(row, column);
    case Qt::DecorationRole:
        return column == ColThumbnail ? thumbnail(row, /*boxed=*/true) : QVariant();
    case ThumbnailRole:
        return thumbnail(row, /*boxed=*/false);
    case Qt::ToolTipRole:
        if (m_session->isUnreadableRow(row))
            return m_session->problems(row).value(0);
        if (column == ColQuestion || column == ColAnswer) {
            auto s = m_samples.get(row);
            if (!s->ok())
                return s->error;
            QString text = QString::fromStdString(column == ColQuestion ? s->sample.question() : s->sample.answer());
            if (text.size() > 600)
                text = text.left(600) + QChar(0x2026);
            return text;
        }
        if (column == ColProblems)
            return m_session->problems(row).join(QLatin1Char('\n'));
        if (column == ColUtility && m_session->isStale(row))
            return tr("This sample changed after it was scored (score from run %1)").arg(m_session->scores().runId);
        if (column >= ColDuplicate && column <= ColTokens)
            return checkToolTip(row, column);
        return {};
    case Qt::TextAlignmentRole:
        if ((column >= ColAnswerLength && column <= ColRandom) || column == ColTokens)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return int(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::ForegroundRole:
        if (column == ColUtility && m_session->isStale(row))
            return QColor(140, 140, 140); // greyed (and italic): a score of content that is no longer there
        if (column == ColUtility || column == ColHarmful)
            return m_session->scores().isHarmful(row) ? QColor(190, 30, 30) : QVariant();
        if (column == ColDecision) {
            const Decision d = m_session->decision(row);
            return d == Decision::Keep ? QColor(20, 120, 50) : d == Decision::Drop ? QColor(190, 30, 30) : QColor(120, 120, 120);
        }
        if (column == ColProblems && !m_session->problems(row).isEmpty())
            return QColor(170, 90, 0);
        if (column == ColImageCheck)
            return QColor(170, 90, 0);
        if (column == ColTokens && m_session->checks().has(row, CheckSignals::OverCutoff))
            return QColor(190, 30, 30);
        if (column == ColDuplicate && m_session->checks().has(row, CheckSignals::Redundant))
            return QColor(120, 120, 120); // what collapsing hides
        return {};
    case Qt::FontRole:
        if (column == ColDecision && m_session->decision(row) != Decision::Auto) {
            QFont f;
            f.setBold(true);
            return f;
        }
        if (column == ColUtility && m_session->isStale(row)) {
            QFont f;
            f.setItalic(true);
            return f;
        }
        if (column == ColTokens && m_session->checks().has(row, CheckSignals::CutsImage)) {
            QFont f;
            f.setBold(true);
            return f;
        }
        return {};
    case SortRole:
        return sortData(row, column);
    case SampleIndexRole:
        return qlonglong(row);
    case UtilityRole:
        return number(m_session->scores().utilityAt(row));
    case DecisionRole:
        return int(m_session->decision(row));
    case HarmfulRole:
        return m_session->scores().isHarmful(row);
    case StaleRole:
        return m_session->isStale(row);
    case UnreadableRole:
        return m_session->isUnreadableRow(row);
    case ImagePathRole:
        return imagePath(row);
    case CaptionRole: {
        if (m_session->isUnreadableRow(row))
            return displayData(row, ColId);
        const double u = m_session->scores().utilityAt(row);
        const QString id = QString::fromStdString(m_session->dataset().id(row));
        return std::isnan(u) ? id : QStringLiteral("%1\n%2").arg(id, formatScore(u));
    }
    default:
        return {};
    }
}

QVariant SampleTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::DisplayRole) {
        switch (section) {
        case ColThumbnail: return tr("Image");
        case ColId: return tr("ID");
        case ColQuestion: return tr("Question");
        case ColAnswer: return tr("Answer");
        case ColAnswerLength: return tr("Length");
        case ColUtility: return tr("Utility");
        case ColRank: return tr("Rank");
        case ColLoss: return tr("Loss");
        case ColIfd: return tr("IFD");
        case ColLength: return tr("Len. score");
        case ColRandom: return tr("Random");
        case ColHarmful: return tr("Harmful");
        case ColDecision: return tr("Decision");
        case ColTags: return tr("Tags");
        case ColProblems: return tr("Validation");
        case ColDuplicate: return tr("Duplicate");
        case ColImageCheck: return tr("Image check");
        case ColTokens: return tr("Tokens");
        default: return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case ColUtility: return tr("One-step utility: loss drop on the reference set after one training step on this sample");
        case ColRank: return tr("1 = most useful sample of the run");
        case ColAnswerLength: return tr("Answer length in characters");
        case ColLoss: return tr("Baseline: proxy loss of the answer");
        case ColIfd: return tr("Baseline: instruction-following difficulty");
        case ColLength: return tr("Baseline: length score");
        case ColRandom: return tr("Baseline: random score");
        case ColHarmful: return tr("Utility below the run's harmful threshold");
        case ColDuplicate: return tr("ostc check: duplicate group (kind, place in the group; the first is kept when collapsing)");
        case ColImageCheck: return tr("ostc check: flagged image measures with their values");
        case ColTokens: return tr("ostc check: tokens of the templated sample, images included; red over the cutoff, bold when the cut falls inside the image tokens");
        default: return {};
        }
    }
    return {};
}

} // namespace ost::ui

#include "moc_SampleTableModel.cpp"
