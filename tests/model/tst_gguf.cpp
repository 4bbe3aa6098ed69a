// The GGUF reader and the ggml dequantisers: the committed fixtures (tools/gen_gguf_fixtures.py)
// read back exactly and decode bit for bit as gguf-py's numpy code does; hostile headers built here
// in memory fail at once, with the file (and the key or tensor) named, without allocating what they
// claim; the real models, when present, open and decode.
#include "core/model/Gguf.h"
#include "core/model/GgufQuants.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <new>

// ---- allocation watch: the largest single request while a hostile file is opened ---------------
// Replacing the global operator new is how a test sees that "an array of 10^9 elements" in a 1 KB
// file reserved nothing for it.
namespace {
std::atomic<bool> g_watch{false};
std::atomic<size_t> g_largest{0};
void *watchedAlloc(size_t n)
{
    if (g_watch.load(std::memory_order_relaxed)) {
        size_t prev = g_largest.load(std::memory_order_relaxed);
        while (n > prev && !g_largest.compare_exchange_weak(prev, n)) {
        }
    }
    if (void *p = std::malloc(n ? n : 1))
        return p;
    throw std::bad_alloc();
}
} // namespace

void *operator new(size_t n) { return watchedAlloc(n); }
void *operator new[](size_t n) { return watchedAlloc(n); }
void operator delete(void *p) noexcept { std::free(p); }
void operator delete[](void *p) noexcept { std::free(p); }
void operator delete(void *p, size_t) noexcept { std::free(p); }
void operator delete[](void *p, size_t) noexcept { std::free(p); }
// The nothrow forms too, so that every plain new and delete pair up (ASan checks that they do).
void *operator new(size_t n, const std::nothrow_t &) noexcept
{
    try {
        return watchedAlloc(n);
    } catch (...) {
        return nullptr;
    }
}
void *operator new[](size_t n, const std::nothrow_t &t) noexcept { return operator new(n, t); }
void operator delete(void *p, const std::nothrow_t &) noexcept { std::free(p); }
void operator delete[](void *p, const std::nothrow_t &) noexcept { std::free(p); }

using ost::GgufFile;
using ost::GgufValue;

namespace {

const QString kFixtures = QStringLiteral(OST_FIXTURE_DIR "/gguf");

QByteArray readAll(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

uint32_t bitsOf(float f)
{
    uint32_t u;
    std::memcpy(&u, &f, 4);
    return u;
}

// Compares float bits; on the first mismatches says which type and index, got and wanted.
bool sameBits(const QString &what, const float *got, const float *want, int64_t n, QString *why)
{
    int64_t bad = 0;
    QString first;
    for (int64_t i = 0; i < n; ++i) {
        if (bitsOf(got[i]) != bitsOf(want[i])) {
            if (bad < 5)
                first += QStringLiteral("\n  %1[%2]: got %3 (0x%4), want %5 (0x%6)")
                             .arg(what)
                             .arg(i)
                             .arg(double(got[i]), 0, 'g', 9)
                             .arg(bitsOf(got[i]), 8, 16, QLatin1Char('0'))
                             .arg(double(want[i]), 0, 'g', 9)
                             .arg(bitsOf(want[i]), 8, 16, QLatin1Char('0'));
            ++bad;
        }
    }
    if (bad)
        *why = QStringLiteral("%1: %2 of %3 values differ%4").arg(what).arg(bad).arg(n).arg(first);
    return bad == 0;
}

uint64_t fnv1a64(const uint8_t *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; ++i)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

// ---- building GGUF bytes in memory ------------------------------------------------------------
struct Builder {
    QByteArray b;

    Builder &raw(const void *p, int n)
    {
        b.append(static_cast<const char *>(p), n);
        return *this;
    }
    Builder &u8(uint8_t v) { return raw(&v, 1); }
    Builder &u32(uint32_t v) { return raw(&v, 4); }
    Builder &u64(uint64_t v) { return raw(&v, 8); }
    Builder &str(const std::string &s) { return u64(s.size()).raw(s.data(), int(s.size())); }
    Builder &header(uint32_t version, uint64_t tensors, uint64_t kvs) { return raw("GGUF", 4).u32(version).u64(tensors).u64(kvs); }
    Builder &kvU32(const std::string &k, uint32_t v) { return str(k).u32(4).u32(v); }
    Builder &kvString(const std::string &k, const std::string &v) { return str(k).u32(8).str(v); }
    Builder &tensor(const std::string &name, std::vector<uint64_t> dims, uint32_t type, uint64_t offset)
    {
        str(name).u32(uint32_t(dims.size()));
        for (uint64_t d : dims)
            u64(d);
        return u32(type).u64(offset);
    }
    Builder &pad(int align)
    {
        while (b.size() % align)
            b.append('\0');
        return *this;
    }
    Builder &zeros(int n)
    {
        b.append(QByteArray(n, '\0'));
        return *this;
    }
};

// A valid file: two kvs (one the alignment), two F32 tensors of 8 values, aligned to 32.
QByteArray validFile()
{
    Builder g;
    g.header(3, 2, 2).kvString("general.architecture", "llama").kvU32("general.alignment", 32);
    g.tensor("a", {8}, 0, 0).tensor("b", {4, 2}, 0, 32).pad(32).zeros(64);
    return g.b;
}

} // namespace

class TstGguf : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_files = 0;

    QString writeTemp(const QByteArray &bytes)
    {
        const QString path = m_dir.filePath(QStringLiteral("f%1.gguf").arg(m_files++));
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
            qFatal("cannot write %s", qPrintable(path));
        return path;
    }

    // Opens `bytes` from a temp file; checks it fails in well under a second, allocating nothing
    // large, with a one-line message that starts with the path and contains every `needle`.
    void expectFailure(const QByteArray &bytes, const QStringList &needles)
    {
        const QString path = writeTemp(bytes);
        g_largest = 0;
        QElapsedTimer timer;
        timer.start();
        g_watch = true;
        auto r = GgufFile::open(path.toStdString());
        g_watch = false;
        const qint64 ms = timer.elapsed();
        QVERIFY2(!r, qPrintable("opened a bad file: " + needles.join(", ")));
        const QString msg = QString::fromStdString(r.error().message);
        QVERIFY2(msg.startsWith(path + ": "), qPrintable(msg));
        QVERIFY2(!msg.contains(QLatin1Char('\n')), qPrintable(msg));
        for (const QString &n : needles)
            QVERIFY2(msg.contains(n), qPrintable(QStringLiteral("'%1' not in: %2").arg(n, msg)));
        QVERIFY2(ms < 1000, qPrintable(QStringLiteral("took %1 ms: %2").arg(ms).arg(msg)));
        QVERIFY2(g_largest < (1u << 20), qPrintable(QStringLiteral("allocated %1 bytes: %2").arg(g_largest).arg(msg)));
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void builderFileOpens()
    {
        // The hostile cases below are this file with one thing broken: it must open as it is.
        auto r = GgufFile::open(writeTemp(validFile()).toStdString());
        QVERIFY2(r, r ? "" : r.error().message.c_str());
        QCOMPARE((*r)->tensors().size(), size_t(2));
        QCOMPARE((*r)->tensor("b")->torchShape(), (std::vector<int64_t>{2, 4}));
        QCOMPARE((*r)->dataOffset() % 32, uint64_t(0));
    }

    void fixtureMetadata()
    {
        const QJsonObject want = QJsonDocument::fromJson(readAll(kFixtures + "/tiny.json")).object();
        QVERIFY(!want.isEmpty());
        const std::string path = (kFixtures + "/tiny.gguf").toStdString();
        auto r = GgufFile::open(path);
        QVERIFY2(r, r ? "" : r.error().message.c_str());
        const GgufFile &f = **r;
        QCOMPARE(f.version(), uint32_t(want["version"].toInt()));
        QCOMPARE(f.alignment(), uint64_t(want["alignment"].toInt()));
        QCOMPARE(f.dataOffset(), uint64_t(want["data_offset"].toInt()));
        const QJsonObject meta = want["metadata"].toObject();
        QCOMPARE(f.metadata().size(), size_t(meta.size()));

        static const std::map<QString, GgufValue::Type> types = {
            {"u8", GgufValue::Type::U8},     {"i8", GgufValue::Type::I8},   {"u16", GgufValue::Type::U16},
            {"i16", GgufValue::Type::I16},   {"u32", GgufValue::Type::U32}, {"i32", GgufValue::Type::I32},
            {"f32", GgufValue::Type::F32},   {"bool", GgufValue::Type::Bool}, {"string", GgufValue::Type::String},
            {"array", GgufValue::Type::Array}, {"u64", GgufValue::Type::U64}, {"i64", GgufValue::Type::I64},
            {"f64", GgufValue::Type::F64}};
        auto isFloat = [](const QString &t) { return t == "f32" || t == "f64"; };
        auto isUnsigned = [](const QString &t) { return t.startsWith('u'); };
        for (auto it = meta.begin(); it != meta.end(); ++it) {
            const std::string key = it.key().toStdString();
            const QJsonObject e = it.value().toObject();
            const QString type = e["type"].toString();
            const GgufValue *v = f.find(key);
            QVERIFY2(v, key.c_str());
            QVERIFY2(v->type == types.at(type), key.c_str());
            if (type == "array") {
                const QString et = e["element_type"].toString();
                QVERIFY2(v->elementType == types.at(et), key.c_str());
                const QJsonArray a = e["value"].toArray();
                QCOMPARE(v->arrayLength, uint64_t(a.size()));
                for (int i = 0; i < a.size(); ++i) {
                    if (et == "string")
                        QCOMPARE(QString::fromStdString(v->strings.at(i)), a[i].toString());
                    else if (isFloat(et))
                        QCOMPARE(v->numbers.at(i), std::strtod(a[i].toString().toUtf8().constData(), nullptr));
                    else if (et == "bool")
                        QCOMPARE(v->integers.at(i) != 0, a[i].toBool());
                    else if (isUnsigned(et))
                        QCOMPARE(uint64_t(v->integers.at(i)), a[i].toString().toULongLong());
                    else
                        QCOMPARE(v->integers.at(i), a[i].toString().toLongLong());
                }
                continue;
            }
            if (type == "string") {
                QCOMPARE(QString::fromStdString(*f.getString(key)), e["value"].toString());
            } else if (type == "bool") {
                QCOMPARE(*f.getBool(key), e["value"].toBool());
            } else if (isFloat(type)) {
                QCOMPARE(*f.getReal(key), std::strtod(e["value"].toString().toUtf8().constData(), nullptr));
            } else if (isUnsigned(type)) {
                QCOMPARE(std::get<uint64_t>(v->scalar), e["value"].toString().toULongLong());
            } else {
                QCOMPARE(*f.getInt(key), e["value"].toString().toLongLong());
            }
        }

        // Typed look-ups: widening, fallbacks, and errors that name the file and the key.
        QCOMPARE(*f.getInt("llama.block_count"), int64_t(2));
        QCOMPARE(*f.getInt("test.u8"), int64_t(200));
        QCOMPARE(*f.getReal("test.u32"), 4000000000.0);
        QCOMPARE(*f.getInt("absent.key", 7), int64_t(7));
        QCOMPARE(*f.getString("absent.key", "x"), std::string("x"));
        QCOMPARE(*f.getBool("absent.key", true), true);
        QCOMPARE(*f.getReal("absent.key", 0.5), 0.5);
        const std::pair<std::string, std::string> bad[] = {
            {f.getInt("test.u64").error().message, "test.u64"},       // 18446744073709551000 > INT64_MAX
            {f.getInt("general.name").error().message, "general.name"}, // a string
            {f.getString("test.u32").error().message, "test.u32"},
            {f.getBool("test.u8").error().message, "test.u8"},
            {f.getReal("test.strings").error().message, "test.strings"},
            {f.getString("absent.key").error().message, "absent.key"},
            {f.getInt("general.name", 3).error().message, "general.name"}, // present with the wrong type
        };
        for (const auto &[msg, key] : bad) {
            QVERIFY2(QString::fromStdString(msg).startsWith(QString::fromStdString(path) + ": "), msg.c_str());
            QVERIFY2(msg.find("'" + key + "'") != std::string::npos, msg.c_str());
        }
    }

    void fixtureTensors()
    {
        const QJsonObject want = QJsonDocument::fromJson(readAll(kFixtures + "/tiny.json")).object();
        const QByteArray fileBytes = readAll(kFixtures + "/tiny.gguf");
        const QByteArray values = readAll(kFixtures + "/tiny.f32");
        QVERIFY(!fileBytes.isEmpty() && !values.isEmpty());
        auto r = GgufFile::open((kFixtures + "/tiny.gguf").toStdString());
        QVERIFY2(r, r ? "" : r.error().message.c_str());
        const GgufFile &f = **r;
        const QJsonArray tensors = want["tensors"].toArray();
        QCOMPARE(f.tensors().size(), size_t(tensors.size()));
        for (int i = 0; i < tensors.size(); ++i) {
            const QJsonObject w = tensors[i].toObject();
            const ost::GgufTensorInfo &t = f.tensors()[i];
            QCOMPARE(QString::fromStdString(t.name), w["name"].toString());
            QCOMPARE(f.tensor(t.name), &t);
            std::vector<int64_t> dims;
            for (const auto &d : w["dims"].toArray())
                dims.push_back(d.toInt());
            QCOMPARE(t.dims, dims);
            QCOMPARE(t.torchShape(), std::vector<int64_t>(dims.rbegin(), dims.rend()));
            QCOMPARE(t.type, uint32_t(w["type"].toInt()));
            QCOMPARE(QString::fromStdString(ost::ggmlTypeName(t.type)), w["type_name"].toString());
            QCOMPARE(t.offset, uint64_t(w["offset"].toInt()));
            QCOMPARE(t.bytes, size_t(w["bytes"].toInt()));
            QCOMPARE(t.numel(), int64_t(w["count"].toInt()));
            QCOMPARE(QString::number(fnv1a64(t.data, t.bytes), 16).rightJustified(16, '0'), w["fnv1a64"].toString());
            QVERIFY(std::memcmp(t.data, fileBytes.constData() + f.dataOffset() + t.offset, t.bytes) == 0);

            std::vector<float> out(size_t(t.numel()));
            const ost::Status s = ost::ggmlDequantise(t.type, t.data, t.bytes, t.numel(), out.data());
            QVERIFY2(s, s ? "" : s.error().message.c_str());
            const int64_t at = w["values_offset"].toInt();
            QVERIFY(size_t(at + t.numel()) * 4 <= size_t(values.size()));
            QString why;
            QVERIFY2(sameBits(w["name"].toString(), out.data(), reinterpret_cast<const float *>(values.constData()) + at,
                              t.numel(), &why),
                     qPrintable(why));
        }
        QVERIFY(!f.tensor("no.such.tensor"));
    }

    void openMemoryMatchesOpen()
    {
        const QByteArray bytes = readAll(kFixtures + "/tiny.gguf");
        auto r = GgufFile::openMemory(std::vector<uint8_t>(bytes.begin(), bytes.end()), "mem.gguf");
        QVERIFY2(r, r ? "" : r.error().message.c_str());
        QCOMPARE((*r)->tensors().size(), size_t(10));
        QCOMPARE((*r)->path(), std::string("mem.gguf"));
        std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + 100);
        auto bad = GgufFile::openMemory(cut, "mem.gguf");
        QVERIFY(!bad);
        QVERIFY2(bad.error().message.rfind("mem.gguf: ", 0) == 0, bad.error().message.c_str());
    }

    void everyTypeBitExact()
    {
        const QJsonArray manifest = QJsonDocument::fromJson(readAll(kFixtures + "/quants.json")).array();
        QVERIFY(manifest.size() >= 14);
        for (const auto &entry : manifest) {
            const QJsonObject e = entry.toObject();
            const QString name = e["type"].toString();
            const uint32_t type = uint32_t(e["id"].toInt());
            const QByteArray raw = readAll(kFixtures + "/quants/" + name + ".bin");
            const QByteArray want = readAll(kFixtures + "/quants/" + name + ".f32");
            const int64_t count = e["count"].toInt();
            QCOMPARE(int64_t(want.size()), count * 4);
            QCOMPARE(QString::fromStdString(ost::ggmlTypeName(type)), name);
            QVERIFY(ost::ggmlCanDequantise(type));
            const ost::GgmlBlockLayout layout = ost::ggmlBlockLayout(type);
            QCOMPARE(int64_t(raw.size()), count / layout.elements * layout.bytes);
            std::vector<float> out(size_t(count), -1.0f);
            const ost::Status s = ost::ggmlDequantise(type, reinterpret_cast<const uint8_t *>(raw.constData()),
                                                      size_t(raw.size()), count, out.data());
            QVERIFY2(s, s ? "" : s.error().message.c_str());
            QString why;
            QVERIFY2(sameBits(name, out.data(), reinterpret_cast<const float *>(want.constData()), count, &why),
                     qPrintable(why));
        }
    }

    void halfConversionExhaustive()
    {
        // All 65536 halves against the definition (sign * 2^(e-15) * 1.m, or 2^-14 * 0.m).
        std::vector<uint16_t> h(65536);
        for (int i = 0; i < 65536; ++i)
            h[i] = uint16_t(i);
        std::vector<float> out(65536);
        QVERIFY(ost::ggmlDequantise(1, reinterpret_cast<const uint8_t *>(h.data()), h.size() * 2, 65536, out.data()));
        for (int i = 0; i < 65536; ++i) {
            const int e = (i >> 10) & 31, m = i & 1023;
            const float sign = (i & 0x8000) ? -1.0f : 1.0f;
            if (e == 31) {
                QVERIFY2(m ? std::isnan(out[i]) : out[i] == sign * INFINITY, qPrintable(QString::number(i, 16)));
                continue;
            }
            const float want = sign * float(e == 0 ? std::ldexp(double(m), -24) : std::ldexp(1024.0 + m, e - 25));
            QVERIFY2(bitsOf(out[i]) == bitsOf(want),
                     qPrintable(QStringLiteral("half 0x%1: got %2 want %3").arg(i, 4, 16, QLatin1Char('0')).arg(out[i]).arg(want)));
        }
    }

    void dequantiseRefusesWhatDoesNotFit()
    {
        std::vector<uint8_t> block(18, 0);
        std::vector<float> out(64);
        auto msg = [](const ost::Status &s) { return s ? std::string() : s.error().message; };
        QVERIFY(ost::ggmlDequantise(2, block.data(), 18, 32, out.data()));
        const std::string partial = msg(ost::ggmlDequantise(2, block.data(), 18, 16, out.data()));
        QVERIFY2(partial.find("Q4_0") != std::string::npos, partial.c_str());
        const std::string tooFew = msg(ost::ggmlDequantise(2, block.data(), 18, 64, out.data()));
        QVERIFY2(tooFew.find("18 bytes") != std::string::npos, tooFew.c_str());
        const std::string iq = msg(ost::ggmlDequantise(16, block.data(), 18, 256, out.data()));
        QVERIFY2(iq.find("IQ2_XXS") != std::string::npos, iq.c_str());
        const std::string unknown = msg(ost::ggmlDequantise(99, block.data(), 18, 1, out.data()));
        QVERIFY2(unknown.find("99") != std::string::npos, unknown.c_str());
        QVERIFY(!ost::ggmlCanDequantise(16) && !ost::ggmlCanDequantise(99));
        QCOMPARE(ost::ggmlTypeName(99), std::string("type 99"));
        QCOMPARE(ost::ggmlBlockLayout(99).elements, int64_t(0));
    }

    void truncatedAtEveryHeaderByte()
    {
        const QByteArray full = readAll(kFixtures + "/tiny.gguf");
        const QJsonObject want = QJsonDocument::fromJson(readAll(kFixtures + "/tiny.json")).object();
        const int dataOffset = want["data_offset"].toInt();
        QVERIFY(dataOffset > 0 && dataOffset < full.size());
        // Every cut inside the header, and a few inside the data (the last tensor then runs past
        // the end), must fail cleanly.
        QList<int> cuts;
        for (int n = 0; n <= dataOffset; ++n)
            cuts << n;
        cuts << dataOffset + 1 << full.size() - 100;
        for (int n : cuts)
            expectFailure(full.left(n), {});
        // The data section starts at the aligned end of the header.
        QCOMPARE(dataOffset % 64, 0);
    }

    void hostileHeaders_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QStringList>("needles");
        auto add = [](const char *name, const Builder &g, QStringList needles) {
            QTest::newRow(name) << g.b << needles;
        };
        add("not GGUF", Builder().raw("GGML", 4).u32(3).u64(0).u64(0), {"not a GGUF file"});
        add("version 1", Builder().header(1, 0, 0), {"version 1"});
        add("version 4", Builder().header(4, 0, 0), {"version 4"});
        add("big-endian", Builder().raw("GGUF", 4).u32(0x03000000).u64(0).u64(0), {"big-endian"});
        add("kv count 10^12", Builder().header(3, 0, 1000000000000ull).zeros(64), {"1000000000000"});
        add("tensor count 10^12", Builder().header(3, 1000000000000ull, 0).zeros(64), {"1000000000000"});
        add("key length 2^63", Builder().header(3, 0, 1).u64(1ull << 63).zeros(16), {"9223372036854775808"});
        add("string length 2^63", Builder().header(3, 0, 1).str("general.name").u32(8).u64(1ull << 63).zeros(16),
            {"9223372036854775808", "key 'general.name'"});
        add("array of 10^9 u32", Builder().header(3, 0, 1).str("tokenizer.ggml.token_type").u32(9).u32(4).u64(1000000000).zeros(1000),
            {"1000000000", "key 'tokenizer.ggml.token_type'"});
        add("array of 10^9 strings", Builder().header(3, 0, 1).str("tokenizer.ggml.tokens").u32(9).u32(8).u64(1000000000).zeros(1000),
            {"1000000000", "key 'tokenizer.ggml.tokens'"});
        add("array of 2^62 u64", Builder().header(3, 0, 1).str("k").u32(9).u32(10).u64(1ull << 62).zeros(100), {"key 'k'"});
        add("nested array", Builder().header(3, 0, 1).str("test.nested").u32(9).u32(9).u64(1).u32(4).u64(1).u32(1),
            {"nested", "key 'test.nested'"});
        add("unknown value type", Builder().header(3, 0, 1).str("test.odd").u32(13).u32(0), {"unknown value type 13", "key 'test.odd'"});
        add("unknown array element type", Builder().header(3, 0, 1).str("test.odd").u32(9).u32(77).u64(1).u32(0),
            {"77", "key 'test.odd'"});
        add("duplicate key", Builder().header(3, 0, 2).kvU32("a.b", 1).kvU32("a.b", 2), {"duplicate", "key 'a.b'"});
        add("alignment 0", Builder().header(3, 0, 1).kvU32("general.alignment", 0), {"alignment 0", "general.alignment"});
        add("alignment 3", Builder().header(3, 0, 1).kvU32("general.alignment", 3), {"alignment 3", "general.alignment"});
        add("alignment string", Builder().header(3, 0, 1).kvString("general.alignment", "32"), {"general.alignment"});
        add("tensor of 10^12 elements", Builder().header(3, 1, 0).tensor("huge", {1000000, 1000000}, 0, 0).pad(32).zeros(64),
            {"tensor 'huge'"});
        add("element count overflow", Builder().header(3, 1, 0).tensor("wrap", {1ull << 32, 1ull << 32}, 0, 0).pad(32).zeros(64),
            {"overflow", "tensor 'wrap'"});
        add("dimension 2^63", Builder().header(3, 1, 0).tensor("neg", {1ull << 63}, 0, 0).pad(32).zeros(64), {"tensor 'neg'"});
        add("dimension 0", Builder().header(3, 1, 0).tensor("empty", {8, 0}, 0, 0).pad(32).zeros(64), {"tensor 'empty'"});
        add("5 dimensions", Builder().header(3, 1, 0).tensor("t5", {1, 1, 1, 1, 1}, 0, 0).pad(32).zeros(64), {"5 dimensions", "tensor 't5'"});
        add("row not a multiple of the block", Builder().header(3, 1, 0).tensor("q", {33, 2}, 2, 0).pad(32).zeros(128),
            {"33", "Q4_0", "tensor 'q'"});
        add("unknown tensor type 99", Builder().header(3, 1, 0).tensor("w", {8}, 99, 0).pad(32).zeros(64), {"99", "tensor 'w'"});
        add("offset past the end", Builder().header(3, 1, 0).tensor("far", {8}, 0, 1024).pad(32).zeros(32), {"tensor 'far'"});
        add("offset 2^64-32", Builder().header(3, 1, 0).tensor("wrap", {8}, 0, ~uint64_t(31)).pad(32).zeros(32), {"tensor 'wrap'"});
        add("data cut short", Builder().header(3, 1, 0).tensor("short", {16}, 0, 0).pad(32).zeros(60), {"tensor 'short'"});
        add("misaligned offset", Builder().header(3, 1, 0).tensor("mis", {8}, 0, 4).pad(32).zeros(64), {"alignment", "tensor 'mis'"});
        add("overlapping tensors",
            Builder().header(3, 2, 0).tensor("first", {16}, 0, 0).tensor("second", {16}, 0, 32).pad(32).zeros(128),
            {"overlaps", "'first'", "'second'"});
        add("duplicate tensor names",
            Builder().header(3, 2, 0).tensor("same", {8}, 0, 0).tensor("same", {8}, 0, 32).pad(32).zeros(64),
            {"duplicate", "tensor 'same'"});
        add("control bytes in a name", Builder().header(3, 1, 0).tensor(std::string("x\ny", 3), {8}, 99, 0).pad(32).zeros(64),
            {"x\\x0ay"});
    }

    void hostileHeaders()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QStringList, needles);
        expectFailure(bytes, needles);
    }

    void regressionInputs()
    {
        // Inputs the fuzzer once found a problem with (here, or where tools/run-fuzz.sh replays
        // them): each must open or fail, never crash, and a file that opens must decode every
        // tensor it can.
        QStringList files;
        for (const QString &d : {kFixtures + "/regress", QStringLiteral(OST_SOURCE_DIR "/tests/fuzz/regress/gguf")})
            for (const QString &name : QDir(d).entryList(QDir::Files))
                files << d + "/" + name;
        if (files.isEmpty())
            QSKIP("no GGUF regression inputs (tests/fixtures/gguf/regress, tests/fuzz/regress/gguf): the fuzzer has "
                  "found no crash yet");
        for (const QString &path : files) {
            auto r = GgufFile::open(path.toStdString());
            if (!r) {
                QVERIFY2(QString::fromStdString(r.error().message).startsWith(path + ": "), r.error().message.c_str());
                continue;
            }
            for (const ost::GgufTensorInfo &t : (*r)->tensors()) {
                if (!ost::ggmlCanDequantise(t.type))
                    continue;
                std::vector<float> out(size_t(t.numel()));
                QVERIFY(ost::ggmlDequantise(t.type, t.data, t.bytes, t.numel(), out.data()));
            }
        }
    }

    void realModels_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("blockCountKey");
        QTest::addColumn<int>("blockCount");
        auto env = [](const char *name, const char *fallback) {
            const QByteArray v = qgetenv(name);
            return v.isEmpty() ? QString::fromUtf8(fallback) : QString::fromLocal8Bit(v);
        };
        QTest::newRow("SmolLM2-135M Q4_1") << env("OST_SMOLLM2_GGUF", "/work/models/SmolLM2-135M-Instruct.Q4_1.gguf")
                                           << "llama.block_count" << 30;
        QTest::newRow("Qwen2.5-Coder-0.5B") << env("OST_QWEN25_GGUF", "/work/models/qwen2.5-coder-0.5b-instruct.gguf")
                                            << "qwen2.block_count" << 24;
    }

    void realModels()
    {
        QFETCH(QString, path);
        QFETCH(QString, blockCountKey);
        QFETCH(int, blockCount);
        if (!QFile::exists(path))
            QSKIP(qPrintable(path + " is absent (set OST_SMOLLM2_GGUF / OST_QWEN25_GGUF to a copy)"));
        QElapsedTimer timer;
        timer.start();
        auto r = GgufFile::open(path.toStdString());
        QVERIFY2(r, r ? "" : r.error().message.c_str());
        qDebug("%s: opened in %lld ms, %zu tensors, %zu keys", qPrintable(path), timer.elapsed(), (*r)->tensors().size(),
               (*r)->metadata().size());
        QCOMPARE(*(*r)->getInt(blockCountKey.toStdString()), int64_t(blockCount));
        QVERIFY((*r)->find("tokenizer.ggml.tokens") && !(*r)->find("tokenizer.ggml.tokens")->strings.empty());

        // Decode every tensor a block-aligned chunk at a time (bounded memory), timing per type.
        constexpr int64_t kChunk = 1 << 22;
        std::vector<float> out(kChunk);
        std::map<uint32_t, std::pair<double, double>> perType; // type -> (seconds, values)
        for (const ost::GgufTensorInfo &t : (*r)->tensors()) {
            QVERIFY2(ost::ggmlCanDequantise(t.type), qPrintable(QString::fromStdString(t.name + " " + ost::ggmlTypeName(t.type))));
            const ost::GgmlBlockLayout layout = ost::ggmlBlockLayout(t.type);
            const int64_t chunk = kChunk / layout.elements * layout.elements;
            QElapsedTimer tt;
            tt.start();
            bool finite = true;
            for (int64_t at = 0; at < t.numel(); at += chunk) {
                const int64_t n = std::min(chunk, t.numel() - at);
                const size_t offset = size_t(at / layout.elements * layout.bytes);
                const ost::Status s = ost::ggmlDequantise(t.type, t.data + offset, t.bytes - offset, n, out.data());
                QVERIFY2(s, s ? "" : s.error().message.c_str());
                finite = finite && std::isfinite(out[0]) && std::isfinite(out[size_t(n - 1)]);
            }
            perType[t.type].first += double(tt.nsecsElapsed()) * 1e-9;
            perType[t.type].second += double(t.numel());
            QVERIFY2(finite, t.name.c_str());
        }
        for (const auto &[type, st] : perType)
            qDebug("  %-5s %8.1f M values  %7.0f MB/s of float32 out", ost::ggmlTypeName(type).c_str(), st.second / 1e6,
                   st.second * 4 / 1e6 / std::max(st.first, 1e-9));
    }
};

QTEST_GUILESS_MAIN(TstGguf)
#include "tst_gguf.moc"
