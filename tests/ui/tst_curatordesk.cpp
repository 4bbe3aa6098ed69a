// The curator's desk (issue 13) on the offscreen platform: the histogram's cut belongs to one
// project and run (kept as "the top P %"), records the index could not read are rows, the last
// scored run stays on screen while a new one has no scores, and the review flow's keys.
#include "UiTestData.h"

#include "ui/MainWindow.h"
#include "ui/dialogs/ExportDialog.h"
#include "ui/dialogs/ScoringDialog.h"
#include "core/ost/RunSettings.h"
#include "ui/models/SampleFilterProxy.h"
#include "ui/models/SampleTableModel.h"
#include "ui/session/ProjectSession.h"
#include "ui/widgets/HistogramPanel.h"
#include "ui/widgets/HistogramWidget.h"
#include "ui/widgets/FilterBar.h"

#include <QAction>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QScreen>
#include <QMessageBox>
#include <QPushButton>
#include <QUndoStack>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

using namespace ost;
using namespace ost::ui;

namespace {

bool showAndOpen(MainWindow &w, const QString &path)
{
    if (!w.isVisible()) {
        w.resize(1280, 800);
        w.show();
    }
    QSignalSpy opened(&w, &MainWindow::datasetOpened);
    w.openDataset(path);
    return QTest::qWaitFor([&] { return opened.count() == 1; }, 10000) &&
           QTest::qWaitFor([&] { return w.countsText().contains(QStringLiteral("samples")); }, 5000);
}

// What the scoring dialog says about its reference file ("" when it says nothing).
QString noteOf(QDialog *d)
{
    auto *note = d->findChild<QLabel *>(QStringLiteral("referenceNote"));
    return note && !note->isHidden() ? note->text() : QString();
}

// Types `text` into the histogram's "keep the top" box as a curator does, then presses Enter.
void typeTopPercent(HistogramPanel *panel, const QString &text)
{
    auto *spin = panel->findChild<QDoubleSpinBox *>();
    QVERIFY(spin);
    spin->setFocus();
    spin->selectAll();
    QTest::keyClicks(spin, text);
    QTest::keyClick(spin, Qt::Key_Return);
}

// A run of `n` samples "s0".. with utilities `base - i` (all of them far below the demo run's).
int64_t addShiftedRun(ProjectStore &store, int n, double base, const std::string &name = "shifted")
{
    std::vector<ScoreRow> rows;
    for (int i = 0; i < n; ++i)
        rows.push_back({"s" + std::to_string(i), "", "ost", base - i});
    return uitest::addDoneRun(store, name, rows);
}

} // namespace

class TestCuratorDesk : public QObject {
    Q_OBJECT
    static constexpr int N = 12;
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("OST Curator Tests"));
        QCoreApplication::setApplicationName(QStringLiteral("curatordesk"));
        QSettings().clear();
    }

    // Item 1: the cut is "the top P %" of one project's run, not a utility carried between datasets.
    void cutBelongsToTheProjectAndRun()
    {
        QTemporaryDir a, b;
        const QString pathA = uitest::writeDataset(a.path(), N);
        const QString pathB = uitest::writeDataset(b.path(), 8);
        {
            auto store = ProjectStore::open(ProjectStore::defaultPathFor(pathA.toStdString()));
            QVERIFY(store.ok());
            QVERIFY(uitest::addFakeRun(*store.value(), N) > 0); // 1.25 .. -2.05
            auto storeB = ProjectStore::open(ProjectStore::defaultPathFor(pathB.toStdString()));
            QVERIFY(storeB.ok());
            QVERIFY(addShiftedRun(*storeB.value(), 8, -10.0) > 0); // -10 .. -17: below any cut of A
        }
        MainWindow w;
        QVERIFY(showAndOpen(w, pathA));
        HistogramPanel *panel = w.histogramPanel();
        QTRY_VERIFY(panel->histogram()->hasValues());
        typeTopPercent(panel, QStringLiteral("25"));
        QCOMPARE(panel->histogram()->keptCount(), 3);
        QCOMPARE(panel->topPercent(), 25.0);

        // another dataset starts from its own (default) share, never from A's utility
        QVERIFY(showAndOpen(w, pathB));
        QTRY_COMPARE(panel->histogram()->totalCount(), 8);
        QCOMPARE(panel->topPercent(), 50.0);
        QCOMPARE(panel->histogram()->keptCount(), 4);
        {
            std::unique_ptr<ExportDialog> d(w.createExportDialog());
            QCOMPARE(d->policy().mode, ExportPolicy::Mode::TopPercent);
            QCOMPARE(d->policy().topPercent, 50.0);
            // and says where it starts from: the run shown and the histogram's cut
            auto *origin = d->findChild<QLabel *>(QStringLiteral("exportOrigin"));
            QVERIFY(origin);
            QVERIFY2(origin->text().contains(QStringLiteral("shifted")), qPrintable(origin->text()));
            QVERIFY2(origin->text().contains(QStringLiteral("50.0 %")), qPrintable(origin->text()));
        }

        // back to A: its cut is remembered in its project
        QVERIFY(showAndOpen(w, pathA));
        QTRY_COMPARE(panel->histogram()->totalCount(), N);
        QCOMPARE(panel->topPercent(), 25.0);
        QCOMPARE(panel->histogram()->keptCount(), 3);

        // a new run of A (other utilities) keeps the share, not the old utility
        const int64_t run2 = addShiftedRun(w.session()->store(), N, -100.0, "second");
        QVERIFY(run2 > 0);
        w.session()->reloadScores();
        QTRY_COMPARE(w.session()->scores().runId, run2);
        QTRY_COMPARE(panel->histogram()->maxValue(), -100.0);
        QCOMPARE(panel->topPercent(), 25.0);
        QCOMPARE(panel->histogram()->keptCount(), 3);
        std::unique_ptr<ExportDialog> d(w.createExportDialog());
        QCOMPARE(d->policy().topPercent, 25.0);
        auto *origin = d->findChild<QLabel *>(QStringLiteral("exportOrigin"));
        QVERIFY(origin);
        QVERIFY2(origin->text().contains(QStringLiteral("second")), qPrintable(origin->text()));
    }

    // Item 3: a malformed line is a row with its line number and the error, counted and filterable.
    void unreadableLinesAreRows()
    {
        QTemporaryDir dir;
        const QString path = uitest::writeDataset(dir.path(), 6);
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::Append));
            f.write("{\"id\": \"broken\", \"messages\": [\n"); // line 7
        }
        MainWindow w;
        QVERIFY(showAndOpen(w, path));
        QCOMPARE(w.session()->size(), 6);
        QCOMPARE(w.proxy()->rowCount(), 7);
        QTRY_VERIFY2(w.countsText().contains(QStringLiteral("1 unreadable line")), qPrintable(w.countsText()));
        QVERIFY2(w.countsText().contains(QStringLiteral("1 with problems")), qPrintable(w.countsText()));
        SampleFilter f;
        f.validation = SampleFilter::Validation::Problems;
        w.proxy()->setFilter(f);
        QCOMPARE(w.proxy()->rowCount(), 1);
        const QString id = w.proxy()->index(0, SampleTableModel::ColId).data().toString();
        QVERIFY2(id.contains(QStringLiteral("line 7")), qPrintable(id));
        const QString problem = w.proxy()->index(0, SampleTableModel::ColProblems).data().toString();
        QVERIFY2(problem.contains(QStringLiteral("malformed JSON")), qPrintable(problem));
        QVERIFY(w.proxy()->index(0, SampleTableModel::ColId).data(SampleTableModel::UnreadableRole).toBool());
        QVERIFY(!w.proxy()->index(0, SampleTableModel::ColId).data(SampleTableModel::HarmfulRole).toBool());
        // every column can be painted and sorted with it in the table
        w.proxy()->setFilter({});
        for (int c = 0; c < SampleTableModel::ColumnCount; ++c) {
            w.table()->sortByColumn(c, Qt::AscendingOrder);
            for (int role : {int(Qt::DisplayRole), int(Qt::DecorationRole), int(Qt::ToolTipRole),
                             int(SampleTableModel::SortRole), int(SampleTableModel::CaptionRole)})
                for (int r = 0; r < w.proxy()->rowCount(); ++r)
                    w.proxy()->index(r, c).data(role);
        }
        // deciding on it is refused quietly (there is no sample), deciding on the rest works
        QVERIFY(w.bulkDecide(w.proxy()->visibleSampleIndices(), int(Decision::Drop), false));
        QCOMPARE(w.session()->store().decisions().size(), size_t(6));
    }

    // Item 6: a new run without scores yet does not blank the scores of the last one.
    void newRunKeepsTheLastScoresOnScreen()
    {
        QTemporaryDir dir;
        const QString path = uitest::writeDataset(dir.path(), N);
        int64_t run1 = 0;
        {
            auto store = ProjectStore::open(ProjectStore::defaultPathFor(path.toStdString()));
            QVERIFY(store.ok());
            run1 = uitest::addFakeRun(*store.value(), N);
            QVERIFY(run1 > 0);
        }
        MainWindow w;
        QVERIFY(showAndOpen(w, path));
        QCOMPARE(w.session()->scores().runId, run1);
        RunInfo info;
        info.name = "new run";
        info.status = "running";
        info.settingsJson = "{}";
        auto run2 = w.session()->store().createRun(info);
        QVERIFY(run2.ok());
        w.session()->reloadScores();
        QTRY_VERIFY(!w.session()->isReloadingScores());
        QCOMPARE(w.session()->scores().runId, run1);
        QCOMPARE(w.session()->scores().scoredCount, N);
        QTRY_VERIFY2(w.countsText().contains(QStringLiteral("run %1 has no scores yet").arg(run2.value())),
                     qPrintable(w.countsText()));
        QCOMPARE(w.histogramPanel()->histogram()->totalCount(), N);
        // its first scores replace the old run's
        QVERIFY(w.session()->store().addScores(run2.value(), {{"s0", "", "ost", 0.5}}).ok());
        w.session()->reloadScores();
        QTRY_COMPARE(w.session()->scores().runId, run2.value());
        QCOMPARE(w.session()->scores().scoredCount, 1);
        QTRY_VERIFY2(!w.countsText().contains(QStringLiteral("no scores yet")), qPrintable(w.countsText()));
        // a newest run that ended without a score says how it ended, not "yet"
        info.name = "failed run";
        info.status = "failed";
        auto run3 = w.session()->store().createRun(info);
        QVERIFY(run3.ok());
        w.session()->reloadScores();
        QTRY_VERIFY2(w.countsText().contains(QStringLiteral("run %1, failed, has no scores").arg(run3.value())),
                     qPrintable(w.countsText()));
        QCOMPARE(w.session()->scores().runId, run2.value());
    }

    // Item 9: focus starts in the table, "?" shows every key, Ctrl+Z undoes a decision from the
    // search field when that has nothing of its own to undo.
    void shortcutsWorkWhereverFocusIs()
    {
        QTemporaryDir dir;
        const QString path = uitest::writeDataset(dir.path(), N);
        MainWindow w;
        QVERIFY(showAndOpen(w, path));
        w.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        QCOMPARE(w.focusWidget(), static_cast<QWidget *>(w.table()));

        QTest::keyClick(w.table(), Qt::Key_Question);
        QTRY_VERIFY(w.findChild<QDialog *>(QStringLiteral("shortcutOverlay")));
        auto *overlay = w.findChild<QDialog *>(QStringLiteral("shortcutOverlay"));
        QTRY_VERIFY(overlay->isVisible());
        QString page;
        for (QLabel *l : overlay->findChildren<QLabel *>())
            page += l->text();
        for (const QString &key : {QStringLiteral("Ctrl+Z"), QStringLiteral("Ctrl+E"), QStringLiteral("Review harmful"),
                                   QStringLiteral("Ctrl+Shift+K")})
            QVERIFY2(page.contains(key), qPrintable(key));
        overlay->close();
        w.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&w));

        QVERIFY(w.bulkDecide({0}, int(Decision::Drop), false));
        QCOMPARE(w.session()->decision(0), Decision::Drop);
        auto *search = w.filterBar()->findChild<QLineEdit *>();
        QVERIFY(search);
        search->setFocus();
        QTest::keyClick(search, Qt::Key_Question); // typed, not the overlay
        QCOMPARE(search->text(), QStringLiteral("?"));
        QVERIFY(!overlay->isVisible());
        search->setText(QString()); // as a fresh field: nothing of its own to undo
        QTest::keyClick(search, Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(w.session()->decision(0), Decision::Auto);
    }

    // Item 10: keep/drop everything the filter shows: the menu says how many, one undo step.
    void bulkOnEverythingShown()
    {
        QTemporaryDir dir;
        const QString path = uitest::writeDataset(dir.path(), N);
        {
            auto store = ProjectStore::open(ProjectStore::defaultPathFor(path.toStdString()));
            QVERIFY(store.ok());
            QVERIFY(uitest::addFakeRun(*store.value(), N) > 0);
        }
        MainWindow w;
        QVERIFY(showAndOpen(w, path));
        SampleFilter f;
        f.harmful = SampleFilter::Harmful::Only;
        w.proxy()->setFilter(f);
        QTRY_COMPARE(w.proxy()->rowCount(), 7);
        auto *drop = w.findChild<QAction *>(QStringLiteral("dropAllShown"));
        QVERIFY(drop);
        QTRY_VERIFY2(drop->text().contains(QStringLiteral("7")), qPrintable(drop->text()));
        const int steps = w.session()->undoStack()->count();
        QTimer::singleShot(0, [] { // answer the confirmation
            if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget()))
                box->button(QMessageBox::Yes)->click();
        });
        drop->trigger();
        QCOMPARE(w.session()->store().decisions().size(), size_t(7));
        QCOMPARE(w.session()->undoStack()->count(), steps + 1);
        w.session()->undoStack()->undo();
        QVERIFY(w.session()->store().decisions().empty());
    }

    // Item 11: the harmful threshold is set in the app (kept per run); unscored rows sort last in
    // both directions; the Question column sorts.
    void thresholdAndSorting()
    {
        QTemporaryDir dir;
        const QString path = uitest::writeDataset(dir.path(), N);
        {
            auto store = ProjectStore::open(ProjectStore::defaultPathFor(path.toStdString()));
            QVERIFY(store.ok());
            QVERIFY(uitest::addFakeRun(*store.value(), N, 8) > 0); // s8..s11 unscored
        }
        {
            MainWindow w;
            QVERIFY(showAndOpen(w, path));
            for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
                w.table()->sortByColumn(SampleTableModel::ColUtility, order);
                for (int r = 0; r < N; ++r) {
                    const bool scored = !w.proxy()->index(r, SampleTableModel::ColUtility).data().toString().isEmpty();
                    QVERIFY2(scored == (r < 8), qPrintable(QStringLiteral("order %1 row %2").arg(int(order)).arg(r)));
                }
            }
            w.table()->sortByColumn(SampleTableModel::ColQuestion, Qt::DescendingOrder);
            QStringList shown;
            for (int r = 0; r < N; ++r)
                shown << w.proxy()->index(r, SampleTableModel::ColQuestion).data().toString();
            for (int r = 1; r < N; ++r)
                QVERIFY2(QString::compare(shown[r - 1], shown[r], Qt::CaseInsensitive) >= 0, qPrintable(shown.join('|')));
            // each record parsed once for all three text sorts, not twice per comparison (MATH-V's
            // 15,360 samples took 12 s to sort by Question)
            w.table()->sortByColumn(SampleTableModel::ColAnswer, Qt::AscendingOrder);
            w.table()->sortByColumn(SampleTableModel::ColAnswerLength, Qt::AscendingOrder);
            QCOMPARE(w.sampleModel()->sortParses(), int64_t(N));
            QVERIFY(w.proxy()->index(0, SampleTableModel::ColAnswerLength).data().toLongLong() <=
                    w.proxy()->index(N - 1, SampleTableModel::ColAnswerLength).data().toLongLong());

            QTRY_VERIFY(w.countsText().contains(QStringLiteral("3 harmful"))); // s5, s6, s7 below 0
            auto *field = w.histogramPanel()->findChild<QLineEdit *>(QStringLiteral("harmfulThreshold"));
            QVERIFY(field);
            field->setFocus();
            field->selectAll();
            QTest::keyClicks(field, QStringLiteral("0.5"));
            QTest::keyClick(field, Qt::Key_Return);
            QCOMPARE(w.session()->scores().harmfulThreshold, 0.5);
            QTRY_VERIFY2(w.countsText().contains(QStringLiteral("5 harmful")), qPrintable(w.countsText()));
            QCOMPARE(w.histogramPanel()->histogram()->harmfulCount(), 5);
        }
        MainWindow w; // kept in the project for that run
        QVERIFY(showAndOpen(w, path));
        QCOMPARE(w.session()->scores().harmfulThreshold, 0.5);
    }

    // Item 5: a run that ostc started with a relative --reference (relative to the folder ostc ran
    // in) is continued from the app started elsewhere; a moved reference file can be pointed to.
    // Item 12: a new run proposes the reference*.jsonl beside the dataset.
    void referenceFileOfARun()
    {
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("mathv")));
        const QString path = uitest::writeDataset(dir.filePath(QStringLiteral("mathv")), 6);
        const QString ref = dir.filePath(QStringLiteral("mathv/reference.jsonl"));
        QVERIFY(QFile::copy(path, ref));
        {
            MainWindow w;
            QVERIFY(showAndOpen(w, path));
            std::unique_ptr<ScoringDialog> d(w.createScoringDialog());
            QCOMPARE(QString::fromStdString(d->settings().referencePath), ref);
            QVERIFY2(noteOf(d.get()).contains(QStringLiteral("beside the dataset")), qPrintable(noteOf(d.get())));
        }
        {
            auto store = ProjectStore::open(ProjectStore::defaultPathFor(path.toStdString()));
            QVERIFY(store.ok());
            RunSettings settings;
            settings.referencePath = "mathv/reference.jsonl"; // as `ostc score` stored it, run from dir
            RunInfo info;
            info.name = "from ostc";
            info.status = "cancelled";
            info.settingsJson = settings.toJson();
            QVERIFY(store.value()->createRun(info).ok());
        }
        QVERIFY(QDir::current().absolutePath() != dir.path()); // the app runs elsewhere
        MainWindow w;
        QVERIFY(showAndOpen(w, path));
        {
            std::unique_ptr<ScoringDialog> d(w.createScoringDialog());
            QVERIFY(d->resumeRunId());
            QCOMPARE(QString::fromStdString(d->settings().referencePath), ref);
            QVERIFY(d->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->isEnabled());
        }
        // moved away: Run waits until the curator points to it
        const QString moved = dir.filePath(QStringLiteral("reference-v2.jsonl"));
        QVERIFY(QFile::rename(ref, moved));
        std::unique_ptr<ScoringDialog> d(w.createScoringDialog());
        QVERIFY(d->resumeRunId());
        QPushButton *run = d->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        QVERIFY(!run->isEnabled());
        QVERIFY2(noteOf(d.get()).contains(QStringLiteral("not there")), qPrintable(noteOf(d.get())));
        QLineEdit *field = nullptr;
        for (QLineEdit *e : d->findChildren<QLineEdit *>())
            if (e->text().endsWith(QStringLiteral("reference.jsonl")))
                field = e;
        QVERIFY(field);
        QVERIFY(field->isEnabled());
        field->setText(moved);
        QVERIFY(run->isEnabled());
        QCOMPARE(QString::fromStdString(d->settings().referencePath), moved);
        QVERIFY(d->resumeRunId());
    }

    // Item 13: every gallery item on screen, the partly visible last row included, shows its
    // thumbnail (read from what is on screen, not from a fresh grab, which would paint it anew).
    void galleryThumbnailsOfThePartlyVisibleRow()
    {
        QTemporaryDir dir;
        const QString path = uitest::writeDataset(dir.path(), 40);
        MainWindow w;
        QVERIFY(showAndOpen(w, path));
        w.showView(MainWindow::View::Gallery);
        QListView *gallery = nullptr;
        for (QListView *v : w.findChildren<QListView *>())
            if (v->viewMode() == QListView::IconMode)
                gallery = v;
        QVERIFY(gallery);
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const auto check = [&](QString *why) {
            const QImage shot = QGuiApplication::primaryScreen()->grabWindow(w.winId()).toImage();
            if (shot.isNull()) {
                *why = QStringLiteral("no screen grab");
                return false;
            }
            const qreal dpr = shot.devicePixelRatio();
            int partly = 0, checked = 0;
            for (int r = 0; r < gallery->model()->rowCount(); ++r) {
                const QModelIndex index = gallery->model()->index(r, gallery->modelColumn());
                const QRect item = gallery->visualRect(index);
                const QPoint centre(item.center().x(), item.top() + 3 + 5 + 64); // the image's middle
                if (!gallery->viewport()->rect().contains(centre))
                    continue;
                const int sample = index.data(SampleTableModel::SampleIndexRole).toInt();
                if (sample % 4 == 3)
                    continue; // text only
                partly += !gallery->viewport()->rect().contains(item);
                ++checked;
                const QPoint at = gallery->viewport()->mapTo(&w, centre) * dpr;
                const QColor got = shot.pixelColor(at), want = QColor::fromHsv((sample * 37) % 360, 200, 220);
                if (std::abs(got.red() - want.red()) > 16 || std::abs(got.green() - want.green()) > 16 ||
                    std::abs(got.blue() - want.blue()) > 16) {
                    *why = QStringLiteral("s%1 (item %2 of the view, %3) shows %4, not its image %5")
                               .arg(sample)
                               .arg(r)
                               .arg(gallery->viewport()->rect().contains(item) ? "whole" : "partly visible")
                               .arg(got.name(), want.name());
                    return false;
                }
            }
            *why = QStringLiteral("%1 checked, %2 partly visible").arg(checked).arg(partly);
            return checked > 0 && partly > 0;
        };
        QString why;
        QTRY_VERIFY2_WITH_TIMEOUT(check(&why), qPrintable(why), 10000);
    }
};

QTEST_MAIN(TestCuratorDesk)
#include "tst_curatordesk.moc"
