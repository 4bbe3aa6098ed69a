// Images are input too (issue 11): one pixel limit for every reader, checked from the header before
// decoding; preprocessor sizes bounded when read; FIFOs and link loops named for what they are.
#ifndef OST_TEST_OLD_API // built once against the code before the fix, to see these tests fail there
#include "core/common/ImageLimits.h"
#endif
#include "core/vision/ImageProcessor.h"
#include "core/vision/ImageProcessorConfig.h"
#include "core/vision/RgbImage.h"

#include <QtTest>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <filesystem>
#include <fstream>
#include <sys/stat.h>

using namespace ost;
namespace fs = std::filesystem;

namespace {

bool contains(const std::string &s, const std::string &part) { return s.find(part) != std::string::npos; }

std::string errorOf(const Result<RgbImage> &r) { return r.ok() ? std::string("(decoded)") : r.error().message; }

} // namespace

class TstImageLimits : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    std::string file(const std::string &name) const { return m_tmp.path().toStdString() + "/" + name; }

private Q_SLOTS:
    // Issue 11.2: `ostc score` decoded a 30000 x 30000 PNG (5.4 GB) that inspect refused. A 9000 x 8000
    // grey PNG (72 Mpx, over the 64 Mpx default) stands in for it: refused from its header.
    void overTheDefaultLimitIsRefusedBeforeDecoding()
    {
        const std::string path = file("big.png");
        {
            cv::Mat big(8000, 9000, CV_8UC1, cv::Scalar(7));
            QVERIFY(cv::imwrite(path, big, {cv::IMWRITE_PNG_COMPRESSION, 1}));
        }
        QVERIFY(fs::file_size(path) < 10u << 20);
        ImageProcessor processor;
        auto processed = processor.processFile(path);
        QVERIFY(!processed.ok());
        const std::string why = processed.error().message;
        QVERIFY2(contains(why, "9000x8000") && contains(why, "limit") && contains(why, "big.png"), why.c_str());
    }

    void limitIsConfigurableAndCoversEveryFormat()
    {
#ifdef OST_TEST_OLD_API
        QSKIP("no configurable limit before the fix");
#else
        for (const char *ext : {".png", ".jpg", ".bmp", ".tiff", ".ppm", ".webp"}) {
            const std::string path = file(std::string("small") + ext);
            cv::Mat img(30, 40, CV_8UC3, cv::Scalar(10, 20, 30));
            QVERIFY2(cv::imwrite(path, img), path.c_str());
            std::ifstream in(path, std::ios::binary);
            const std::string head((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            const ImageHeaderSize size = readImageHeaderSize(head);
            QCOMPARE(size.width, int64_t(40));
            QCOMPARE(size.height, int64_t(30));
            setMaxImagePixels(1199);
            const std::string why = errorOf(decodeImageFile(path));
            QVERIFY2(contains(why, "40x30") && contains(why, "1199"), (path + ": " + why).c_str());
            setMaxImagePixels(1200);
            QVERIFY2(decodeImageFile(path).ok(), path.c_str());
        }
        setMaxImagePixels(0); // back to the default
        QCOMPARE(maxImagePixels(), kDefaultMaxImagePixels);
#endif
    }

    // Issue 11.5: min_pixels 1e11 made resizeBicubicLikePil throw std::bad_alloc (exit 134).
    void absurdProcessorSizesAreRefusedWhenRead()
    {
        for (const char *json : {R"({"min_pixels": 100000000000, "max_pixels": 100000000000})",
                                 R"({"size": {"shortest_edge": 100000000000, "longest_edge": 200000000000}})",
                                 R"({"max_pixels": 9000000000000000000})", R"({"patch_size": 1000000000})"}) {
            auto c = parseImageProcessorConfig(json, "preprocessor_config.json");
            QVERIFY2(!c.ok(), json);
            QVERIFY2(contains(c.error().message, "preprocessor_config.json"), c.error().message.c_str());
        }
        QVERIFY(parseImageProcessorConfig(R"({"min_pixels": 3136, "max_pixels": 12845056})", "p").ok());
    }

    // Inputs the fuzzer once crashed on (tests/fuzz/regress/image), also without clang.
    void fuzzRegressionInputs()
    {
        int n = 0;
        for (const auto &e : fs::directory_iterator(std::string(OST_SOURCE_DIR) + "/tests/fuzz/regress/image")) {
            std::ifstream in(e.path(), std::ios::binary);
            const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            auto r = decodeImageBytes(bytes, e.path().filename().string());
            QVERIFY(r.ok() || r.error().message.find('\n') == std::string::npos);
            ++n;
        }
        QVERIFY(n > 0);
    }

    // A FIFO would block the reader; a link loop is not "not found".
    void specialFilesSayWhatTheyAre()
    {
        QCOMPARE(::mkfifo(file("pipe.png").c_str(), 0644), 0);
        const std::string fifo = errorOf(decodeImageFile(file("pipe.png")));
        QVERIFY2(contains(fifo, "FIFO"), fifo.c_str());
        fs::create_symlink(file("loop-b.png"), file("loop-a.png"));
        fs::create_symlink(file("loop-a.png"), file("loop-b.png"));
        const std::string loop = errorOf(decodeImageFile(file("loop-a.png")));
        QVERIFY2(contains(loop, "link loop"), loop.c_str());
        fs::create_directories(file("folder.png"));
        QVERIFY(contains(errorOf(decodeImageFile(file("folder.png"))), "folder"));
        QVERIFY(contains(errorOf(decodeImageFile(file("absent.png"))), "not found"));
    }
};

QTEST_GUILESS_MAIN(TstImageLimits)
#include "tst_image_limits.moc"
