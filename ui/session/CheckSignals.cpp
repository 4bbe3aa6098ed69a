#include "ui/session/CheckSignals.h"

#include "core/check/CheckResults.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QSet>

#include <algorithm>
#include <cmath>

namespace ost::ui {

int CheckSignals::positionIn(int group, int64_t index) const
{
    if (group < 0 || group >= int(groups.size()))
        return -1;
    const std::vector<int64_t> &s = groups[size_t(group)].samples;
    const auto it = std::find(s.begin(), s.end(), index);
    return it != s.end() ? int(it - s.begin()) : -1;
}

int64_t CheckSignals::countFlag(Flag f) const
{
    return std::count_if(flags.begin(), flags.end(), [f](uint8_t v) { return (v & f) != 0; });
}

const CheckSignals::Image *CheckSignals::image(const QString &resolvedPath) const
{
    const auto it = imageByPath.constFind(resolvedPath);
    return it == imageByPath.constEnd() ? nullptr : &images[size_t(*it)];
}

QString groupKindLabel(const QString &kind)
{
    if (kind == QLatin1String("exact"))
        return QObject::tr("exact");
    if (kind == QLatin1String("near-answer"))
        return QObject::tr("near answer");
    if (kind == QLatin1String("exact-image"))
        return QObject::tr("same image");
    if (kind == QLatin1String("near-image"))
        return QObject::tr("near image");
    return kind;
}

QString imageIssueMeasure(const QString &issue)
{
    if (issue == QLatin1String("blurry"))
        return QObject::tr("blur");
    if (issue == QLatin1String("dark") || issue == QLatin1String("light"))
        return QObject::tr("brightness");
    if (issue == QLatin1String("low-information"))
        return QObject::tr("entropy");
    if (issue == QLatin1String("odd-aspect"))
        return QObject::tr("aspect");
    return QObject::tr("pixels"); // tiny, huge
}

double imageMeasureValue(const CheckSignals::Image &im, const QString &issue)
{
    if (issue == QLatin1String("blurry"))
        return im.blur;
    if (issue == QLatin1String("dark") || issue == QLatin1String("light"))
        return im.brightness;
    if (issue == QLatin1String("low-information"))
        return im.entropy;
    if (issue == QLatin1String("odd-aspect"))
        return im.aspect;
    return double(im.pixels);
}

QString formatMeasure(const QString &issue, double value)
{
    if (issue == QLatin1String("tiny") || issue == QLatin1String("huge"))
        return QLocale().toString(qlonglong(value));
    return QString::number(value, 'f', std::fabs(value) < 1 ? 3 : 1);
}

QString duplicateLabel(const CheckSignals &checks, int64_t index)
{
    const int g = checks.firstGroup(index);
    if (g < 0)
        return {};
    const CheckSignals::Group &group = checks.groups[size_t(g)];
    QString text = QObject::tr("%1 · %2 of %3")
                       .arg(groupKindLabel(group.kind))
                       .arg(checks.positionIn(g, index) + 1)
                       .arg(group.samples.size());
    const int more = checks.groupsOf.value(index).size() - 1;
    if (more > 0)
        text += QObject::tr(" (+%n group(s))", nullptr, more);
    return text;
}

QString imageIssueLabel(const CheckSignals &checks, int64_t index)
{
    QStringList parts;
    for (const CheckSignals::IssueValue &v : checks.imageIssues.value(index))
        parts << QStringLiteral("%1 %2").arg(v.issue, formatMeasure(v.issue, v.value));
    return parts.join(QStringLiteral(", "));
}

QString describeGroup(const CheckSignals &checks, int group, const Dataset &dataset, int maxMembers)
{
    if (group < 0 || group >= int(checks.groups.size()))
        return {};
    const CheckSignals::Group &g = checks.groups[size_t(group)];
    QStringList names;
    for (size_t k = 0; k < g.samples.size() && int(k) < maxMembers; ++k) {
        const int64_t s = g.samples[k];
        const bool kept = std::find(g.kept.begin(), g.kept.end(), s) != g.kept.end();
        names << QString::fromStdString(dataset.id(s)) + (kept ? QObject::tr(" (kept)") : QString());
    }
    if (int(g.samples.size()) > maxMembers)
        names << QObject::tr("and %1 more").arg(g.samples.size() - size_t(maxMembers));
    QString how;
    if (g.kind == QLatin1String("near-answer"))
        how = QObject::tr(", answers' word-shingle Jaccard %1–%2").arg(g.farthest, 0, 'f', 2).arg(g.closest, 0, 'f', 2);
    else if (g.kind == QLatin1String("near-image"))
        how = QObject::tr(", pHash %1–%2 bits apart").arg(g.closest).arg(g.farthest);
    return QObject::tr("%1 group %2 of %3 (%4 samples%5): %6")
        .arg(groupKindLabel(g.kind))
        .arg(group + 1)
        .arg(checks.groups.size())
        .arg(g.samples.size())
        .arg(how, names.join(QStringLiteral(", ")));
}

QString lengthDescription(const CheckSignals &checks, int64_t index)
{
    const int64_t t = checks.tokensAt(index);
    if (t < 0)
        return {};
    const QLocale loc;
    QString text = QObject::tr("%1 tokens").arg(loc.toString(qlonglong(t)));
    if (checks.has(index, CheckSignals::OverCutoff)) {
        text += QObject::tr(", over the cutoff of %1").arg(loc.toString(qlonglong(checks.cutoffLen)));
        if (checks.has(index, CheckSignals::CutsImage))
            text += QObject::tr("; the cut falls inside its image tokens (LLaMA-Factory and ms-swift stop with "
                                "\"image features and image tokens do not match\")");
    } else if (checks.cutoffLen > 0) {
        text += QObject::tr(" (cutoff %1)").arg(loc.toString(qlonglong(checks.cutoffLen)));
    }
    return text;
}

namespace {

QStringList strings(const QJsonValue &v)
{
    QStringList out;
    for (const QJsonValue &e : v.toArray())
        out << e.toString();
    return out;
}

bool isImageKind(const QString &kind) { return kind.endsWith(QLatin1String("image")); }

} // namespace

CheckSignals loadCheckSignals(const Dataset &dataset, const ProjectStore &store, const CancelToken *cancel)
{
    CheckSignals out;
    const std::optional<std::string> blob = store.blob(kCheckReportBlobKey);
    if (!blob)
        return out;
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(*blob), &parseError);
    if (!doc.isObject()) {
        out.error = QObject::tr("the stored check report cannot be read (%1); run ostc check again")
                        .arg(parseError.errorString());
        return out;
    }
    const QJsonObject root = doc.object();
    const size_t n = size_t(dataset.size());
    out.present = true;
    out.flags.assign(n, 0);
    out.tokens.assign(n, -1);
    out.checkedAt = root.value(QStringLiteral("checked_at")).toString();
    out.cutoffLen = root.value(QStringLiteral("settings")).toObject().value(QStringLiteral("cutoff_len")).toInteger();
    out.tokenizer = root.value(QStringLiteral("settings")).toObject().value(QStringLiteral("tokenizer")).toString();

    // Images: every measured one, by its resolved path (what Sample::resolvedImages holds).
    for (const QJsonValue &v : root.value(QStringLiteral("image_measures")).toArray()) {
        const QJsonObject o = v.toObject();
        CheckSignals::Image im;
        im.path = o.value(QStringLiteral("path")).toString();
        im.error = o.value(QStringLiteral("error")).toString();
        im.width = o.value(QStringLiteral("width")).toInteger();
        im.height = o.value(QStringLiteral("height")).toInteger();
        im.pixels = o.value(QStringLiteral("pixels")).toInteger();
        im.blur = o.value(QStringLiteral("blur")).toDouble();
        im.brightness = o.value(QStringLiteral("brightness")).toDouble();
        im.entropy = o.value(QStringLiteral("entropy")).toDouble();
        im.aspect = o.value(QStringLiteral("aspect")).toDouble();
        im.issues = strings(o.value(QStringLiteral("issues")));
        out.imageByPath.insert(im.path, int(out.images.size()));
        out.images.push_back(std::move(im));
    }

    // Groups: sample kinds name their members by id, image kinds by path (their samples follow).
    QHash<QString, QVector<QPair<int, bool>>> imageGroups; // path -> (group, is its first member)
    for (const QJsonValue &v : root.value(QStringLiteral("groups")).toArray()) {
        const QJsonObject o = v.toObject();
        CheckSignals::Group g;
        g.kind = o.value(QStringLiteral("kind")).toString();
        g.members = strings(o.value(QStringLiteral("members")));
        const bool near = g.kind == QLatin1String("near-answer");
        g.closest = o.value(near ? QStringLiteral("jaccard_max") : QStringLiteral("distance_min")).toDouble();
        g.farthest = o.value(near ? QStringLiteral("jaccard_min") : QStringLiteral("distance_max")).toDouble();
        const int gi = int(out.groups.size());
        if (isImageKind(g.kind)) {
            for (int m = 0; m < g.members.size(); ++m)
                imageGroups[g.members[m]].append({gi, m == 0});
        } else {
            for (int m = 0; m < g.members.size(); ++m) {
                const int64_t index = dataset.indexOf(g.members[m].toStdString());
                if (index < 0)
                    continue; // gone from the file since the check
                g.samples.push_back(index);
                if (m == 0)
                    g.kept.push_back(index);
                else
                    out.flags[size_t(index)] |= CheckSignals::Redundant;
            }
        }
        out.groups.push_back(std::move(g));
    }

    // Every sample once: its images' groups and flagged measures. Only when some image matters.
    const bool imagesMatter = !imageGroups.isEmpty() ||
                              std::any_of(out.images.begin(), out.images.end(),
                                          [](const CheckSignals::Image &im) { return !im.issues.isEmpty(); });
    for (size_t i = 0; imagesMatter && i < n; ++i) {
        if (cancel && cancel->isCancelled())
            break;
        Result<Sample> s = dataset.sample(int64_t(i));
        if (!s.ok())
            continue;
        QSet<int> seen;
        for (const std::string &p : s->resolvedImages) {
            if (p.empty())
                continue;
            const QString path = QString::fromStdString(p);
            for (const auto &[gi, first] : imageGroups.value(path)) {
                CheckSignals::Group &g = out.groups[size_t(gi)];
                if (!seen.contains(gi)) {
                    seen.insert(gi);
                    g.samples.push_back(int64_t(i));
                    if (first)
                        g.kept.push_back(int64_t(i));
                }
                if (!first)
                    out.flags[i] |= CheckSignals::Redundant;
            }
            if (const CheckSignals::Image *im = out.image(path))
                for (const QString &issue : im->issues) {
                    out.imageIssues[qint64(i)].append({issue, imageIssueMeasure(issue), imageMeasureValue(*im, issue)});
                    out.flags[i] |= CheckSignals::ImageIssue;
                }
        }
    }
    for (int gi = 0; gi < int(out.groups.size()); ++gi) {
        CheckSignals::Group &g = out.groups[size_t(gi)];
        std::sort(g.samples.begin(), g.samples.end());
        g.samples.erase(std::unique(g.samples.begin(), g.samples.end()), g.samples.end());
        // The kept ones first: an image group keeps its first path's samples, not the first sample.
        std::stable_partition(g.samples.begin(), g.samples.end(), [&g](int64_t s) {
            return std::find(g.kept.begin(), g.kept.end(), s) != g.kept.end();
        });
        if (g.samples.size() < 2)
            continue; // the rest of it is gone from the file
        for (int64_t s : g.samples) {
            out.flags[size_t(s)] |= CheckSignals::InGroup;
            out.groupsOf[qint64(s)].append(gi);
        }
    }

    const QJsonObject tokens = root.value(QStringLiteral("tokens")).toObject();
    for (auto it = tokens.begin(); it != tokens.end(); ++it) {
        const int64_t index = dataset.indexOf(it.key().toStdString());
        if (index >= 0)
            out.tokens[size_t(index)] = it.value().toInteger();
    }
    for (const QJsonValue &v : root.value(QStringLiteral("length")).toObject().value(QStringLiteral("samples")).toArray()) {
        const QJsonObject o = v.toObject();
        const int64_t index = dataset.indexOf(o.value(QStringLiteral("id")).toString().toStdString());
        if (index < 0)
            continue;
        out.flags[size_t(index)] |= CheckSignals::OverCutoff;
        if (o.value(QStringLiteral("cuts_image_tokens")).toBool())
            out.flags[size_t(index)] |= CheckSignals::CutsImage;
    }
    return out;
}

} // namespace ost::ui
