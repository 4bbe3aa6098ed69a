#pragma once
// What `ostc check` stored in the project (blob "check:report", see core/check/CheckResults.h), laid
// out by sample index for the table's columns and filters: duplicate groups (which one collapsing
// keeps), image checks with their measured values, token counts against the cutoff. Built on a
// worker thread (it parses every sample once to map image paths to samples), swapped in whole.
#include "core/common/Progress.h"
#include "core/data/Dataset.h"
#include "core/store/ProjectStore.h"

#include <QHash>
#include <QString>
#include <QStringList>
#include <QVector>

#include <cstdint>
#include <vector>

namespace ost::ui {

struct CheckSignals {
    enum Flag : uint8_t {
        InGroup = 1,      // member of a duplicate group (the kept one too)
        Redundant = 2,    // collapsing the groups hides it (the check:*-duplicate tags)
        ImageIssue = 4,   // one of its images is flagged
        OverCutoff = 8,   // more tokens than cutoff_len
        CutsImage = 16,   // ... and the cut falls inside its image tokens
    };
    struct Group {
        QString kind;            // "exact", "near-answer", "exact-image", "near-image" (core's names)
        QStringList members;     // sample ids, or image paths for the image kinds, first = kept
        std::vector<int64_t> samples; // sample indices in the group: the kept ones, then the rest, each ascending
        std::vector<int64_t> kept;    // of them, the ones collapsing keeps
        double closest = 0, farthest = 0; // Jaccard (near-answer) or pHash bits (near-image)
    };
    struct Image {
        QString path, error;
        int64_t width = 0, height = 0, pixels = 0;
        double blur = 0, brightness = 0, entropy = 0, aspect = 0;
        QStringList issues; // core's names: "blurry", "light", ...
    };
    struct IssueValue {
        QString issue;  // "light"
        QString measure; // "brightness"
        double value = 0;
    };

    bool present = false; // a report was found and read
    QString error;        // the report could not be read (present false)
    QString checkedAt;
    int64_t cutoffLen = 0;
    QString tokenizer;
    std::vector<Group> groups;       // in the report's order (by kind, then first member)
    std::vector<Image> images;
    QHash<QString, int> imageByPath; // resolved path -> images index
    std::vector<uint8_t> flags;      // per sample
    std::vector<int64_t> tokens;     // per sample, -1 when not measured
    QHash<qint64, QVector<int>> groupsOf;          // sample -> its groups, report order
    QHash<qint64, QVector<IssueValue>> imageIssues; // sample -> flagged measures of its images

    bool has(int64_t index, Flag f) const
    {
        return index >= 0 && index < int64_t(flags.size()) && (flags[size_t(index)] & f) != 0;
    }
    int64_t tokensAt(int64_t index) const
    {
        return index >= 0 && index < int64_t(tokens.size()) ? tokens[size_t(index)] : -1;
    }
    // The sample's first group (its column shows that one), -1 when in none.
    int firstGroup(int64_t index) const { return groupsOf.value(index).value(0, -1); }
    // 0-based place of a sample in its group's samples (the kept ones first), -1 when absent.
    int positionIn(int group, int64_t index) const;
    int64_t countFlag(Flag f) const;
    const Image *image(const QString &resolvedPath) const;
};

// "exact" -> "exact", "near-answer" -> "near answer", "exact-image" -> "same image", ...
QString groupKindLabel(const QString &kind);
// The number behind an image check: "blurry" -> "blur", "light" -> "brightness", ...
QString imageIssueMeasure(const QString &issue);
double imageMeasureValue(const CheckSignals::Image &image, const QString &issue);

// Texts shared by the table and the detail pane ("" where the sample has nothing to say).
QString formatMeasure(const QString &issue, double value); // "254.1", "0.031", "640"
QString duplicateLabel(const CheckSignals &checks, int64_t index);  // "exact · 2 of 3"
QString imageIssueLabel(const CheckSignals &checks, int64_t index); // "light 254.1, blurry 12.0"
// One group in words, members named by id (at most `maxMembers`, then "and N more").
QString describeGroup(const CheckSignals &checks, int group, const Dataset &dataset, int maxMembers = 8);
// "2,300 tokens, over the cutoff of 2,048; the cut falls inside its image tokens" ("" unmeasured).
QString lengthDescription(const CheckSignals &checks, int64_t index);

// Reads the stored report of `dataset`'s last check. No report: present false, no error.
CheckSignals loadCheckSignals(const Dataset &dataset, const ProjectStore &store, const CancelToken *cancel = nullptr);

} // namespace ost::ui
