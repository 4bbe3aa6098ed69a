// Image checks on generated pictures with known answers: a blurred copy is blurry and the sharp one
// not, black is dark, white light, flat low information, 10:1 odd, 4x4 tiny; hashes of pixels and of
// appearance.
#include "core/check/ImageMeasures.h"

#include <QtTest>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>

using namespace ost;

namespace {

RgbImage fromMat(const cv::Mat &bgr)
{
    cv::Mat rgb;
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    RgbImage img;
    img.height = rgb.rows;
    img.width = rgb.cols;
    img.pixels.assign(rgb.datastart, rgb.dataend);
    return img;
}

// A diagram like MATH-V's: white paper, thin black lines and a label.
cv::Mat diagram(int w = 400, int h = 300, int seed = 0)
{
    cv::Mat m(h, w, CV_8UC3, cv::Scalar(255, 255, 255));
    cv::line(m, {20 + seed, 250}, {200, 30 + seed}, cv::Scalar(0, 0, 0), 2, cv::LINE_AA);
    cv::line(m, {200, 30 + seed}, {380 - seed, 250}, cv::Scalar(0, 0, 0), 2, cv::LINE_AA);
    cv::line(m, {20 + seed, 250}, {380 - seed, 250}, cv::Scalar(0, 0, 0), 2, cv::LINE_AA);
    cv::circle(m, {200, 180}, 40 + seed, cv::Scalar(0, 0, 0), 2, cv::LINE_AA);
    cv::putText(m, "ABC", {170, 290}, cv::FONT_HERSHEY_SIMPLEX, 0.8, cv::Scalar(0, 0, 0), 2, cv::LINE_AA);
    return m;
}

bool has(const std::vector<ImageIssue> &issues, ImageIssue i)
{
    return std::find(issues.begin(), issues.end(), i) != issues.end();
}

} // namespace

class TstImageChecks : public QObject {
    Q_OBJECT
    ImageThresholds t;

private Q_SLOTS:
    void cleanDiagramPassesEveryCheck()
    {
        const auto m = measureImage(fromMat(diagram()));
        const auto issues = imageIssues(m, t);
        QVERIFY2(issues.empty(), qPrintable(QString("flagged %1 (blur %2, brightness %3, entropy %4)")
                                                .arg(issues.empty() ? "" : imageIssueName(issues.front()).c_str())
                                                .arg(m.blur).arg(m.brightness).arg(m.entropy)));
        QCOMPARE(m.width, int64_t(400));
        QCOMPARE(m.height, int64_t(300));
        QCOMPARE(m.pixels, int64_t(120000));
    }

    void blurredCopyIsBlurryAndSharpIsNot()
    {
        const cv::Mat sharp = diagram();
        cv::Mat blurred;
        cv::GaussianBlur(sharp, blurred, cv::Size(0, 0), 4.0);
        const auto ms = measureImage(fromMat(sharp)), mb = measureImage(fromMat(blurred));
        QVERIFY2(ms.blur > 10 * mb.blur, qPrintable(QString("sharp %1, blurred %2").arg(ms.blur).arg(mb.blur)));
        QVERIFY(!has(imageIssues(ms, t), ImageIssue::Blurry));
        QVERIFY2(has(imageIssues(mb, t), ImageIssue::Blurry), qPrintable(QString("blurred %1").arg(mb.blur)));
        // A photo-like picture (noise) is sharp too; its blurred copy is not.
        cv::Mat noise(300, 300, CV_8UC3);
        cv::randu(noise, 0, 255);
        cv::Mat noiseBlurred;
        cv::GaussianBlur(noise, noiseBlurred, cv::Size(0, 0), 6.0);
        QVERIFY(!has(imageIssues(measureImage(fromMat(noise)), t), ImageIssue::Blurry));
        QVERIFY(has(imageIssues(measureImage(fromMat(noiseBlurred)), t), ImageIssue::Blurry));
    }

    void blackIsDarkWhiteIsLightFlatIsLowInformation()
    {
        const auto black = measureImage(fromMat(cv::Mat(100, 100, CV_8UC3, cv::Scalar(0, 0, 0))));
        const auto white = measureImage(fromMat(cv::Mat(100, 100, CV_8UC3, cv::Scalar(255, 255, 255))));
        const auto grey = measureImage(fromMat(cv::Mat(100, 100, CV_8UC3, cv::Scalar(128, 128, 128))));
        QCOMPARE(black.brightness, 0.0);
        QCOMPARE(white.brightness, 255.0);
        QVERIFY(has(imageIssues(black, t), ImageIssue::Dark));
        QVERIFY(!has(imageIssues(black, t), ImageIssue::Light));
        QVERIFY(has(imageIssues(white, t), ImageIssue::Light));
        QVERIFY(!has(imageIssues(white, t), ImageIssue::Dark));
        QCOMPARE(grey.entropy, 0.0);
        QVERIFY(has(imageIssues(grey, t), ImageIssue::LowInformation));
        QVERIFY(!has(imageIssues(grey, t), ImageIssue::Dark));
        QVERIFY(!has(imageIssues(grey, t), ImageIssue::Light));
        // Two equally common grey levels: exactly one bit.
        cv::Mat halves(100, 100, CV_8UC3, cv::Scalar(0, 0, 0));
        halves(cv::Rect(0, 0, 50, 100)).setTo(cv::Scalar(255, 255, 255));
        QVERIFY(std::abs(measureImage(fromMat(halves)).entropy - 1.0) < 1e-9);
    }

    void aspectAndSize()
    {
        const auto wide = measureImage(fromMat(diagram(1000, 100)));
        QCOMPARE(wide.aspect, 10.0);
        QVERIFY(has(imageIssues(wide, t), ImageIssue::OddAspect));
        const auto tall = measureImage(fromMat(diagram(90, 900)));
        QVERIFY(has(imageIssues(tall, t), ImageIssue::OddAspect));
        QVERIFY(!has(imageIssues(measureImage(fromMat(diagram(900, 100))), t), ImageIssue::OddAspect)); // 9:1
        const auto tiny = measureImage(fromMat(cv::Mat(4, 4, CV_8UC3, cv::Scalar(10, 200, 30))));
        QVERIFY(has(imageIssues(tiny, t), ImageIssue::Tiny));
        QVERIFY(!has(imageIssues(measureImage(fromMat(diagram(40, 40))), t), ImageIssue::Tiny));
        ImageThresholds small = t;
        small.maxPixels = 100 * 100;
        QVERIFY(has(imageIssues(measureImage(fromMat(diagram(200, 200))), small), ImageIssue::Huge));
        QVERIFY(!has(imageIssues(measureImage(fromMat(diagram(200, 200))), t), ImageIssue::Huge));
    }

    void pixelHashIsOfPixelsNotFiles()
    {
        const cv::Mat d = diagram();
        QTemporaryDir dir;
        const std::string png = dir.filePath("a.png").toStdString(), bmp = dir.filePath("b.bmp").toStdString();
        QVERIFY(cv::imwrite(png, d));
        QVERIFY(cv::imwrite(bmp, d));
        auto a = decodeImageFile(png), b = decodeImageFile(bmp);
        QVERIFY(a.ok() && b.ok());
        QCOMPARE(measureImage(a.value()).pixelHash, measureImage(b.value()).pixelHash);
        cv::Mat changed = d.clone();
        changed.at<cv::Vec3b>(10, 10) = cv::Vec3b(1, 2, 3);
        QVERIFY(measureImage(fromMat(changed)).pixelHash != measureImage(a.value()).pixelHash);
    }

    // A re-encoded, resized copy keeps its pHash within a few bits; another diagram does not.
    void perceptualHashSeesAppearance()
    {
        const cv::Mat d = diagram();
        cv::Mat smaller;
        cv::resize(d, smaller, cv::Size(300, 225), 0, 0, cv::INTER_AREA);
        std::vector<uchar> jpeg;
        cv::imencode(".jpg", smaller, jpeg, {cv::IMWRITE_JPEG_QUALITY, 70});
        const cv::Mat copy = cv::imdecode(jpeg, cv::IMREAD_COLOR);
        const uint64_t h = measureImage(fromMat(d)).perceptualHash;
        const int near = hammingDistance(h, measureImage(fromMat(copy)).perceptualHash);
        QVERIFY2(near <= 4, qPrintable(QString("copy at %1 bits").arg(near)));
        cv::Mat other(300, 400, CV_8UC3, cv::Scalar(255, 255, 255));
        cv::rectangle(other, {30, 30}, {150, 270}, cv::Scalar(0, 0, 0), 3);
        cv::line(other, {180, 40}, {380, 280}, cv::Scalar(0, 0, 0), 3);
        const int far = hammingDistance(h, measureImage(fromMat(other)).perceptualHash);
        QVERIFY2(far > 12, qPrintable(QString("other diagram at %1 bits").arg(far)));
    }

    // pHash is loose on sparse line drawings (MATH-V: a 3x3 and a 4x4 grid within 4 bits); the
    // thumbnails' correlation, which confirms a near match, tells them apart and keeps a real copy.
    void thumbnailCorrelationConfirmsCopies()
    {
        auto grid = [](int cells) {
            cv::Mat m(300, 300, CV_8UC3, cv::Scalar(255, 255, 255));
            for (int i = 0; i <= cells; ++i) {
                const int p = 10 + i * 280 / cells;
                cv::line(m, {p, 10}, {p, 290}, cv::Scalar(0, 0, 0), 2);
                cv::line(m, {10, p}, {290, p}, cv::Scalar(0, 0, 0), 2);
            }
            return m;
        };
        const auto three = measureImage(fromMat(grid(3))), four = measureImage(fromMat(grid(4)));
        cv::Mat copy;
        cv::resize(grid(3), copy, cv::Size(240, 240), 0, 0, cv::INTER_AREA);
        const auto small = measureImage(fromMat(copy));
        QCOMPARE(three.thumbnail.size(), size_t(32 * 32));
        const double same = thumbnailCorrelation(three, small), other = thumbnailCorrelation(three, four);
        QVERIFY2(same > 0.9, qPrintable(QString::number(same)));
        QVERIFY2(other < 0.9, qPrintable(QString::number(other)));
        const auto white = measureImage(fromMat(cv::Mat(50, 50, CV_8UC3, cv::Scalar(255, 255, 255))));
        const auto black = measureImage(fromMat(cv::Mat(50, 50, CV_8UC3, cv::Scalar(0, 0, 0))));
        QCOMPARE(thumbnailCorrelation(white, white), 1.0);
        QCOMPARE(thumbnailCorrelation(white, black), 0.0);
    }
};

QTEST_APPLESS_MAIN(TstImageChecks)
#include "tst_image_checks.moc"
