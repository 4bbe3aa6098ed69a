#include "core/model/Safetensors.h"
#include "core/model/internal/SafetensorsTorch.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cstring>
#include <fstream>

using ost::SafetensorsCheckpoint;
using ost::SafetensorsFile;

namespace {

bool sameBytes(const torch::Tensor &a, const uint8_t *b, size_t bytes)
{
    const torch::Tensor c = a.contiguous();
    return static_cast<size_t>(c.numel()) * c.element_size() == bytes &&
           (bytes == 0 || std::memcmp(c.data_ptr(), b, bytes) == 0);
}

// Random bit patterns of the given dtype (NaNs and denormals included for floats: the format must
// carry bits, not values). BOOL gets only 0/1, the only bytes a bool tensor may hold.
torch::Tensor randomBits(torch::ScalarType type, std::vector<int64_t> shape)
{
    int64_t numel = 1;
    for (int64_t d : shape)
        numel *= d;
    if (type == torch::kBool)
        return torch::randint(0, 2, shape, torch::kUInt8).to(torch::kBool);
    const int64_t bytes = numel * c10::elementSize(type);
    return torch::randint(0, 256, {bytes}, torch::kUInt8).view(type).reshape(shape);
}

void writeRaw(const QString &path, const std::string &header, const std::string &data, int64_t lengthOverride = -1)
{
    const uint64_t len = lengthOverride >= 0 ? static_cast<uint64_t>(lengthOverride) : header.size();
    std::ofstream out(path.toStdString(), std::ios::binary);
    for (int i = 0; i < 8; ++i)
        out.put(static_cast<char>((len >> (8 * i)) & 0xff));
    out << header << data;
}

QString errorOf(const QString &path)
{
    auto r = SafetensorsFile::open(path.toStdString());
    return r ? QString() : QString::fromStdString(r.error().message);
}

} // namespace

class TstSafetensors : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        torch::manual_seed(7);
    }

    void roundTripEveryDtype()
    {
        const std::vector<std::pair<std::string, torch::ScalarType>> dtypes = {
            {"F64", torch::kFloat64}, {"F32", torch::kFloat32}, {"F16", torch::kFloat16},
            {"BF16", torch::kBFloat16}, {"I64", torch::kInt64}, {"I32", torch::kInt32},
            {"I16", torch::kInt16},   {"I8", torch::kInt8},     {"U8", torch::kUInt8},
            {"BOOL", torch::kBool}};
        std::vector<std::pair<std::string, torch::Tensor>> tensors;
        for (const auto &[name, type] : dtypes)
            tensors.emplace_back("t." + name, randomBits(type, {3, 5, 2}));
        tensors.emplace_back("scalar", torch::tensor(3.5f));
        tensors.emplace_back("empty", torch::zeros({0, 4}, torch::kBFloat16));
        // A non-contiguous tensor must be written in logical (row-major) order.
        tensors.emplace_back("transposed", torch::arange(12, torch::kInt32).reshape({3, 4}).t());

        const QString path = m_dir.filePath("all.safetensors");
        const ost::Status written = ost::model::writeSafetensors(path.toStdString(), tensors, {{"format", "pt"}});
        QVERIFY2(written.ok(), written.ok() ? "" : written.error().message.c_str());
        QVERIFY(!QFile::exists(path + ".tmp-" + QString::number(QCoreApplication::applicationPid())));

        auto file = SafetensorsFile::open(path.toStdString());
        QVERIFY2(file.ok(), file.ok() ? "" : file.error().message.c_str());
        QCOMPARE(file.value()->names().size(), tensors.size());
        QCOMPARE(QString::fromStdString(file.value()->metadata().at("format")), QStringLiteral("pt"));
        for (const auto &[name, tensor] : tensors) {
            const ost::TensorView *view = file.value()->find(name);
            QVERIFY2(view, name.c_str());
            QCOMPARE(view->shape, tensor.sizes().vec());
            QCOMPARE(QString::fromStdString(view->dtype),
                     QString::fromStdString(ost::model::safetensorsDtypeOf(tensor.scalar_type()).value()));
            QVERIFY2(sameBytes(tensor, view->data, view->bytes), name.c_str());
            const torch::Tensor back = ost::model::toTensor(*view);
            QCOMPARE(back.scalar_type(), tensor.scalar_type());
            QVERIFY2(sameBytes(tensor, static_cast<const uint8_t *>(back.data_ptr()), view->bytes), name.c_str());
        }
        QVERIFY(!file.value()->find("missing"));
    }

    void halfPrecisionConvertsToFloat()
    {
        const torch::Tensor values = torch::randn({4, 6});
        const QString path = m_dir.filePath("half.safetensors");
        QVERIFY(ost::model::writeSafetensors(path.toStdString(), {{"bf", values.to(torch::kBFloat16)},
                                                                  {"f16", values.to(torch::kFloat16)}})
                    .ok());
        auto file = SafetensorsFile::open(path.toStdString());
        QVERIFY(file.ok());
        for (const char *name : {"bf", "f16"}) {
            const torch::Tensor stored = ost::model::toTensor(*file.value()->find(name));
            const torch::Tensor wide = ost::model::toTensor(*file.value()->find(name), torch::kFloat32);
            QCOMPARE(wide.scalar_type(), torch::kFloat32);
            QVERIFY(torch::equal(wide, stored.to(torch::kFloat32)));      // exact widening
            QVERIFY(torch::allclose(wide, values, /*rtol=*/1e-2, /*atol=*/1e-2)); // and close to the source
        }
    }

    void viewsOutliveNothingButTheirFile()
    {
        // toTensor copies: the tensor stays valid after the mapping is gone.
        const QString path = m_dir.filePath("copy.safetensors");
        QVERIFY(ost::model::writeSafetensors(path.toStdString(), {{"x", torch::arange(5, torch::kFloat32)}}).ok());
        torch::Tensor t;
        {
            auto file = SafetensorsFile::open(path.toStdString());
            QVERIFY(file.ok());
            t = ost::model::toTensor(*file.value()->find("x"));
        }
        QVERIFY(torch::equal(t, torch::arange(5, torch::kFloat32)));
    }

    void overwriteIsAtomicReplace()
    {
        const QString path = m_dir.filePath("replace.safetensors");
        QVERIFY(ost::model::writeSafetensors(path.toStdString(), {{"a", torch::ones({2})}}).ok());
        QVERIFY(ost::model::writeSafetensors(path.toStdString(), {{"b", torch::zeros({3})}}).ok());
        auto file = SafetensorsFile::open(path.toStdString());
        QVERIFY(file.ok());
        QVERIFY(!file.value()->find("a"));
        QVERIFY(file.value()->find("b"));
    }

    void writerRejectsDuplicateNames()
    {
        const QString path = m_dir.filePath("dup.safetensors");
        const ost::Status s = ost::model::writeSafetensors(path.toStdString(), {{"a", torch::ones({2})}, {"a", torch::ones({2})}});
        QVERIFY(!s.ok());
        QVERIFY(QString::fromStdString(s.error().message).contains("'a'"));
        QVERIFY(!QFile::exists(path));
    }

    void shardedCheckpoint()
    {
        QDir dir(m_dir.filePath("sharded"));
        QVERIFY(dir.mkpath("."));
        const torch::Tensor a = torch::randn({4, 4}), b = torch::randn({7}), c = torch::arange(3, torch::kInt64);
        QVERIFY(ost::model::writeSafetensors(dir.filePath("model-00001-of-00002.safetensors").toStdString(),
                                             {{"layer.0.w", a}, {"layer.0.b", b}}).ok());
        QVERIFY(ost::model::writeSafetensors(dir.filePath("model-00002-of-00002.safetensors").toStdString(),
                                             {{"layer.1.w", c}}).ok());
        writeText(dir.filePath("model.safetensors.index.json"),
                  R"({"metadata": {"total_size": 100}, "weight_map": {
                        "layer.0.w": "model-00001-of-00002.safetensors",
                        "layer.0.b": "model-00001-of-00002.safetensors",
                        "layer.1.w": "model-00002-of-00002.safetensors"}})");

        auto ckpt = SafetensorsCheckpoint::open(dir.path().toStdString());
        QVERIFY2(ckpt.ok(), ckpt.ok() ? "" : ckpt.error().message.c_str());
        QCOMPARE(ckpt.value().shardCount(), size_t(2));
        QCOMPARE(ckpt.value().names(), (std::vector<std::string>{"layer.0.b", "layer.0.w", "layer.1.w"}));
        QVERIFY(torch::equal(ost::model::toTensor(*ckpt.value().find("layer.0.w")), a));
        QVERIFY(torch::equal(ost::model::toTensor(*ckpt.value().find("layer.0.b")), b));
        QVERIFY(torch::equal(ost::model::toTensor(*ckpt.value().find("layer.1.w")), c));
        QVERIFY(QString::fromStdString(ckpt.value().fileOf("layer.1.w")).endsWith("model-00002-of-00002.safetensors"));
        QVERIFY(!ckpt.value().find("layer.2.w"));

        // A single file opens through the same entry point.
        auto single = SafetensorsCheckpoint::open(dir.filePath("model-00002-of-00002.safetensors").toStdString());
        QVERIFY(single.ok());
        QCOMPARE(single.value().names(), std::vector<std::string>{"layer.1.w"});
    }

    void shardedIndexErrorsNameTheCulprit()
    {
        QDir dir(m_dir.filePath("badindex"));
        QVERIFY(dir.mkpath("."));
        QVERIFY(ost::model::writeSafetensors(dir.filePath("s1.safetensors").toStdString(), {{"x", torch::ones({1})}}).ok());

        writeText(dir.filePath("model.safetensors.index.json"), R"({"weight_map": {"y": "s1.safetensors"}})");
        auto wrongShard = SafetensorsCheckpoint::open(dir.path().toStdString());
        QVERIFY(!wrongShard.ok());
        QVERIFY(QString::fromStdString(wrongShard.error().message).contains("'y'"));

        writeText(dir.filePath("model.safetensors.index.json"), R"({"weight_map": {"x": "absent.safetensors"}})");
        auto missing = SafetensorsCheckpoint::open(dir.path().toStdString());
        QVERIFY(!missing.ok());
        QVERIFY(QString::fromStdString(missing.error().message).contains("absent.safetensors"));

        writeText(dir.filePath("model.safetensors.index.json"), R"({"metadata": {}})");
        QVERIFY(!SafetensorsCheckpoint::open(dir.path().toStdString()).ok());

        QVERIFY(!SafetensorsCheckpoint::open(m_dir.filePath("no-such-folder").toStdString()).ok());
        QDir empty(m_dir.filePath("empty"));
        QVERIFY(empty.mkpath("."));
        QVERIFY(!SafetensorsCheckpoint::open(empty.path().toStdString()).ok());
    }

    void corruptFiles_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<int>("dataBytes");
        QTest::addColumn<qlonglong>("lengthOverride");
        QTest::addColumn<QString>("expected"); // must appear in the message

        const QByteArray ok = R"({"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}})";
        QTest::newRow("truncated data") << ok << 10 << -1LL << "beyond";
        QTest::newRow("header length beyond file") << ok << 16 << 4000LL << "truncated";
        QTest::newRow("absurd header length") << ok << 16 << (1LL << 40) << "implausible";
        QTest::newRow("bad json") << QByteArray(R"({"w":{"dtype":"F32",)") << 16 << -1LL << "JSON";
        QTest::newRow("not an object") << QByteArray("[1,2]") << 0 << -1LL << "object";
        QTest::newRow("offsets beyond end") << QByteArray(R"({"w":{"dtype":"F32","shape":[2,2],"data_offsets":[16,32]}})")
                                            << 16 << -1LL << "'w'";
        QTest::newRow("shape/size mismatch") << QByteArray(R"({"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,16]}})")
                                             << 16 << -1LL << "needs 24";
        QTest::newRow("unknown dtype") << QByteArray(R"({"w":{"dtype":"F8_E4M3","shape":[16],"data_offsets":[0,16]}})")
                                       << 16 << -1LL << "F8_E4M3";
        QTest::newRow("reversed offsets") << QByteArray(R"({"w":{"dtype":"U8","shape":[0],"data_offsets":[8,0]}})")
                                          << 16 << -1LL << "'w'";
        QTest::newRow("negative dim") << QByteArray(R"({"w":{"dtype":"U8","shape":[-4],"data_offsets":[0,4]}})")
                                      << 16 << -1LL << "negative";
        QTest::newRow("huge shape") << QByteArray(R"({"w":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,16]}})")
                                    << 16 << -1LL << "too large";
        QTest::newRow("overlap") << QByteArray(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                                               R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})")
                                 << 16 << -1LL << "overlaps";
        QTest::newRow("missing shape") << QByteArray(R"({"w":{"dtype":"F32","data_offsets":[0,16]}})") << 16 << -1LL
                                       << "shape";
        QTest::newRow("bad metadata") << QByteArray(R"({"__metadata__":{"k":1}})") << 0 << -1LL << "__metadata__";
    }

    void corruptFiles()
    {
        QFETCH(QByteArray, header);
        QFETCH(int, dataBytes);
        QFETCH(qlonglong, lengthOverride);
        QFETCH(QString, expected);
        const QString path = m_dir.filePath(QStringLiteral("corrupt-%1.safetensors").arg(m_corruptCount++));
        writeRaw(path, header.toStdString(), std::string(static_cast<size_t>(dataBytes), '\x01'), lengthOverride);
        const QString error = errorOf(path);
        QVERIFY2(!error.isEmpty(), "corrupt file accepted");
        QVERIFY2(error.contains(path), qPrintable(error));
        QVERIFY2(error.contains(expected), qPrintable(error));
    }

    void tinyAndMissingFiles()
    {
        const QString tiny = m_dir.filePath("tiny.safetensors");
        writeText(tiny, "abc");
        QVERIFY(errorOf(tiny).contains("truncated"));
        const QString missing = m_dir.filePath("missing.safetensors");
        QVERIFY(errorOf(missing).contains(missing));
        QVERIFY(errorOf(m_dir.path()).contains("regular file"));
    }

private:
    static void writeText(const QString &path, const QByteArray &text)
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(text);
    }

    QTemporaryDir m_dir;
    int m_corruptCount = 0;
};

QTEST_GUILESS_MAIN(TstSafetensors)
#include "tst_safetensors.moc"
