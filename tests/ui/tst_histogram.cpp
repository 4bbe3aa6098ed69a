// The utility histogram (Qt Charts): the keep count of a cut, the top-k% spinner and the dragged
// cut line staying in sync, harmful bins apart from useful ones, and the empty state.
#include "ui/widgets/HistogramPanel.h"
#include "ui/widgets/HistogramWidget.h"

#include <QCategoryAxis>
#include <QChartView>
#include <QDoubleSpinBox>
#include <QtTest>

#include <cmath>
#include <numeric>

using namespace ost::ui;

class TestHistogram : public QObject {
    Q_OBJECT

    // -0.20, -0.19, ..., 0.79: 100 values, 20 of them below 0.
    static std::vector<double> values()
    {
        std::vector<double> v(100);
        for (int i = 0; i < 100; ++i)
            v[size_t(i)] = -0.2 + 0.01 * i;
        return v;
    }

private Q_SLOTS:
    void keepCountOfACut()
    {
        HistogramWidget h;
        QVERIFY(!h.hasValues());
        QVERIFY(h.summaryText().isEmpty());
        std::vector<double> v = values();
        v.push_back(std::nan("")); // unscored samples are not counted
        h.setValues(v, 0.0);
        QCOMPARE(h.totalCount(), 100);
        QCOMPARE(h.harmfulCount(), 20);
        h.setCut(0.5 - 1e-9);
        QCOMPARE(h.keptCount(), 30); // 0.50 .. 0.79
        h.setCut(-1.0);
        QCOMPARE(h.keptCount(), 100);
        h.setCut(1.0);
        QCOMPARE(h.keptCount(), 0);
        h.setCutToTopPercent(25);
        QCOMPARE(h.keptCount(), 25);
        QVERIFY(std::fabs(h.cut() - 0.55) < 1e-9);
        h.setCutToTopPercent(0);
        QCOMPARE(h.keptCount(), 0);
        h.setCutToTopPercent(100);
        QCOMPARE(h.keptCount(), 100);
        QVERIFY(h.summaryText().contains(QStringLiteral("keeps 100 of 100")));
        QVERIFY(h.summaryText().contains(QStringLiteral("20 harmful")));
        QVERIFY(!h.summaryText().contains(QStringLiteral("over half")));
        h.setValues(values(), 0.295); // 50 of 100 below: not over half
        QVERIFY(!h.summaryText().contains(QStringLiteral("over half")));
        h.setValues(values(), 0.305); // 51 below: the sign no longer separates anything
        QCOMPARE(h.harmfulCount(), 51);
        QVERIFY(h.summaryText().contains(QStringLiteral("over half")));
    }

    // x labels sit at round multiples of one step, 0 among them; Qt's value axis summed its steps and
    // printed the demo's 0 as "-5.55e-17".
    void axisLabelsAreRound()
    {
        HistogramWidget h;
        std::vector<double> v;
        for (int i = 0; i < 400; ++i)
            v.push_back(i < 100 ? -0.6 + 0.006 * i : 0.0018 * (i - 100) / 300.0);
        h.setValues(v, 0.0);
        auto *view = h.findChild<QChartView *>();
        QVERIFY(view);
        const auto axes = view->chart()->axes(Qt::Horizontal);
        QCOMPARE(axes.size(), 1);
        auto *x = qobject_cast<QCategoryAxis *>(axes.front());
        QVERIFY(x);
        const QStringList labels = x->categoriesLabels();
        QVERIFY2(labels.size() >= 3, qPrintable(labels.join(' ')));
        QVERIFY2(labels.contains(QStringLiteral("0")), qPrintable(labels.join(' ')));
        for (const QString &l : labels)
            QVERIFY2(!l.contains(QLatin1Char('e')), qPrintable(l));
    }

    void harmfulBinsAreSeparate()
    {
        HistogramWidget h;
        h.setValues(values(), 0.0);
        const std::vector<int64_t> red = h.harmfulBins(), blue = h.usefulBins();
        QCOMPARE(int(red.size()), HistogramWidget::kBins);
        // a bin edge sits on the threshold: exactly the 20 negative values are red
        QCOMPARE(std::accumulate(red.begin(), red.end(), int64_t(0)), int64_t(20));
        QCOMPARE(std::accumulate(blue.begin(), blue.end(), int64_t(0)), int64_t(80));
        for (size_t b = 0; b < red.size(); ++b)
            QVERIFY(red[b] == 0 || blue[b] == 0);
        // a raised threshold turns more bins red
        h.setValues(values(), 0.3);
        const std::vector<int64_t> red2 = h.harmfulBins();
        QCOMPARE(std::accumulate(red2.begin(), red2.end(), int64_t(0)), int64_t(50));
    }

    void spinnerAndDraggedCutStayInSync()
    {
        HistogramPanel panel;
        panel.resize(700, 220);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        auto *spin = panel.findChild<QDoubleSpinBox *>();
        QVERIFY(spin);
        QVERIFY(!spin->isEnabled()); // nothing to cut yet
        panel.setValues(values(), 0.0);
        QVERIFY(spin->isEnabled());
        HistogramWidget *h = panel.histogram();
        // the first values arrive with the spinner's default: the top 50% kept
        QCOMPARE(h->keptCount(), 50);
        QVERIFY(panel.summaryText().contains(QStringLiteral("keeps 50 of 100")));

        spin->setValue(10);
        QCOMPARE(h->keptCount(), 10);
        QVERIFY(panel.summaryText().contains(QStringLiteral("keeps 10 of 100")));

        // Drag the cut line from where it is to utility 0.0 (then 0.2): the spinner follows.
        QApplication::processEvents();
        QWidget *viewport = h->chartView()->viewport();
        const QPoint from = h->viewportPosOf(h->cut());
        const QPoint to = h->viewportPosOf(0.0);
        QVERIFY(from.x() > to.x());
        QTest::mousePress(viewport, Qt::LeftButton, {}, from);
        QMouseEvent move(QEvent::MouseMove, QPointF(to), viewport->mapToGlobal(QPointF(to)), Qt::NoButton,
                         Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(viewport, &move);
        QTest::mouseRelease(viewport, Qt::LeftButton, {}, to);
        // pixel resolution: the cut lands within one value step of 0.0
        QVERIFY2(std::fabs(h->cut()) < 0.011, qPrintable(QString::number(h->cut())));
        QVERIFY(h->keptCount() >= 79 && h->keptCount() <= 81);
        QCOMPARE(spin->value(), double(h->keptCount()));
        QVERIFY(panel.summaryText().contains(QStringLiteral("keeps %1 of 100").arg(h->keptCount())));

        // A press past the left end of the axis keeps everything, past the right end nothing.
        const QRect vr = viewport->rect();
        QTest::mouseClick(viewport, Qt::LeftButton, {}, QPoint(1, vr.height() / 2));
        QCOMPARE(h->keptCount(), 100);
        QCOMPARE(spin->value(), 100.0);
        QTest::mouseClick(viewport, Qt::LeftButton, {}, QPoint(vr.width() - 2, vr.height() / 2));
        QCOMPARE(h->keptCount(), 0);
        QCOMPARE(spin->value(), 0.0);
    }

    // Typing "20" on 160 values: the box keeps what is typed (no keyboard tracking, no rewrite from
    // the cut), and the cut moves once, on Enter. It used to move per key and rewrite 20 as 10.6 %.
    void typingIsNotRewritten()
    {
        HistogramPanel panel;
        panel.show();
        std::vector<double> v(160);
        for (int i = 0; i < 160; ++i)
            v[size_t(i)] = 0.001 * i * i - 3.0; // uneven spacing, like real utilities
        panel.setValues(v, 0.0);
        auto *spin = panel.findChild<QDoubleSpinBox *>();
        QVERIFY(spin);
        HistogramWidget *h = panel.histogram();
        const int64_t before = h->keptCount();
        spin->setFocus();
        spin->selectAll();
        QTest::keyClick(spin, Qt::Key_2);
        QVERIFY2(spin->text().startsWith(QStringLiteral("2")), qPrintable(spin->text()));
        QTest::keyClick(spin, Qt::Key_0);
        QVERIFY2(spin->text().startsWith(QStringLiteral("20")), qPrintable(spin->text()));
        QCOMPARE(h->keptCount(), before); // not committed yet
        QTest::keyClick(spin, Qt::Key_Return);
        QCOMPARE(spin->value(), 20.0);
        QCOMPARE(h->keptCount(), 32);
        QCOMPARE(panel.topPercent(), 20.0);
        QVERIFY2(spin->text().startsWith(QStringLiteral("20.0")), qPrintable(spin->text()));
        // new values (scores arriving) do not touch the box either
        v.push_back(5.0);
        panel.setValues(v, 0.0);
        QCOMPARE(spin->value(), 20.0);
        QVERIFY(!spin->keyboardTracking());
    }

    // The share is of the run's scored samples: a filter changes the bars, not the cut.
    void filteringKeepsTheCut()
    {
        HistogramPanel panel;
        panel.setValues(values(), 0.0);
        panel.setTopPercent(20);
        const double cut = panel.histogram()->cut();
        std::vector<double> v = values();
        v.resize(50); // -0.20 .. 0.29 shown, the run still has all 100
        panel.setRunValues(values());
        panel.setValues(v, 0.0);
        QCOMPARE(panel.histogram()->cut(), cut);
        QCOMPARE(panel.histogram()->keptCount(), 0);
        QCOMPARE(panel.topPercent(), 20.0);
        // no values: the empty state
        panel.setValues({}, 0.0);
        QVERIFY(!panel.histogram()->hasValues());
        QVERIFY(panel.summaryText().isEmpty());
    }

    // Item 8: the x axis spans the data, not 0 and the data (data on one side of the threshold
    // filled a third of the plot).
    void rangeFromTheData()
    {
        HistogramWidget h;
        std::vector<double> v;
        for (int i = 0; i < 100; ++i)
            v.push_back(0.5 + 0.004 * i); // 0.5 .. 0.896, threshold 0 far left
        h.setValues(v, 0.0);
        auto *x = qobject_cast<QCategoryAxis *>(h.chartView()->chart()->axes(Qt::Horizontal).front());
        QVERIFY(x);
        QVERIFY2(x->min() > 0.45, qPrintable(QString::number(x->min())));
        QVERIFY(x->max() > 0.89 && x->max() < 0.95);
        for (double &u : v)
            u -= 2.0; // every sample harmful
        h.setValues(v, 0.0);
        QVERIFY2(x->max() < -1.0, qPrintable(QString::number(x->max())));
    }

    // ... and the kept side of the cut is shaded, which says it even when every bar is red.
    void keptSideShaded()
    {
        HistogramWidget h;
        std::vector<double> v;
        for (int i = 0; i < 100; ++i)
            v.push_back(-2.0 + 0.004 * i);
        h.setValues(v, 0.0);
        QCOMPARE(h.harmfulCount(), 100);
        h.setCutToTopPercent(30);
        const auto band = h.keptBand();
        QCOMPARE(band.first, h.cut());
        QCOMPARE(band.second, h.plotMax());
        QVERIFY(band.second > band.first);
        h.setCutToTopPercent(0);
        QVERIFY(h.keptBand().first > h.maxValue()); // nothing kept: the band starts right of every value
    }
};

QTEST_MAIN(TestHistogram)
#include "tst_histogram.moc"
