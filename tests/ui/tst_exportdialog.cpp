// The export dialog writes what its policy says: top-K by utility minus dropped plus kept, the
// preview counts the same samples, and a manifest lands beside the output.
#include "UiTestData.h"

#include "ui/dialogs/ExportDialog.h"
#include "ui/session/DatasetOpener.h"
#include "ui/session/ProjectSession.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
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
