// The sample table model and its filter proxy: model invariants (QAbstractItemModelTester),
// columns, sorting, every filter, thumbnails arriving from the worker threads (letterboxed whole into
// the table's icon box), and rows whose score is of a record edited since (marked in the table and
// said in words in the detail pane).
#include "UiTestData.h"


#include "ui/models/SampleFilterProxy.h"
#include "ui/models/SampleTableModel.h"
#include "ui/models/ThumbnailCache.h"
#include "ui/session/DatasetOpener.h"
#include "ui/session/ProjectSession.h"
#include "ui/widgets/DetailPane.h"

#include <QAbstractItemModelTester>
#include <QFont>
#include <QLabel>
#include <QPixmap>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QThread>
#include <QtTest>

#include <memory>

using namespace ost;
using namespace ost::ui;

class TestSampleTableModel : public QObject {
    Q_OBJECT

    static constexpr int N = 12;
    QTemporaryDir m_dir;
    std::unique_ptr<ProjectSession> m_session;
    ThumbnailCache *m_thumbs = nullptr;
    SampleTableModel *m_model = nullptr;
    SampleFilterProxy *m_proxy = nullptr;

    QStringList idsInProxyOrder() const
    {
        QStringList ids;
        for (int r = 0; r < m_proxy->rowCount(); ++r)
            ids << m_proxy->index(r, SampleTableModel::ColId).data().toString();
        return ids;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString path = uitest::writeDataset(m_dir.path(), N);
        QVERIFY(!path.isEmpty());
        OpenedProject opened = openProject(path);
        QVERIFY2(opened.error.isEmpty(), qPrintable(opened.error));
        QVERIFY(uitest::addFakeRun(*opened.store, N, N - 2) > 0); // the last two stay unscored
        opened.scores = loadScoreSnapshot(*opened.dataset, *opened.store);
        m_session = std::make_unique<ProjectSession>(opened.dataset, opened.store, opened.scores);
        m_thumbs = new ThumbnailCache(64, this);
        m_model = new SampleTableModel(m_thumbs, this);
        m_model->setSession(m_session.get());
        m_proxy = new SampleFilterProxy(this);
        m_proxy->setSampleModel(m_model);
    }

    void cleanupTestCase()
    {
        m_model->setSession(nullptr);
        m_session.reset();
    }

    void modelTester()
    {
        new QAbstractItemModelTester(m_model, QAbstractItemModelTester::FailureReportingMode::QtTest, this);
        new QAbstractItemModelTester(m_proxy, QAbstractItemModelTester::FailureReportingMode::QtTest, this);
        QCOMPARE(m_model->rowCount(), N);
        QCOMPARE(m_model->columnCount(), int(SampleTableModel::ColumnCount));
        m_proxy->sort(SampleTableModel::ColUtility, Qt::DescendingOrder);
        m_proxy->setFilter(SampleFilter{});
    }

    void columns()
    {
        const QModelIndex row1 = m_model->index(1, 0);
        QCOMPARE(row1.siblingAtColumn(SampleTableModel::ColId).data().toString(), QStringLiteral("s1"));
        QCOMPARE(row1.siblingAtColumn(SampleTableModel::ColQuestion).data().toString(),
                 QStringLiteral("Question 1: what is 1 + 1?"));
        QCOMPARE(row1.siblingAtColumn(SampleTableModel::ColAnswer).data().toString(),
                 QStringLiteral("By pythagoras, the answer is 2."));
        QCOMPARE(row1.siblingAtColumn(SampleTableModel::ColAnswerLength).data().toLongLong(), 31);
        QCOMPARE(row1.data(SampleTableModel::UtilityRole).toDouble(), uitest::fakeUtility(1, N));
        QCOMPARE(row1.siblingAtColumn(SampleTableModel::ColRank).data().toLongLong(), 2);
        QCOMPARE(row1.siblingAtColumn(SampleTableModel::ColLoss).data().toString(), QStringLiteral("2.0000"));
        QCOMPARE(row1.siblingAtColumn(SampleTableModel::ColDecision).data().toString(), QStringLiteral("auto"));
        // sample 10 is unscored: no utility, no rank
        const QModelIndex row10 = m_model->index(10, 0);
        QVERIFY(!row10.data(SampleTableModel::UtilityRole).isValid());
        QVERIFY(row10.siblingAtColumn(SampleTableModel::ColUtility).data().toString().isEmpty());
        QVERIFY(!row10.siblingAtColumn(SampleTableModel::ColRank).data().isValid());
        // harmful: utility < 0 from sample 5 on (12 - 15 < 0 ...)
        QCOMPARE(m_model->index(4, 0).data(SampleTableModel::HarmfulRole).toBool(), false);
        QCOMPARE(m_model->index(5, 0).data(SampleTableModel::HarmfulRole).toBool(), true);
        QCOMPARE(m_model->index(5, SampleTableModel::ColHarmful).data().toString(), QStringLiteral("harmful"));
    }

    void sortByUtilityAndRank()
    {
        m_proxy->sort(SampleTableModel::ColUtility, Qt::DescendingOrder);
        QStringList ids = idsInProxyOrder();
        QCOMPARE(ids.mid(0, 3), (QStringList{"s0", "s1", "s2"}));
        QCOMPARE(ids.mid(8, 2), (QStringList{"s8", "s9"}));
        m_proxy->sort(SampleTableModel::ColUtility, Qt::AscendingOrder);
        ids = idsInProxyOrder();
        // unscored rows stay last in this direction too (they came first, above every score)
        QCOMPARE(ids.mid(0, 2), (QStringList{"s9", "s8"}));
        QCOMPARE(ids.mid(10, 2), (QStringList{"s10", "s11"}));
        m_proxy->sort(SampleTableModel::ColRank, Qt::AscendingOrder);
        QCOMPARE(idsInProxyOrder().front(), QStringLiteral("s0"));
        m_proxy->sort(SampleTableModel::ColLoss, Qt::DescendingOrder);
        QCOMPARE(idsInProxyOrder().front(), QStringLiteral("s9"));
        m_proxy->sort(SampleTableModel::ColId, Qt::AscendingOrder);
        QCOMPARE(idsInProxyOrder().mid(0, 4), (QStringList{"s0", "s1", "s10", "s11"}));
    }

    void filters()
    {
        SampleFilter f;
        f.harmful = SampleFilter::Harmful::Only;
        m_proxy->setFilter(f);
        QCOMPARE(m_proxy->rowCount(), 5); // s5..s9
        f = {};
        f.harmful = SampleFilter::Harmful::Exclude;
        m_proxy->setFilter(f);
        QCOMPARE(m_proxy->rowCount(), 7); // s0..s4 + 2 unscored
        f = {};
        f.scoredOnly = true;
        m_proxy->setFilter(f);
        QCOMPARE(m_proxy->rowCount(), N - 2);
        f = {};
        f.minUtility = 0.5;
        f.maxUtility = 1.0;
        m_proxy->setFilter(f);
        // utilities: s0 1.25, s1 0.95, s2 0.65, s3 0.35
        QCOMPARE(m_proxy->rowCount(), 2);
        f = {};
        f.text = QStringLiteral("PYTHAGORAS");
        m_proxy->setFilter(f);
        QCOMPARE(idsInProxyOrder(), QStringList{"s1"});
        f.text = QStringLiteral("s11");
        m_proxy->setFilter(f);
        QCOMPARE(idsInProxyOrder(), QStringList{"s11"});
        f = {};
        f.validation = SampleFilter::Validation::Problems;
        m_proxy->setFilter(f);
        QCOMPARE(m_proxy->rowCount(), 0);
        m_proxy->setFilter({});
        QCOMPARE(m_proxy->rowCount(), N);
    }

    void decisionAndTagFilters()
    {
        QVERIFY(m_session->decide({2, 3}, Decision::Drop));
        QVERIFY(m_session->decide({7}, Decision::Keep));
        QVERIFY(m_session->setTags(4, {QStringLiteral("ocr"), QStringLiteral("check")}));
        SampleFilter f;
        f.decision = SampleFilter::DecisionFilter::Drop;
        m_proxy->setFilter(f);
        QCOMPARE(m_proxy->rowCount(), 2);
        f.decision = SampleFilter::DecisionFilter::Decided;
        m_proxy->setFilter(f);
        QCOMPARE(m_proxy->rowCount(), 3);
        f.decision = SampleFilter::DecisionFilter::Auto;
        m_proxy->setFilter(f);
        QCOMPARE(m_proxy->rowCount(), N - 3);
        // the proxy follows a decision made while filtered (dynamic filter)
        QVERIFY(m_session->decide({0}, Decision::Keep));
        QCOMPARE(m_proxy->rowCount(), N - 4);
        f = {};
        f.tag = QStringLiteral("ocr");
        m_proxy->setFilter(f);
        QCOMPARE(idsInProxyOrder(), QStringList{"s4"});
        QCOMPARE(m_model->index(4, SampleTableModel::ColTags).data().toString(), QStringLiteral("ocr, check"));
        QCOMPARE(m_model->index(7, SampleTableModel::ColDecision).data().toString(), QStringLiteral("keep"));
        m_proxy->setFilter({});
    }

    void thumbnails()
    {
        // Text-only rows have no decoration; image rows get a placeholder, then the decoded image.
        QVERIFY(!m_model->index(3, SampleTableModel::ColThumbnail).data(Qt::DecorationRole).isValid());
        const QPixmap first = m_model->index(0, SampleTableModel::ColThumbnail).data(Qt::DecorationRole).value<QPixmap>();
        QCOMPARE(first.size(), m_thumbs->loadingPlaceholder().size());
        const auto current = [this] {
            return m_model->index(0, SampleTableModel::ColThumbnail).data(Qt::DecorationRole).value<QPixmap>();
        };
        QTRY_COMPARE_WITH_TIMEOUT(current().size(), QSize(8, 8), 5000); // small images are not blown up
        const QPixmap loaded = current();
        const QImage img = loaded.toImage();
        QCOMPARE(img.pixelColor(4, 4).rgb(), QColor::fromHsv(0, 200, 220).rgb());
        // a missing image gives the "missing" placeholder, not a crash
        QCOMPARE(m_thumbs->thumbnail(QString()).size(), m_thumbs->missingPlaceholder().size());

        // With the table's icon box set, the decoration is exactly that box (the delegate paints a
        // pixmap at its own size) and the 8 x 8 image sits in its middle, not blown up; the gallery's
        // role still gives the thumbnail itself.
        const QSize box(36, 36);
        m_model->setThumbnailBox(box);
        const QImage boxed =
            m_model->index(0, SampleTableModel::ColThumbnail).data(Qt::DecorationRole).value<QPixmap>().toImage();
        QCOMPARE(boxed.size(), box);
        QCOMPARE(boxed.pixelColor(0, 0).alpha(), 0);
        QCOMPARE(boxed.pixelColor(18, 18).rgb(), QColor::fromHsv(0, 200, 220).rgb());
        QCOMPARE(m_model->index(0, SampleTableModel::ColThumbnail).data(SampleTableModel::ThumbnailRole).value<QPixmap>().size(),
                 QSize(8, 8));
        QCOMPARE(m_thumbs->loadingPlaceholder(box).size(), box);
        m_model->setThumbnailBox({});
    }

    // A wide and a tall picture both show whole in the table's box: scaled to its width (height),
    // the rest of the box transparent letterbox, the picture's aspect ratio kept.
    void thumbnailsKeepAspectRatio()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        ThumbnailCache cache(64);
        const QSize box(36, 36);
        struct Case {
            QSize image;
            QSize thumbnail; // fits 64 x 64
            QSize content;   // fits the box
        };
        const Case cases[] = {{{200, 50}, {64, 16}, {36, 9}}, {{40, 160}, {16, 64}, {9, 36}}};
        for (const Case &c : cases) {
            const QString path = dir.filePath(QStringLiteral("%1x%2.png").arg(c.image.width()).arg(c.image.height()));
            QImage img(c.image, QImage::Format_RGB32);
            img.fill(QColor(200, 40, 40));
            QVERIFY(img.save(path));
            QTRY_VERIFY_WITH_TIMEOUT(!cache.fitted(path, box).isNull(), 5000);
            QCOMPARE(cache.thumbnail(path).size(), c.thumbnail);
            const QImage fitted = cache.fitted(path, box).toImage();
            QCOMPARE(fitted.size(), box);
            // the opaque part is the picture: its bounding box is the scaled picture, centred
            QRect opaque;
            for (int y = 0; y < fitted.height(); ++y)
                for (int x = 0; x < fitted.width(); ++x)
                    if (fitted.pixelColor(x, y).alpha() > 0)
                        opaque |= QRect(x, y, 1, 1);
            QCOMPARE(opaque.size(), c.content);
            QCOMPARE(opaque.center(), QRect(QPoint(0, 0), box).center());
            QCOMPARE(fitted.pixelColor(0, 0).alpha(), 0); // corners are letterbox
            QCOMPARE(fitted.pixelColor(35, 35).alpha(), 0);
            QCOMPARE(fitted.pixelColor(opaque.center()).rgb(), QColor(200, 40, 40).rgb());
        }
    }

    // "Reloading" lasts until the new snapshot is in scores(): a reload whose worker has ended but whose
    // result has not reached this thread yet still counts. (The watcher's isRunning() said "done"
    // there, and tst_uiscoring, under load, read the snapshot before: fewer scores than written.)
    void reloadLastsUntilTheSnapshotArrives()
    {
        QTemporaryDir dir;
        const QString path = uitest::writeDataset(dir.path(), 4);
        OpenedProject opened = openProject(path);
        QVERIFY2(opened.error.isEmpty(), qPrintable(opened.error));
        ProjectSession session(opened.dataset, opened.store, opened.scores);
        QVERIFY(!session.scores().hasScores());
        QVERIFY(uitest::addFakeRun(*opened.store, 4) > 0);
        session.reloadScores();
        QVERIFY(session.isReloadingScores());
        QThread::msleep(1000); // the worker ends; its result waits for the event loop
        QVERIFY(session.isReloadingScores());
        QVERIFY(!session.scores().hasScores());
        QTRY_VERIFY_WITH_TIMEOUT(!session.isReloadingScores(), 10000);
        QVERIFY(session.scores().hasScores());
    }

    // Scores carry the hash of the record they were computed on: editing one record after scoring
    // marks exactly that row's utility (greyed, italic, with the run in its tooltip), and the
    // "changed since scored" filter shows that row alone.
    void staleRowsAreMarked()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const int n = 5;
        const QString path = uitest::writeDataset(dir.path(), n);
        int64_t runId = 0;
        {
            auto dataset = Dataset::open(path.toStdString());
            QVERIFY(dataset.ok());
            auto store = ProjectStore::open(ProjectStore::defaultPathFor(path.toStdString()));
            QVERIFY(store.ok());
            runId = uitest::addHashedRun(*store.value(), *dataset.value());
            QVERIFY(runId > 0);
        }
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QByteArray text = f.readAll();
        f.close();
        QVERIFY(text.contains("Question 2:"));
        text.replace("Question 2:", "Question 2 (edited):");
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(text);
        f.close();

        OpenedProject opened = openProject(path);
        QVERIFY2(opened.error.isEmpty(), qPrintable(opened.error));
        QCOMPARE(opened.stale.changed(), 1);
        QVERIFY(opened.stale.changedIndices == std::vector<int64_t>{2});
        ProjectSession session(opened.dataset, opened.store, opened.scores);
        ThumbnailCache thumbs(32);
        SampleTableModel model(&thumbs);
        model.setSession(&session);
        SampleFilterProxy proxy;
        proxy.setSampleModel(&model);
        const auto utility = [&](int row) { return model.index(row, SampleTableModel::ColUtility); };
        QVERIFY(!utility(2).data(SampleTableModel::StaleRole).toBool()); // not checked yet
        DetailPane pane(&model);
        pane.showSample(2);
        auto *badges = pane.findChild<QLabel *>(QStringLiteral("badges"));
        auto *details = pane.findChild<QTextBrowser *>(QStringLiteral("details"));
        QVERIFY(badges && details);
        const QString staleWords = QStringLiteral("before this sample changed");
        QVERIFY2(!badges->text().contains(staleWords), qPrintable(badges->text()));

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        session.setStaleScores(opened.stale);
        QVERIFY(!changed.isEmpty());
        // the pane showing the sample says so at once (the header follows the model's dataChanged)
        QVERIFY2(badges->text().contains(QStringLiteral("from run %1, before this sample changed").arg(runId)),
                 qPrintable(badges->text()));
        QVERIFY2(badges->text().contains(QStringLiteral("0.1000")), qPrintable(badges->text())); // still shown
        QVERIFY(!badges->toolTip().isEmpty());
        pane.showSample(2);
        const QString detailsText = details->toPlainText();
        QVERIFY2(detailsText.contains(QStringLiteral("from run %1, before this sample changed").arg(runId)),
                 qPrintable(detailsText));
        pane.showSample(1);
        QVERIFY2(!badges->text().contains(staleWords), qPrintable(badges->text()));
        QVERIFY(badges->toolTip().isEmpty());
        QVERIFY(!details->toPlainText().contains(staleWords));
        for (int row = 0; row < n; ++row)
            QCOMPARE(utility(row).data(SampleTableModel::StaleRole).toBool(), row == 2);
        QVERIFY(utility(2).data(Qt::FontRole).value<QFont>().italic());
        QCOMPARE(utility(2).data(Qt::ForegroundRole).value<QColor>(), QColor(140, 140, 140));
        const QString tip = utility(2).data(Qt::ToolTipRole).toString();
        QVERIFY2(tip.contains(QStringLiteral("changed after it was scored")), qPrintable(tip));
        QVERIFY2(tip.contains(QStringLiteral("run %1").arg(runId)), qPrintable(tip));
        QVERIFY(!utility(1).data(Qt::FontRole).value<QFont>().italic());
        QVERIFY(utility(1).data(Qt::ToolTipRole).toString().isEmpty());
        QCOMPARE(utility(2).data().toString(), QStringLiteral("0.1000")); // still shown

        SampleFilter filter;
        filter.staleOnly = true;
        proxy.setFilter(filter);
        QCOMPARE(proxy.rowCount(), 1);
        QCOMPARE(proxy.index(0, SampleTableModel::ColId).data().toString(), QStringLiteral("s2"));

        // a check of another run (the table shows a newer one) marks nothing
        StaleScores older = opened.stale;
        older.runId = runId + 1;
        session.setStaleScores(older);
        QVERIFY(!utility(2).data(SampleTableModel::StaleRole).toBool());
        QCOMPARE(proxy.rowCount(), 0);
        model.setSession(nullptr);
    }

    void validationFinishes()
    {
        QTRY_VERIFY_WITH_TIMEOUT(m_session->validationDone(), 10000);
        QCOMPARE(m_model->index(0, SampleTableModel::ColProblems).data().toString(), QStringLiteral("ok"));
    }
};

QTEST_MAIN(TestSampleTableModel)
#include "tst_sampletablemodel.moc"
