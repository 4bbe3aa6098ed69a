// `ostc check` results in the sample table: a generated dataset with known duplicates, a dark image
// and two samples over the cutoff (one cut inside its image tokens) is checked by core/check and
// stored as `ostc check` stores it; the session reads the report back and the table's columns, each
// check filter (duplicates only, collapse to one per group, image issues, over cutoff, cuts image
// tokens, any flag) and the filter bar's combo show exactly those samples.
#include "UiTestData.h"

#include "core/check/CheckResults.h"
#include "core/check/DatasetCheck.h"

#include "ui/models/SampleFilterProxy.h"
#include "ui/models/SampleTableModel.h"
#include "ui/models/ThumbnailCache.h"
#include "ui/session/DatasetOpener.h"
#include "ui/session/ProjectSession.h"
#include "ui/widgets/DetailPane.h"
#include "ui/widgets/FilterBar.h"

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QtTest>

#include <memory>

using namespace ost;
using namespace ost::ui;

namespace {

QString words(int n, const QString &stem, const QString &last = {})
{
    QStringList w;
    for (int i = 0; i < n; ++i)
        w << stem + QString::number(i);
    if (!last.isEmpty())
        w << last;
    return w.join(QLatin1Char(' '));
}

// 64 x 64 noise (passes every image check) or black (dark, low information).
void writeImage(const QString &path, quint32 seed, bool black = false)
{
    QImage img(64, 64, QImage::Format_RGB32);
    QRandomGenerator rng(seed);
    for (int y = 0; y < 64; ++y)
        for (int x = 0; x < 64; ++x)
            img.setPixel(x, y, black ? qRgb(0, 0, 0) : qRgb(rng.bounded(256), rng.bounded(256), rng.bounded(256)));
    QVERIFY(img.save(path));
}

QJsonObject record(const QString &id, const QString &question, const QString &answer, const QString &image)
{
    QJsonObject rec = uitest::messagesRecord(id, question, answer);
    rec[QStringLiteral("images")] = QJsonArray{image};
    return rec;
}

} // namespace

class TestCheckFilters : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<ProjectSession> m_session;
    SampleTableModel *m_model = nullptr;
    SampleFilterProxy *m_proxy = nullptr;

    QStringList shown(SampleFilter::Check check)
    {
        SampleFilter f;
        f.check = check;
        m_proxy->setFilter(f);
        QStringList ids;
        for (int r = 0; r < m_proxy->rowCount(); ++r)
            ids << m_proxy->index(r, SampleTableModel::ColId).data().toString();
        return ids;
    }
    QString cell(int row, int column) const { return m_model->index(row, column).data().toString(); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString dir = m_dir.path();
        QDir(dir).mkpath(QStringLiteral("images"));
        for (int i = 0; i < 8; ++i)
            writeImage(dir + QStringLiteral("/images/p%1.png").arg(i), quint32(100 + i), /*black=*/i == 2);
        QVERIFY(QFile::copy(dir + QStringLiteral("/images/p3.png"), dir + QStringLiteral("/images/p3-copy.png")));
        const QString img = QStringLiteral("<image>\n");
        const QString longText = QString(QStringLiteral("x")).repeated(1500);
        const QJsonObject records[] = {
            record("c0", img + "What is shown?", "The picture shows " + words(12, "zero"), "images/p0.png"),
            // c0 again, spacing and case apart, on the same picture: an exact duplicate
            record("c1", img + "what  is SHOWN?", "the picture shows " + words(12, "zero"), "images/p0.png"),
            record("c2", img + "A dark one?", words(12, "two"), "images/p2.png"),
            // over the cutoff, the image first: the cut misses it
            record("c3", img + "Long answer?", longText, "images/p3.png"),
            // over the cutoff with the image after 1,500 characters: the cut falls inside its tokens
            record("c4", longText + "\n" + img + "Where?", words(12, "four"), "images/p4.png"),
            // c5 and c6: the same 30 words but the last, another question: near duplicates
            record("c5", img + "Question five?", words(30, "five", "end"), "images/p5.png"),
            record("c6", img + "Question six?", words(30, "five", "stop"), "images/p6.png"),
            // c3's picture under another name: an exact-image group
            record("c7", img + "Copy?", words(12, "seven"), "images/p3-copy.png"),
        };
        QFile f(dir + QStringLiteral("/data.jsonl"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        for (const QJsonObject &r : records)
            f.write(QJsonDocument(r).toJson(QJsonDocument::Compact) + '\n');
        f.close();

        OpenedProject opened = openProject(f.fileName());
        QVERIFY2(opened.error.isEmpty(), qPrintable(opened.error));
        CheckOptions options;
        options.cutoffLen = 1000; // byte tokens: 1,500 characters are over it
        auto report = checkDataset(*opened.dataset, options);
        QVERIFY2(report.ok(), report.ok() ? "" : report.error().message.c_str());
        report->tokenizerName = "built-in bytes";
        QVERIFY(saveCheckResults(*opened.store, report.value()).ok());

        m_session = std::make_unique<ProjectSession>(opened.dataset, opened.store, opened.scores);
        m_model = new SampleTableModel(new ThumbnailCache(64, this), this);
        m_model->setSession(m_session.get());
        m_proxy = new SampleFilterProxy(this);
        m_proxy->setSampleModel(m_model);
        QTRY_VERIFY_WITH_TIMEOUT(!m_session->isLoadingChecks(), 20000);
        QVERIFY(m_session->checks().present);
    }

    void cleanupTestCase()
    {
        m_model->setSession(nullptr);
        m_session.reset();
    }

    void columnsShowTheCheck()
    {
        QCOMPARE(cell(0, SampleTableModel::ColDuplicate), QStringLiteral("exact · 1 of 2"));
        QCOMPARE(cell(1, SampleTableModel::ColDuplicate), QStringLiteral("exact · 2 of 2"));
        QCOMPARE(cell(6, SampleTableModel::ColDuplicate), QStringLiteral("near answer · 2 of 2"));
        // an image group keeps the samples of its first path ("p3-copy.png" sorts before "p3.png")
        QCOMPARE(cell(7, SampleTableModel::ColDuplicate), QStringLiteral("same image · 1 of 2"));
        QCOMPARE(cell(3, SampleTableModel::ColDuplicate), QStringLiteral("same image · 2 of 2"));
        QVERIFY(cell(4, SampleTableModel::ColDuplicate).isEmpty());
        // the tooltip names the group's members and which one collapsing keeps
        const QString tip = m_model->index(1, SampleTableModel::ColDuplicate).data(Qt::ToolTipRole).toString();
        QVERIFY2(tip.contains(QStringLiteral("c0 (kept), c1")) && tip.contains(QStringLiteral("hides")), qPrintable(tip));
        // the image check with its measured value: black is brightness 0 and entropy 0
        QCOMPARE(cell(2, SampleTableModel::ColImageCheck), QStringLiteral("blurry 0.000, dark 0.000, low-information 0.000"));
        QVERIFY(cell(0, SampleTableModel::ColImageCheck).isEmpty());
        // tokens: c3 and c4 are over 1,000, c4 bold (the cut is inside its image tokens)
        QVERIFY(m_model->index(3, SampleTableModel::ColTokens).data().toLongLong() > 1000);
        QVERIFY(m_model->index(0, SampleTableModel::ColTokens).data().toLongLong() < 1000);
        QCOMPARE(m_model->index(3, SampleTableModel::ColTokens).data(Qt::ForegroundRole).value<QColor>(), QColor(190, 30, 30));
        QVERIFY(m_model->index(4, SampleTableModel::ColTokens).data(Qt::FontRole).value<QFont>().bold());
        QVERIFY(m_model->index(4, SampleTableModel::ColTokens).data(Qt::ToolTipRole).toString().contains(
            QStringLiteral("inside its image tokens")));
    }

    void duplicatesOnly()
    {
        QCOMPARE(shown(SampleFilter::Check::Duplicates), (QStringList{"c0", "c1", "c3", "c5", "c6", "c7"}));
    }

    void collapseKeepsOnePerGroup()
    {
        QCOMPARE(shown(SampleFilter::Check::Collapse), (QStringList{"c0", "c2", "c4", "c5", "c7"}));
    }

    void imageIssues() { QCOMPARE(shown(SampleFilter::Check::ImageIssues), (QStringList{"c2"})); }

    void overCutoff() { QCOMPARE(shown(SampleFilter::Check::OverCutoff), (QStringList{"c3", "c4"})); }

    void cutsImageTokens() { QCOMPARE(shown(SampleFilter::Check::CutsImage), (QStringList{"c4"})); }

    void anyFlag()
    {
        QCOMPARE(shown(SampleFilter::Check::Flagged), (QStringList{"c1", "c2", "c3", "c4", "c6"}));
        QCOMPARE(shown(SampleFilter::Check::Any).size(), 8);
    }

    void sortingByDuplicateLaysGroupsOut()
    {
        m_proxy->setFilter(SampleFilter{});
        m_proxy->sort(SampleTableModel::ColDuplicate, Qt::AscendingOrder);
        QStringList ids;
        for (int r = 0; r < 6; ++r)
            ids << m_proxy->index(r, SampleTableModel::ColId).data().toString();
        QCOMPARE(ids, (QStringList{"c0", "c1", "c5", "c6", "c7", "c3"})); // exact, near answer, same image
        m_proxy->sort(-1);
    }

    void filterBarCombo()
    {
        FilterBar bar;
        auto *combo = bar.findChild<QComboBox *>(QStringLiteral("checkFilter"));
        QVERIFY(combo);
        QSignalSpy spy(&bar, &FilterBar::filterChanged);
        const std::pair<QString, SampleFilter::Check> items[] = {
            {QStringLiteral("Duplicates only"), SampleFilter::Check::Duplicates},
            {QStringLiteral("Collapse duplicates"), SampleFilter::Check::Collapse},
            {QStringLiteral("Image issues"), SampleFilter::Check::ImageIssues},
            {QStringLiteral("Over cutoff"), SampleFilter::Check::OverCutoff},
            {QStringLiteral("Cuts image tokens"), SampleFilter::Check::CutsImage},
            {QStringLiteral("Any check flag"), SampleFilter::Check::Flagged}};
        for (const auto &[text, check] : items) {
            combo->setCurrentIndex(combo->findText(text));
            QCOMPARE(bar.filter().check, check);
        }
        QCOMPARE(spy.count(), 6);
        QVERIFY(!bar.filter().isEmpty());
        bar.clear();
        QCOMPARE(bar.filter().check, SampleFilter::Check::Any);
    }

    void detailPaneSaysItInWords()
    {
        DetailPane pane(m_model);
        pane.showSample(2);
        auto *details = pane.findChild<QTextBrowser *>(QStringLiteral("details"));
        QVERIFY(details);
        const QString text = details->toPlainText();
        QVERIFY2(text.contains(QStringLiteral("Checks")) && text.contains(QStringLiteral("brightness 0.000")) &&
                     text.contains(QStringLiteral("blurry, dark, low-information")),
                 qPrintable(text));
        pane.showSample(1);
        QVERIFY2(details->toPlainText().contains(QStringLiteral("exact group 1 of 3 (2 samples): c0 (kept), c1")),
                 qPrintable(details->toPlainText()));
    }
};

QTEST_MAIN(TestCheckFilters)
#include "tst_checkfilters.moc"
