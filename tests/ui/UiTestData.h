#pragma once
// Small datasets for the UI tests: a few messages-JSONL records with tiny PNGs, and a fake scoring
// run written straight into the project store (so the views can be tested without a model).
#include "core/data/Dataset.h"
#include "core/data/Hash.h"
#include "core/store/ProjectStore.h"

#include <QColor>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

#include <functional>
#include <string>
#include <vector>

namespace uitest {

// A messages-JSONL record: one user turn and one assistant turn.
inline QJsonObject messagesRecord(const QString &id, const QString &question, const QString &answer)
{
    QJsonObject rec;
    rec[QStringLiteral("id")] = id;
    rec[QStringLiteral("messages")] = QJsonArray{
        QJsonObject{{QStringLiteral("role"), QStringLiteral("user")}, {QStringLiteral("content"), question}},
        QJsonObject{{QStringLiteral("role"), QStringLiteral("assistant")}, {QStringLiteral("content"), answer}}};
    return rec;
}

// Writes DIR/data.jsonl with `n` samples "s0".."s{n-1}", each with images/s{i}.png (8x8, its own
// colour) except every fourth, which is text-only. Sample 1's answer mentions "pythagoras".
// `source(i)`, when given, becomes record i's "source" field (left out where it returns "").
inline QString writeDataset(const QString &dir, int n, const std::function<QString(int)> &source = {})
{
    QDir(dir).mkpath(QStringLiteral("images"));
    QFile f(dir + QStringLiteral("/data.jsonl"));
    if (!f.open(QIODevice::WriteOnly))
        return {};
    for (int i = 0; i < n; ++i) {
        const bool image = i % 4 != 3;
        const QString question = (image ? QStringLiteral("<image>\n") : QString()) +
                                 QStringLiteral("Question %1: what is %1 + %1?").arg(i);
        const QString answer = i == 1 ? QStringLiteral("By pythagoras, the answer is 2.")
                                      : QStringLiteral("Step 1: add.\nThe answer is %1.").arg(2 * i);
        QJsonObject rec = messagesRecord(QStringLiteral("s%1").arg(i), question, answer);
        if (source && !source(i).isEmpty())
            rec[QStringLiteral("source")] = source(i);
        if (image) {
            const QString rel = QStringLiteral("images/s%1.png").arg(i);
            QImage img(8, 8, QImage::Format_RGB32);
            img.fill(QColor::fromHsv((i * 37) % 360, 200, 220));
            img.save(dir + QLatin1Char('/') + rel);
            rec[QStringLiteral("images")] = QJsonArray{rel};
        }
        f.write(QJsonDocument(rec).toJson(QJsonDocument::Compact) + '\n');
    }
    return f.fileName();
}

// Utility of sample i in the fake run: decreasing with i, negative for the last third.
inline double fakeUtility(int i, int n) { return double(n - 3 * i) / 10.0 + 0.05; }

// A finished run named `name` holding `rows`. Returns the run id, 0 on failure.
inline int64_t addDoneRun(ost::ProjectStore &store, const std::string &name, const std::vector<ost::ScoreRow> &rows)
{
    ost::RunInfo info;
    info.name = name;
    info.status = "done";
    info.model = "builtin-tiny";
    info.settingsJson = "{}";
    auto run = store.createRun(info);
    if (!run.ok() || !store.addScores(run.value(), rows).ok())
        return 0;
    return run.value();
}

// One finished "ost" run with utilities for the first `scored` samples (all when < 0).
inline int64_t addFakeRun(ost::ProjectStore &store, int n, int scored = -1)
{
    std::vector<ost::ScoreRow> rows;
    for (int i = 0; i < (scored < 0 ? n : scored); ++i) {
        rows.push_back({"s" + std::to_string(i), "", "ost", fakeUtility(i, n)});
        rows.push_back({"s" + std::to_string(i), "", "loss", 1.0 + i});
    }
    return addDoneRun(store, "fake run", rows);
}

// One finished "ost" run over every record of `dataset`, each score carrying its record's content
// hash (what the stale-score check compares); utilities 0.3, 0.2, ... Returns the run id, 0 on failure.
inline int64_t addHashedRun(ost::ProjectStore &store, const ost::Dataset &dataset)
{
    std::vector<ost::ScoreRow> rows;
    for (int64_t i = 0; i < dataset.size(); ++i)
        rows.push_back({dataset.id(i), ost::sha1Hex(dataset.rawRecord(i)), "ost", 0.1 * double(3 - i)});
    return addDoneRun(store, "hashed run", rows);
}

} // namespace uitest
