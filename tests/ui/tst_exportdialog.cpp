// The export dialog writes what its policy says: top-K by utility minus dropped plus kept, ranked
// within each group when asked (a misspelt field is reported, not exported), the preview counts the
// same samples, and a manifest lands beside the output.
#include "UiTestData.h"

#include "ui/dialogs/ExportDialog.h"
#include "ui/session/DatasetOpener.h"
#include "ui/session/ProjectSession.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QCheckBox>
#include <QJsonArray>
#include <QMap>
#include <QtTest>

using namespace ost;
using namespace ost::ui;

namespace {

QStringList idsIn(const QString &path)
{
    QStringList ids;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return ids;
    while (!f.atEnd()) {
        const QByteArray line = f.readLine().trimmed();
        if (!line.isEmpty())
            ids << QJsonDocument::fromJson(line).object().value(QStringLiteral("id")).toString();
    }
    return ids;
}

} // namespace

class TestExportDialog : public QObject {
    Q_OBJECT
    static constexpr int N = 10;
    QTemporaryDir m_dir;
    std::unique_ptr<ProjectSession> m_session;

private Q_SLOTS:
    void initTestCase()
    {
        // The dialog remembers the last grouping: keep that out of the user's own settings.
        QCoreApplication::setOrganizationName(QStringLiteral("OST Curator Tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_exportdialog"));
        QSettings().clear();
        const QString path = uitest::writeDataset(m_dir.path(), N);
        OpenedProject p = openProject(path);
        QVERIFY2(p.error.isEmpty(), qPrintable(p.error));
        QVERIFY(uitest::addFakeRun(*p.store, N) > 0);
        p.scores = loadScoreSnapshot(*p.dataset, *p.store);
        m_session = std::make_unique<ProjectSession>(p.dataset, p.store, p.scores);
    }
    void cleanupTestCase() { m_session.reset(); }

    void topKMinusDroppedPlusKept()
    {
        // utilities fall with the index: the top 3 are s0, s1, s2
        QVERIFY(m_session->decide({1}, Decision::Drop));
        QVERIFY(m_session->decide({8}, Decision::Keep));

        ExportDialog dialog(m_session.get());
        ExportPolicy policy;
        policy.mode = ExportPolicy::Mode::TopK;
        policy.topK = 3;
        dialog.setPolicy(policy);
        const QString out = m_dir.filePath(QStringLiteral("out/subset.jsonl"));
        QDir().mkpath(m_dir.filePath(QStringLiteral("out")));
        dialog.setOutputPath(out);
        QTRY_VERIFY_WITH_TIMEOUT(dialog.isPreviewReady(), 5000);
        // top 3 among the not-dropped (s0, s2, s3) plus the kept s8
        QVERIFY2(dialog.previewText().contains(QStringLiteral("<b>4</b>")), qPrintable(dialog.previewText()));

        QSignalSpy done(&dialog, &ExportDialog::exportFinished);
        dialog.startExport();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 10000);
        QVERIFY2(done.front().at(0).toBool(), qPrintable(done.front().at(1).toString()));
        QCOMPARE(idsIn(out), (QStringList{"s0", "s2", "s3", "s8"}));
        QVERIFY(QFile::exists(QString::fromStdString(manifestPathFor(out.toStdString()))));
    }

    // Item 14: the export can also write what it leaves out, each sample with why (s1 dropped by hand
    // with its note, the harmful ones with their utility, the rest below the cut).
    void droppedSubsetWithReasons()
    {
        QVERIFY(m_session->setNote(1, QStringLiteral("looks wrong")));
        ExportDialog dialog(m_session.get());
        ExportPolicy policy;
        policy.mode = ExportPolicy::Mode::TopK;
        policy.topK = 3;
        dialog.setPolicy(policy); // s1 dropped, s8 kept (topKMinusDroppedPlusKept)
        const QString out = m_dir.filePath(QStringLiteral("with-dropped.jsonl"));
        dialog.setOutputPath(out);
        auto *box = dialog.findChild<QCheckBox *>(QStringLiteral("writeDropped"));
        QVERIFY(box);
        QVERIFY2(box->text().contains(QStringLiteral("with-dropped.dropped.jsonl")), qPrintable(box->text()));
        box->setChecked(true);
        QSignalSpy done(&dialog, &ExportDialog::exportFinished);
        dialog.startExport();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 10000);
        QVERIFY2(done.front().at(0).toBool(), qPrintable(done.front().at(1).toString()));
        QVERIFY2(done.front().at(1).toString().contains(QStringLiteral("6 left out")), qPrintable(done.front().at(1).toString()));
        QCOMPARE(idsIn(out), (QStringList{"s0", "s2", "s3", "s8"}));
        QFile f(m_dir.filePath(QStringLiteral("with-dropped.dropped.jsonl")));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QMap<QString, QJsonObject> byId;
        for (const QByteArray &line : f.readAll().split('\n'))
            if (!line.trimmed().isEmpty()) {
                const QJsonObject o = QJsonDocument::fromJson(line).object();
                byId.insert(o.value(QStringLiteral("id")).toString(), o);
            }
        QCOMPARE(byId.keys(), (QStringList{"s1", "s4", "s5", "s6", "s7", "s9"}));
        const QJsonObject s1 = byId[QStringLiteral("s1")].value(QStringLiteral("reasons")).toArray().at(0).toObject();
        QCOMPARE(s1.value(QStringLiteral("reason")).toString(), QStringLiteral("dropped"));
        QCOMPARE(s1.value(QStringLiteral("note")).toString(), QStringLiteral("looks wrong"));
        const QJsonObject s5 = byId[QStringLiteral("s5")].value(QStringLiteral("reasons")).toArray().at(0).toObject();
        QCOMPARE(s5.value(QStringLiteral("reason")).toString(), QStringLiteral("harmful"));
        QVERIFY(s5.value(QStringLiteral("utility")).toDouble() < 0);
        // the record as it is in the file, and where
        QCOMPARE(byId[QStringLiteral("s5")].value(QStringLiteral("record")).toObject().value(QStringLiteral("id")).toString(),
                 QStringLiteral("s5"));
        QCOMPARE(byId[QStringLiteral("s5")].value(QStringLiteral("line")).toInt(), 6);
    }

    // ... and never over the dataset: an output whose .dropped.jsonl is the source is refused before
    // anything is written.
    void droppedSubsetNeverReplacesTheDataset()
    {
        QTemporaryDir dir;
        const QString data = uitest::writeDataset(dir.path(), 4);
        const QString source = dir.filePath(QStringLiteral("pool.dropped.jsonl"));
        QVERIFY(QFile::rename(data, source));
        OpenedProject p = openProject(source);
        QVERIFY2(p.error.isEmpty(), qPrintable(p.error));
        ProjectSession session(p.dataset, p.store, p.scores);
        ExportDialog dialog(&session);
        const QString out = dir.filePath(QStringLiteral("pool.jsonl"));
        dialog.setOutputPath(out);
        dialog.setWriteDropped(true);
        QSignalSpy done(&dialog, &ExportDialog::exportFinished);
        dialog.startExport();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 10000);
        QVERIFY(!done.front().at(0).toBool());
        QVERIFY2(done.front().at(1).toString().contains(QStringLiteral("would replace the dataset")),
                 qPrintable(done.front().at(1).toString()));
        QVERIFY(!QFile::exists(out));
        QCOMPARE(idsIn(source).size(), 4);
    }

    void withoutDecisions()
    {
        ExportDialog dialog(m_session.get());
        ExportPolicy policy;
        policy.mode = ExportPolicy::Mode::MinUtility;
        policy.minUtility = 0.0; // s0..s3 (s3 = 0.05 > 0)
        dialog.setPolicy(policy, /*minusDropped=*/false, /*plusKept=*/false);
        const QString out = m_dir.filePath(QStringLiteral("threshold.jsonl"));
        dialog.setOutputPath(out);
        QSignalSpy done(&dialog, &ExportDialog::exportFinished);
        dialog.startExport();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 10000);
        QVERIFY2(done.front().at(0).toBool(), qPrintable(done.front().at(1).toString()));
        QCOMPARE(idsIn(out), (QStringList{"s0", "s1", "s2", "s3"}));
    }

    void onlyMinusDropped()
    {
        ExportDialog dialog(m_session.get());
        ExportPolicy policy;
        policy.mode = ExportPolicy::Mode::MinUtility;
        policy.minUtility = 0.0;
        dialog.setPolicy(policy, /*minusDropped=*/true, /*plusKept=*/false);
        const QString out = m_dir.filePath(QStringLiteral("minus.jsonl"));
        dialog.setOutputPath(out);
        QSignalSpy done(&dialog, &ExportDialog::exportFinished);
        dialog.startExport();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 10000);
        QCOMPARE(idsIn(out), (QStringList{"s0", "s2", "s3"}));
    }

    // Sources a (s0..s3, the best utilities), b (s4..s6) and none (s7): the plain top 50 % is
    // source a only; ranked within each source it keeps the best half of a, of b and of the rest.
    void rankWithinEachSource()
    {
        QTemporaryDir dir;
        const QString path = uitest::writeDataset(dir.path(), 8, [](int i) {
            return i < 4 ? QStringLiteral("a") : i < 7 ? QStringLiteral("b") : QString();
        });
        OpenedProject opened = openProject(path);
        QVERIFY2(opened.error.isEmpty(), qPrintable(opened.error));
        QVERIFY(uitest::addFakeRun(*opened.store, 8) > 0);
        opened.scores = loadScoreSnapshot(*opened.dataset, *opened.store);
        ProjectSession session(opened.dataset, opened.store, opened.scores);

        ExportDialog dialog(&session);
        ExportPolicy policy;
        policy.mode = ExportPolicy::Mode::TopPercent;
        policy.topPercent = 50;
        dialog.setPolicy(policy);
        QVERIFY(!dialog.policy().withinGroups);
        QTRY_VERIFY_WITH_TIMEOUT(dialog.isPreviewReady(), 5000);
        QVERIFY2(dialog.previewText().contains(QStringLiteral("<b>4</b>")), qPrintable(dialog.previewText()));
        QVERIFY2(!dialog.previewText().contains(QStringLiteral("groups")), qPrintable(dialog.previewText()));
        const QString plain = dir.filePath(QStringLiteral("plain.jsonl"));
        dialog.setOutputPath(plain);
        QSignalSpy done(&dialog, &ExportDialog::exportFinished);
        dialog.startExport();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 10000);
        QCOMPARE(idsIn(plain), (QStringList{"s0", "s1", "s2", "s3"})); // source a only

        policy.withinGroups = SampleGroups::parse("source").takeValue();
        dialog.setPolicy(policy);
        auto *groupBy = dialog.findChild<QComboBox *>(QStringLiteral("groupBy"));
        QVERIFY(groupBy);
        QCOMPARE(groupBy->currentText(), QStringLiteral("source"));
        QVERIFY(dialog.policy().withinGroups);
        QCOMPARE(dialog.policy().withinGroups->spec(), std::string("source"));
        QTRY_VERIFY_WITH_TIMEOUT(dialog.isPreviewReady(), 5000);
        const QString preview = dialog.previewText();
        QVERIFY2(preview.contains(QStringLiteral("<b>5</b>")), qPrintable(preview));
        QVERIFY2(preview.contains(QStringLiteral("<b>3</b> groups by 'source'")), qPrintable(preview));
        QVERIFY2(preview.contains(QStringLiteral("1 ranked sample has no value")), qPrintable(preview));
        const QString grouped = dir.filePath(QStringLiteral("grouped.jsonl"));
        dialog.setOutputPath(grouped);
        dialog.startExport();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 2, 10000);
        QVERIFY2(done.back().at(0).toBool(), qPrintable(done.back().at(1).toString()));
        QCOMPARE(idsIn(grouped), (QStringList{"s0", "s1", "s4", "s5", "s7"})); // a's best two, b's, s7
        // the next export starts from this grouping
        QVERIFY(ExportDialog::lastGrouping());
        QCOMPARE(ExportDialog::lastGrouping()->spec(), std::string("source"));

        // a field no record has: every sample is "ungrouped", so the export would be the plain top
        // 50 % under another name; the preview says so and the export refuses
        policy.withinGroups = SampleGroups::parse("sourse").takeValue();
        dialog.setPolicy(policy);
        QTRY_VERIFY_WITH_TIMEOUT(dialog.isPreviewReady(), 5000);
        QVERIFY2(dialog.previewText().contains(QStringLiteral("No ranked sample has a value for 'sourse'")),
                 qPrintable(dialog.previewText()));
        QVERIFY(!dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->isEnabled());
        const QString misspelt = dir.filePath(QStringLiteral("misspelt.jsonl"));
        dialog.setOutputPath(misspelt);
        dialog.startExport();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 3, 10000);
        QCOMPARE(done.back().at(0).toBool(), false);
        QVERIFY2(done.back().at(1).toString().contains(QStringLiteral("no ranked sample has a value")),
                 qPrintable(done.back().at(1).toString()));
        QVERIFY(!QFile::exists(misspelt));
    }

    // "other record field…" takes a typed name; one SampleGroups refuses is shown under it and blocks
    // the export instead of silently ranking the whole set. Only top-k / top-% rank, so only they group.
    void groupFieldIsValidated()
    {
        ExportDialog dialog(m_session.get());
        ExportPolicy policy;
        policy.mode = ExportPolicy::Mode::TopK;
        policy.topK = 2;
        policy.withinGroups = SampleGroups::parse("writer").takeValue();
        dialog.setPolicy(policy);
        auto *groupBy = dialog.findChild<QComboBox *>(QStringLiteral("groupBy"));
        auto *field = dialog.findChild<QLineEdit *>(QStringLiteral("groupField"));
        QVERIFY(groupBy && field);
        QCOMPARE(groupBy->currentIndex(), groupBy->count() - 1); // "other record field…"
        QCOMPARE(field->text(), QStringLiteral("writer"));
        QCOMPARE(dialog.policy().withinGroups->spec(), std::string("writer"));
        QVERIFY(dialog.groupingError().isEmpty());

        field->setText(QStringLiteral("my field"));
        QVERIFY(!dialog.groupingError().isEmpty());
        QVERIFY(!dialog.policy().withinGroups);
        QVERIFY(!dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->isEnabled());
        bool shown = false;
        for (QLabel *l : dialog.findChildren<QLabel *>())
            shown = shown || (l->text() == dialog.groupingError() && l->isVisibleTo(&dialog));
        QVERIFY(shown);
        QTRY_VERIFY_WITH_TIMEOUT(dialog.isPreviewReady(), 5000);
        QVERIFY2(dialog.previewText().contains(QStringLiteral("record field")), qPrintable(dialog.previewText()));

        policy.mode = ExportPolicy::Mode::MinUtility;
        policy.withinGroups.reset();
        dialog.setPolicy(policy);
        QVERIFY(!groupBy->isEnabled());
        field->setText(QStringLiteral("my field")); // not used by a threshold: no error
        QVERIFY(dialog.groupingError().isEmpty());
    }

    void badOutputPathIsReported()
    {
        ExportDialog dialog(m_session.get());
        dialog.setOutputPath(m_dir.filePath(QStringLiteral("no/such/dir/x.jsonl")));
        QSignalSpy done(&dialog, &ExportDialog::exportFinished);
        dialog.startExport();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 10000);
        QCOMPARE(done.front().at(0).toBool(), false);
        QVERIFY(!done.front().at(1).toString().isEmpty());
    }
};

QTEST_MAIN(TestExportDialog)
#include "tst_exportdialog.moc"
