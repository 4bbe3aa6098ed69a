// The Qwen2-VL image processor against fixtures written by Hugging Face's Pillow-based processor
// (tools/gen_vision_fixtures.py): sizes, grids and pixel values must agree.
#include "core/vision/ImageProcessor.h"
#include "core/vision/PilResample.h"
#include "core/vision/internal/ImageTensors.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace ost;

namespace {

const QString kFixtures = QStringLiteral(OST_FIXTURE_DIR "/vision");

QJsonObject readJson(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

std::vector<float> readFloats(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QByteArray bytes = f.readAll();
    std::vector<float> out(static_cast<size_t>(bytes.size()) / sizeof(float));
    std::memcpy(out.data(), bytes.constData(), out.size() * sizeof(float)); // fixtures are little-endian
    return out;
}

ImageProcessor processorFor(int64_t minPixels, int64_t maxPixels)
{
    ImageProcessorConfig config;
    config.minPixels = minPixels;
    config.maxPixels = maxPixels;
    return ImageProcessor(config);
}

QString messageOf(const Result<ProcessedImage> &r)
{
    return r.ok() ? QString() : QString::fromStdString(r.error().message);
}

void writeBytes(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
}

} // namespace

class TstImageProcessor : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void matchesReference_data()
    {
        QTest::addColumn<QJsonObject>("entry");
        const QJsonObject expected = readJson(kFixtures + "/expected.json");
        QVERIFY2(!expected.isEmpty(), "tests/fixtures/vision/expected.json missing");
        for (const QJsonValue &v : expected["images"].toArray())
            QTest::newRow(qPrintable(v["image"].toString())) << v.toObject();
    }

    void matchesReference()
    {
        QFETCH(QJsonObject, entry);
        const ImageProcessor processor =
            processorFor(entry["min_pixels"].toInteger(), entry["max_pixels"].toInteger());
        auto result = processor.processFile((kFixtures + "/" + entry["image"].toString()).toStdString());
        QVERIFY2(result.ok(), qPrintable(messageOf(result)));
        const ProcessedImage &image = result.value();

        const QJsonArray grid = entry["grid_thw"].toArray();
        QCOMPARE(image.gridThw[0], grid[0].toInteger());
        QCOMPARE(image.gridThw[1], grid[1].toInteger());
        QCOMPARE(image.gridThw[2], grid[2].toInteger());
        QCOMPARE(image.rows, entry["rows"].toInteger());
        QCOMPARE(image.cols, entry["cols"].toInteger());
        QCOMPARE(image.tokenCount(), grid[0].toInteger() * grid[1].toInteger() * grid[2].toInteger() / 4);
        QCOMPARE(static_cast<int64_t>(image.pixelValues.size()), image.rows * image.cols);

        // The fixture holds the first temporal copy of each row: rows x 3 x 196.
        const std::vector<float> reference = readFloats(kFixtures + "/" + entry["values"].toString());
        const int64_t plane = 14 * 14;
        QCOMPARE(static_cast<int64_t>(reference.size()), image.rows * 3 * plane);
        double maxDiff = 0.0;
        int64_t differing = 0;
        for (int64_t r = 0; r < image.rows; ++r)
            for (int64_t c = 0; c < 3; ++c) {
                const float *ours = &image.pixelValues[static_cast<size_t>(r * image.cols + c * 2 * plane)];
                const float *ref = &reference[static_cast<size_t>((r * 3 + c) * plane)];
                for (int64_t i = 0; i < plane; ++i) {
                    const double d = std::fabs(double(ours[i]) - ref[i]);
                    maxDiff = std::max(maxDiff, d);
                    differing += d > 1e-6;
                    QCOMPARE(ours[plane + i], ours[i]); // the still image is repeated in time
                }
            }
        qInfo("%s: max |diff| %.3g, %lld of %lld values differ by > 1e-6", qPrintable(entry["image"].toString()),
              maxDiff, static_cast<long long>(differing), static_cast<long long>(reference.size()));
        QVERIFY2(maxDiff <= 2e-2, qPrintable(QString("max abs diff %1").arg(maxDiff)));
    }

    void smartResizeMatchesReference()
    {
        const QJsonObject table = readJson(kFixtures + "/smart_resize.json");
        const QJsonArray cases = table["cases"].toArray();
        QVERIFY(cases.size() >= 50);
        int errors = 0;
        for (const QJsonValue &v : cases) {
            const QJsonObject c = v.toObject();
            const int64_t h = c["height"].toInteger(), w = c["width"].toInteger();
            const auto r = smartResize(h, w, 28, c["min_pixels"].toInteger(), c["max_pixels"].toInteger());
            const QString where = QString("%1x%2 min %3 max %4").arg(h).arg(w).arg(c["min_pixels"].toInteger()).arg(
                c["max_pixels"].toInteger());
            if (c.contains("error")) {
                QVERIFY2(!r.ok(), qPrintable(where));
                QVERIFY(QString::fromStdString(r.error().message).contains("aspect ratio"));
                ++errors;
                continue;
            }
            QVERIFY2(r.ok(), qPrintable(where));
            const QJsonArray expected = c["resized"].toArray();
            QVERIFY2(r.value().height == expected[0].toInteger() && r.value().width == expected[1].toInteger(),
                     qPrintable(where + QString(": got %1x%2").arg(r.value().height).arg(r.value().width)));
        }
        QVERIFY(errors > 0);
    }

    void roundsHalfToEven()
    {
        QCOMPARE(roundHalfToEven(0.5), 0.0);
        QCOMPARE(roundHalfToEven(1.5), 2.0);
        QCOMPARE(roundHalfToEven(2.5), 2.0);
        QCOMPARE(roundHalfToEven(2.5000001), 3.0);
        QCOMPARE(roundHalfToEven(-1.5), -2.0);
        // 70/28 = 2.5 -> 2, 42/28 = 1.5 -> 2: both sides 56.
        QVERIFY(smartResize(42, 70).value() == (ImageSize{56, 56}));
        QVERIFY(!smartResize(0, 10).ok());
    }

    void pixelCapLimitsTokens()
    {
        ImageProcessor processor;
        QCOMPARE(processor.effectiveMaxPixels(), int64_t(28 * 28 * 1280));
        processor.setMaxPixelsCap(28 * 28 * 4);
        QCOMPARE(processor.effectiveMaxPixels(), int64_t(28 * 28 * 4));
        auto r = processor.processFile((kFixtures + "/images/photo_640x480.jpg").toStdString());
        QVERIFY2(r.ok(), qPrintable(messageOf(r)));
        QVERIFY(r.value().tokenCount() <= 4);
        QVERIFY(r.value().tokenCount() >= 1);
        processor.setMaxPixelsCap(0);
        auto full = processor.processFile((kFixtures + "/images/photo_640x480.jpg").toStdString());
        QVERIFY(full.ok());
        QVERIFY(full.value().tokenCount() > 100); // 640x480 -> 644x476 area: 23*17 merged tokens
        // A cap above the config's max changes nothing.
        processor.setMaxPixelsCap(int64_t(1) << 40);
        QCOMPARE(processor.effectiveMaxPixels(), int64_t(28 * 28 * 1280));
    }

    void errorsNameTheImage()
    {
        QTemporaryDir dir;
        const ImageProcessor processor;

        const std::string missing = dir.filePath("nope.png").toStdString();
        QString msg = messageOf(processor.processFile(missing));
        QVERIFY2(msg.contains(QString::fromStdString(missing)) && msg.contains("not found"), qPrintable(msg));

        const QString garbage = dir.filePath("garbage.png");
        writeBytes(garbage, QByteArray("this is not an image at all", 27));
        msg = messageOf(processor.processFile(garbage.toStdString()));
        QVERIFY2(msg.contains(garbage) && msg.contains("decode"), qPrintable(msg));

        const QString empty = dir.filePath("empty.jpg");
        writeBytes(empty, QByteArray());
        msg = messageOf(processor.processFile(empty.toStdString()));
        QVERIFY2(msg.contains(empty) && msg.contains("empty"), qPrintable(msg));

        QFile jpeg(kFixtures + "/images/photo_640x480.jpg");
        QVERIFY(jpeg.open(QIODevice::ReadOnly));
        const QString cutJpeg = dir.filePath("cut.jpg");
        writeBytes(cutJpeg, jpeg.readAll().left(20000));
        msg = messageOf(processor.processFile(cutJpeg.toStdString()));
        QVERIFY2(msg.contains(cutJpeg) && msg.contains("truncated"), qPrintable(msg));

        QFile png(kFixtures + "/images/gradient_97x151.png");
        QVERIFY(png.open(QIODevice::ReadOnly));
        const QString cutPng = dir.filePath("cut.png");
        writeBytes(cutPng, png.readAll().left(5000));
        msg = messageOf(processor.processFile(cutPng.toStdString()));
        QVERIFY2(msg.contains(cutPng), qPrintable(msg));

        msg = messageOf(processor.processFile(dir.path().toStdString()));
        QVERIFY2(msg.contains("a folder, not an image file"), qPrintable(msg));

        RgbImage sliver;
        sliver.height = 1;
        sliver.width = 300;
        sliver.pixels.assign(300 * 3, 128);
        msg = messageOf(processor.process(sliver, "sliver.png"));
        QVERIFY2(msg.contains("sliver.png") && msg.contains("aspect ratio"), qPrintable(msg));
    }

    void resizeMatchesPillowExactly()
    {
        const QJsonObject index = readJson(kFixtures + "/resize_cases.json");
        QFile blobFile(kFixtures + "/resize_cases.bin");
        QVERIFY(blobFile.open(QIODevice::ReadOnly));
        const QByteArray blob = blobFile.readAll();
        const QJsonArray cases = index["cases"].toArray();
        QVERIFY(cases.size() >= 50);
        for (const QJsonValue &v : cases) {
            const QJsonObject c = v.toObject();
            RgbImage src;
            src.width = c["width"].toInteger();
            src.height = c["height"].toInteger();
            const int64_t outW = c["out_width"].toInteger(), outH = c["out_height"].toInteger();
            const qsizetype offset = c["offset"].toInteger();
            const qsizetype srcBytes = src.width * src.height * 3, dstBytes = outW * outH * 3;
            QVERIFY(offset + srcBytes + dstBytes <= blob.size());
            src.pixels.assign(blob.begin() + offset, blob.begin() + offset + srcBytes);
            const RgbImage out = resizeBicubicLikePil(src, outH, outW);
            const QString where = QString("%1x%2 -> %3x%4").arg(src.width).arg(src.height).arg(outW).arg(outH);
            QVERIFY2(out.pixels.size() == size_t(dstBytes), qPrintable(where));
            QVERIFY2(std::memcmp(out.pixels.data(), blob.constData() + offset + srcBytes, size_t(dstBytes)) == 0,
                     qPrintable(where + " differs from Pillow"));
        }
    }

    void resizeKeepsFlatImagesFlat()
    {
        RgbImage flat;
        flat.height = 37;
        flat.width = 53;
        flat.pixels.assign(37 * 53 * 3, 0);
        for (size_t i = 0; i < flat.pixels.size(); i += 3) {
            flat.pixels[i] = 200;
            flat.pixels[i + 1] = 10;
            flat.pixels[i + 2] = 255;
        }
        for (auto [h, w] : {std::pair{12, 90}, std::pair{112, 20}, std::pair{37, 53}, std::pair{5, 5}}) {
            const RgbImage out = resizeBicubicLikePil(flat, h, w);
            QCOMPARE(out.height, int64_t(h));
            QCOMPARE(out.width, int64_t(w));
            QCOMPARE(out.pixels.size(), size_t(h * w * 3));
            for (size_t i = 0; i < out.pixels.size(); i += 3) {
                QVERIFY(std::abs(out.pixels[i] - 200) <= 1);
                QVERIFY(out.pixels[i + 1] <= 11 && out.pixels[i + 1] >= 9);
                QVERIFY(out.pixels[i + 2] >= 254);
            }
        }
    }

    void configReadsBothSpellings()
    {
        auto old = parseImageProcessorConfig(
            R"({"min_pixels": 3136, "max_pixels": 12845056, "patch_size": 14, "temporal_patch_size": 2,
                "merge_size": 2, "image_mean": [0.5, 0.5, 0.5], "image_std": [0.25, 0.5, 1.0],
                "image_processor_type": "Qwen2VLImageProcessor", "resample": 3, "do_rescale": true})",
            "old.json");
        QVERIFY2(old.ok(), old.ok() ? "" : old.error().message.c_str());
        QCOMPARE(old.value().maxPixels, int64_t(12845056));
        QCOMPARE(old.value().imageStd[1], 0.5f);

        auto modern = parseImageProcessorConfig(R"({"size": {"shortest_edge": 1000, "longest_edge": 200000}})", "new.json");
        QVERIFY(modern.ok());
        QCOMPARE(modern.value().minPixels, int64_t(1000));
        QCOMPARE(modern.value().maxPixels, int64_t(200000));
        QCOMPARE(modern.value().imageMean[0], 0.48145466f); // defaults kept

        auto both = parseImageProcessorConfig(R"({"size": {"shortest_edge": 1000, "longest_edge": 200000},
                                                  "max_pixels": 50000})", "both.json");
        QVERIFY(both.ok());
        QCOMPARE(both.value().maxPixels, int64_t(50000));
    }

    void configErrorsNameFileAndKey_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not json") << "{\"min_pixels\": " << "not valid JSON";
        QTest::newRow("negative") << R"({"max_pixels": -5})" << "max_pixels";
        QTest::newRow("string") << R"({"patch_size": "14"})" << "patch_size";
        QTest::newRow("min above max") << R"({"min_pixels": 5000, "max_pixels": 4000})" << "above";
        QTest::newRow("zero std") << R"({"image_std": [0.2, 0, 0.2]})" << "image_std";
        QTest::newRow("short mean") << R"({"image_mean": [0.2, 0.2]})" << "image_mean";
        QTest::newRow("other filter") << R"({"resample": 2})" << "resample";
        QTest::newRow("bad size") << R"({"size": {"longest_edge": 0}})" << "size.longest_edge";
    }

    void configErrorsNameFileAndKey()
    {
        QFETCH(QString, json);
        QFETCH(QString, expected);
        auto r = parseImageProcessorConfig(json.toStdString(), "pp.json");
        QVERIFY(!r.ok());
        const QString msg = QString::fromStdString(r.error().message);
        QVERIFY2(msg.contains("pp.json") && msg.contains(expected), qPrintable(msg));
    }

    void missingConfigFile()
    {
        auto r = loadImageProcessorConfig("/nonexistent/preprocessor_config.json");
        QVERIFY(!r.ok());
        QVERIFY(QString::fromStdString(r.error().message).contains("/nonexistent/preprocessor_config.json"));
    }

    void tensorsConcatenateImages()
    {
        const ImageProcessor processor = processorFor(56 * 56, 28 * 28 * 16);
        auto a = processor.processFile((kFixtures + "/images/half_70x42.png").toStdString());
        auto b = processor.processFile((kFixtures + "/images/rgba_30x20.png").toStdString());
        QVERIFY(a.ok() && b.ok());
        const auto t = vision::imageTensors({a.value(), b.value()});
        QCOMPARE(t.pixelValues.size(0), a.value().rows + b.value().rows);
        QCOMPARE(t.pixelValues.size(1), int64_t(1176));
        QCOMPARE(t.gridThw.size(0), int64_t(2));
        QCOMPARE(t.gridThw[1][2].item<int64_t>(), b.value().gridThw[2]);
        QCOMPARE(t.pixelValues[a.value().rows][5].item<float>(), b.value().pixelValues[5]);
        const torch::Tensor single = vision::pixelValuesTensor(a.value());
        QVERIFY(torch::equal(single, t.pixelValues.slice(0, 0, a.value().rows)));
        QVERIFY(!vision::imageTensors({}).pixelValues.defined());
    }
};

QTEST_GUILESS_MAIN(TstImageProcessor)
#include "tst_image_processor.moc"
