// "Why this sample" and the reference-set view on a run with stored per-reference attributions
// (written as an exact run stores them, core/ost/Attribution.h): the sentence, one bar per reference
// sorted most hurt first, bars per group of a reference field, a click on a bar opening that
// reference problem with its question and answer, and the helped / hurt counts per reference. A
// sample without stored values offers "Explain (runs one step, ~N s)", which runs in the background
// (the panel stays responsive and says so) and ends with the bars or a message naming the problem.
#include "UiTestData.h"

#include "core/ost/Attribution.h"
#include "core/ost/RunSettings.h"

#include "ui/dialogs/ReferenceDialog.h"
#include "ui/models/SampleTableModel.h"
#include "ui/models/ThumbnailCache.h"
#include "ui/session/AttributionSource.h"
#include "ui/session/DatasetOpener.h"
#include "ui/session/ProjectSession.h"
#include "ui/widgets/AttributionChart.h"
#include "ui/widgets/ReferenceSetPanel.h"
#include "ui/widgets/WhyPanel.h"

#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QtTest>

#include <memory>

using namespace ost;
using namespace ost::ui;

namespace {

constexpr int N = 6;
const std::vector<std::string> kRefs = {"ref/a", "ref/b", "ref/c", "ref/d"};
const char *kSubjects[] = {"geometry", "algebra", "geometry", "counting"};

// ΔL_v of sample i on reference v: sample 0 helps a, b, c and hurts d most; sample 4 stores none.
double delta(int i, size_t v)
{
    static const double base[] = {0.30, 0.10, 0.05, -0.21};
    return base[v] * (1.0 - 0.4 * i) + (v == 1 ? -0.02 * i : 0.0);
}

QString writeReferences(const QString &dir)
{
    QFile f(dir + QStringLiteral("/ref.jsonl"));
    if (!f.open(QIODevice::WriteOnly))
        return {};
    for (size_t v = 0; v < kRefs.size(); ++v) {
        QJsonObject rec = uitest::messagesRecord(QString::fromStdString(kRefs[v]),
                                                 QStringLiteral("Reference question %1?").arg(v),
                                                 QStringLiteral("Reference answer %1.").arg(v));
        rec[QStringLiteral("subject")] = QString::fromLatin1(kSubjects[v]);
        f.write(QJsonDocument(rec).toJson(QJsonDocument::Compact) + '\n');
    }
    return f.fileName();
}

} // namespace

class TestWhyPanel : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<ProjectSession> m_session;
    SampleTableModel *m_model = nullptr;
    int64_t m_run = 0;

    AttributionSource *source() const { return m_session->attributions(); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString path = uitest::writeDataset(m_dir.path(), N);
        const QString refs = writeReferences(m_dir.path());
        QVERIFY(!path.isEmpty() && !refs.isEmpty());
        OpenedProject opened = openProject(path);
        QVERIFY2(opened.error.isEmpty(), qPrintable(opened.error));
        RunSettings settings;
        settings.referencePath = refs.toStdString();
        settings.warmupFraction = 0;
        ost::RunInfo info;
        info.name = "exact run";
        info.status = "done";
        info.model = "builtin-tiny";
        info.settingsJson = settings.toJson();
        auto run = opened.store->createRun(info);
        QVERIFY(run.ok());
        m_run = run.value();
        std::vector<ScoreRow> rows;
        std::map<std::string, std::vector<double>> stored;
        for (int i = 0; i < N; ++i) {
            std::vector<double> d;
            double mean = 0;
            for (size_t v = 0; v < kRefs.size(); ++v) {
                d.push_back(delta(i, v));
                mean += d.back() / double(kRefs.size());
            }
            rows.push_back({"s" + std::to_string(i), "", "ost", mean});
            if (i != 4)
                stored["s" + std::to_string(i)] = d;
        }
        QVERIFY(opened.store->addScores(m_run, rows).ok());
        QVERIFY(storeAttributions(*opened.store, m_run, kRefs, stored).ok());
        opened.scores = loadScoreSnapshot(*opened.dataset, *opened.store);
        QCOMPARE(opened.scores.runId, m_run);
        m_session = std::make_unique<ProjectSession>(opened.dataset, opened.store, opened.scores);
        m_model = new SampleTableModel(new ThumbnailCache(32, this), this);
        m_model->setSession(m_session.get());
    }

    void cleanupTestCase()
    {
        m_model->setSession(nullptr);
        m_session.reset();
    }

    void sentenceAndBarsPerReference()
    {
        WhyPanel panel(m_model);
        panel.resize(420, 500);
        panel.show();
        panel.showSample(0);
        QTRY_COMPARE(source()->state(0), AttributionSource::State::Ready);
        const QString sentence = panel.sentence()->text();
        // three of four lowered; ref/d is the one hurt (its loss rises by 0.21)
        QVERIFY2(sentence.contains(QStringLiteral("3 of 4")) && sentence.contains(QStringLiteral("ref/d")) &&
                     sentence.contains(QStringLiteral("+0.21")),
                 qPrintable(sentence));
        QVERIFY(!panel.explainButton()->isVisible());
        const auto &bars = panel.chart()->bars();
        QCOMPARE(int(bars.size()), 4);
        QCOMPARE(bars.front().key, QStringLiteral("ref/d")); // most hurt first
        QVERIFY(std::abs(bars.front().value - delta(0, 3)) < 1e-6); // stored as float32
        QCOMPARE(bars.back().key, QStringLiteral("ref/a"));
        double sum = 0;
        for (const auto &b : bars)
            sum += b.value;
        QVERIFY(std::abs(sum / 4 - m_session->scores().utilityAt(0)) < 1e-6); // the bars add up to the utility
    }

    void barsPerGroupOfAField()
    {
        WhyPanel panel(m_model);
        panel.show();
        panel.showSample(0);
        QTRY_VERIFY(source()->referencesLoaded());
        QVERIFY2(source()->referencesError().isEmpty(), qPrintable(source()->referencesError()));
        const int subject = panel.groupBy()->findData(QStringLiteral("subject"));
        QVERIFY(subject > 0);
        panel.groupBy()->setCurrentIndex(subject);
        const auto &bars = panel.chart()->bars();
        QCOMPARE(int(bars.size()), 3); // geometry (a, c), algebra (b), counting (d)
        QCOMPARE(bars.front().label, QStringLiteral("counting (1)")); // the most hurt group first
        QVERIFY(panel.sentence()->text().contains(QStringLiteral("counting")));
    }

    void clickOpensTheReference()
    {
        WhyPanel panel(m_model);
        panel.resize(420, 500);
        panel.show();
        panel.showSample(0);
        QTRY_VERIFY(source()->referencesLoaded());
        QTRY_COMPARE(int(panel.chart()->bars().size()), 4);
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QTest::mouseClick(panel.chart(), Qt::LeftButton, {}, panel.chart()->barRect(0).center());
        ReferenceDialog *dialog = panel.referenceDialog();
        QVERIFY(dialog);
        QVERIFY(dialog->isVisible());
        QCOMPARE(dialog->referenceId(), QStringLiteral("ref/d"));
        const QString text = dialog->conversation()->toPlainText();
        QVERIFY2(text.contains(QStringLiteral("Reference question 3?")) && text.contains(QStringLiteral("Reference answer 3.")),
                 qPrintable(text));
        dialog->close();
    }

    void referenceSetCountsHelpAndHurt()
    {
        ReferenceSetPanel panel(m_model);
        panel.show();
        QTRY_VERIFY(panel.balanceModel()->summary().has_value());
        const ReferenceSetSummary &s = *panel.balanceModel()->summary();
        QCOMPARE(s.samples, int64_t(N - 1)); // s4 stored none
        QCOMPARE(panel.balanceModel()->rowCount(), 4);
        // ref/a: helped by samples 0, 1, 2 (1 - 0.4 i > 0), hurt by 3 and 5
        for (int r = 0; r < 4; ++r) {
            const QModelIndex id = panel.balanceModel()->index(r, ReferenceBalanceModel::ColReference);
            if (id.data().toString() != QLatin1String("ref/a"))
                continue;
            QCOMPARE(id.siblingAtColumn(ReferenceBalanceModel::ColHelped).data().toLongLong(), 3);
            QCOMPARE(id.siblingAtColumn(ReferenceBalanceModel::ColHurt).data().toLongLong(), 2);
        }
        panel.table()->sortByColumn(ReferenceBalanceModel::ColHelped, Qt::DescendingOrder);
        const QAbstractItemModel *shown = panel.table()->model();
        QVERIFY(shown->index(0, ReferenceBalanceModel::ColHelped).data().toLongLong() >=
                shown->index(3, ReferenceBalanceModel::ColHelped).data().toLongLong());
        QVERIFY2(panel.summaryLabel()->text().contains(QStringLiteral("reference problems")),
                 qPrintable(panel.summaryLabel()->text()));
        // grouped by subject: the group column shows
        panel.groupBy()->setCurrentIndex(panel.groupBy()->findData(QStringLiteral("subject")));
        QVERIFY(!panel.table()->isColumnHidden(ReferenceBalanceModel::ColGroup));
        panel.openReference(0);
        QVERIFY(panel.referenceDialog() && panel.referenceDialog()->isVisible());
        panel.referenceDialog()->close();
    }

    void explainRunsInTheBackground()
    {
        WhyPanel panel(m_model);
        panel.show();
        panel.showSample(4);
        QTRY_COMPARE(source()->state(4), AttributionSource::State::NotStored);
        QVERIFY(panel.explainButton()->isVisible());
        QVERIFY2(panel.explainButton()->text().startsWith(QStringLiteral("Explain (runs one step, ~")),
                 qPrintable(panel.explainButton()->text()));
        QElapsedTimer clock;
        clock.start();
        QTest::mouseClick(panel.explainButton(), Qt::LeftButton);
        QVERIFY(clock.elapsed() < 2000); // the click returns at once: the step runs on a worker
        QCOMPARE(source()->state(4), AttributionSource::State::Computing);
        QVERIFY(!panel.explainButton()->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(source()->state(4) != AttributionSource::State::Computing, 180000);
        if (source()->state(4) == AttributionSource::State::Failed)
            QFAIL(qPrintable(QStringLiteral("on-demand attribution failed: ") + source()->error(4)));
        const Attribution *a = source()->attribution(4);
        QVERIFY(a);
        QCOMPARE(a->source, Attribution::Source::ComputedOnDemand);
        QCOMPARE(int(a->deltas.size()), 4);
        QCOMPARE(int(panel.chart()->bars().size()), 4);
        QVERIFY(panel.sentence()->isVisible());
    }
};

QTEST_MAIN(TestWhyPanel)
#include "tst_whypanel.moc"
