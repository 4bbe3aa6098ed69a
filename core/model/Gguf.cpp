#include "core/model/Gguf.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <numeric>
#include <optional>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

// Layout (little-endian, versions 2 and 3):
//   "GGUF" u32 version, u64 tensor_count, u64 kv_count,
//   kv_count x { string key, u32 value_type, value },
//   tensor_count x { string name, u32 n_dims, u64 dims[n_dims], u32 type, u64 offset },
//   padding to general.alignment, data section (tensor offsets are relative to its start).
// A string is u64 length + bytes; an array is u32 element type, u64 count, elements.
// Every length and count is checked against the bytes left before it is used, so nothing is
// allocated that the file could not hold.

namespace ost {

namespace {

constexpr uint64_t kDefaultAlignment = 32;
constexpr uint32_t kMaxDims = 4;
// The smallest encodings, to refuse counts that cannot fit before looping over them:
// a kv is a key length (8), a value type (4) and at least one value byte; a tensor info is a name
// length (8), n_dims (4), type (4) and offset (8).
constexpr uint64_t kMinKvBytes = 8 + 4 + 1;
constexpr uint64_t kMinTensorInfoBytes = 8 + 4 + 4 + 8;

using VType = GgufValue::Type;

// Bytes of one scalar of a value type; 0 for strings and arrays (variable) and unknown types.
uint64_t scalarSize(uint32_t t)
{
    switch (static_cast<VType>(t)) {
    case VType::U8: case VType::I8: case VType::Bool: return 1;
    case VType::U16: case VType::I16: return 2;
    case VType::U32: case VType::I32: case VType::F32: return 4;
    case VType::U64: case VType::I64: case VType::F64: return 8;
    case VType::String: case VType::Array: return 0;
    }
    return 0;
}

bool knownValueType(uint32_t t) { return t <= static_cast<uint32_t>(VType::F64); }

std::string valueTypeName(VType t)
{
    switch (t) {
    case VType::U8: return "u8";
    case VType::I8: return "i8";
    case VType::U16: return "u16";
    case VType::I16: return "i16";
    case VType::U32: return "u32";
    case VType::I32: return "i32";
    case VType::F32: return "f32";
    case VType::Bool: return "bool";
    case VType::String: return "string";
    case VType::Array: return "array";
    case VType::U64: return "u64";
    case VType::I64: return "i64";
    case VType::F64: return "f64";
    }
    return "type " + std::to_string(static_cast<uint32_t>(t));
}

std::string describe(const GgufValue &v)
{
    return v.isArray() ? "an array of " + valueTypeName(v.elementType) : "of type " + valueTypeName(v.type);
}

// Names come from the file: keep messages on one line and of bounded length.
std::string printable(const std::string &s)
{
    std::string out;
    for (size_t i = 0; i < s.size() && out.size() < 200; ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == 0x7f) {
            static const char hex[] = "0123456789abcdef";
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else {
            out += static_cast<char>(c);
        }
    }
    if (out.size() >= 200)
        out += "...";
    return out;
}

template <class T>
T readLe(const uint8_t *p)
{
    T v;
    std::memcpy(&v, p, sizeof v); // the format is little-endian, as every host we build for
    return v;
}

// A bounds-checked reader over the header. Each read either succeeds or records one error (with
// the key or tensor being read, if any) and makes every later read fail.
class Reader {
public:
    Reader(const std::string &path, const uint8_t *bytes, uint64_t size) : m_path(path), m_bytes(bytes), m_size(size) {}

    uint64_t pos() const { return m_pos; }
    uint64_t left() const { return m_size - m_pos; }
    bool failed() const { return m_error.has_value(); }
    Error error() const { return *m_error; }
    void setWhere(std::string where) { m_where = std::move(where); }

    bool fail(const std::string &what)
    {
        if (!m_error)
            m_error = Error{m_path + ": " + what + (m_where.empty() ? "" : " (" + m_where + ")")};
        return false;
    }

    bool need(uint64_t n, const char *what)
    {
        if (failed())
            return false;
        if (n > left())
            return fail("truncated: the " + std::string(what) + " at byte " + std::to_string(m_pos) + " needs " +
                        std::to_string(n) + " bytes but the file ends at byte " + std::to_string(m_size));
        return true;
    }

    template <class T>
    bool read(T &v, const char *what)
    {
        if (!need(sizeof(T), what))
            return false;
        v = readLe<T>(m_bytes + m_pos);
        m_pos += sizeof(T);
        return true;
    }

    void skip(uint64_t n) { m_pos += std::min(n, left()); }

    bool readString(std::string &s, const char *what)
    {
        uint64_t len = 0;
        if (!read(len, what))
            return false;
        if (len > left())
            return fail(std::string(what) + " length " + std::to_string(len) + " at byte " + std::to_string(m_pos - 8) +
                        " exceeds the " + std::to_string(left()) + " bytes left in the file");
        s.assign(reinterpret_cast<const char *>(m_bytes + m_pos), static_cast<size_t>(len));
        m_pos += len;
        return true;
    }

private:
    std::string m_path;
    const uint8_t *m_bytes;
    uint64_t m_size;
    uint64_t m_pos = 0;
    std::string m_where;
    std::optional<Error> m_error;
};

// One scalar into the variant (integers widen, floats become double).
bool readScalar(Reader &r, VType t, GgufValue &v)
{
    switch (t) {
    case VType::U8: { uint8_t x; if (!r.read(x, "value")) return false; v.scalar = uint64_t(x); return true; }
    case VType::I8: { int8_t x; if (!r.read(x, "value")) return false; v.scalar = int64_t(x); return true; }
    case VType::U16: { uint16_t x; if (!r.read(x, "value")) return false; v.scalar = uint64_t(x); return true; }
    case VType::I16: { int16_t x; if (!r.read(x, "value")) return false; v.scalar = int64_t(x); return true; }
    case VType::U32: { uint32_t x; if (!r.read(x, "value")) return false; v.scalar = uint64_t(x); return true; }
    case VType::I32: { int32_t x; if (!r.read(x, "value")) return false; v.scalar = int64_t(x); return true; }
    case VType::U64: { uint64_t x; if (!r.read(x, "value")) return false; v.scalar = x; return true; }
    case VType::I64: { int64_t x; if (!r.read(x, "value")) return false; v.scalar = x; return true; }
    case VType::F32: { float x; if (!r.read(x, "value")) return false; v.scalar = double(x); return true; }
    case VType::F64: { double x; if (!r.read(x, "value")) return false; v.scalar = x; return true; }
    case VType::Bool: { uint8_t x; if (!r.read(x, "value")) return false; v.scalar = x != 0; return true; }
    case VType::String: { std::string s; if (!r.readString(s, "string")) return false; v.scalar = std::move(s); return true; }
    case VType::Array: break;
    }
    return r.fail("value type " + std::to_string(static_cast<uint32_t>(t)) + " is not a scalar");
}

// Array elements of a fixed-size type, appended to `out` converted to Out.
template <class In, class Out>
void readElements(const uint8_t *p, uint64_t n, std::vector<Out> &out)
{
    out.resize(static_cast<size_t>(n));
    for (uint64_t i = 0; i < n; ++i)
        out[i] = static_cast<Out>(readLe<In>(p + i * sizeof(In)));
}

bool readArray(Reader &r, const uint8_t *bytes, GgufValue &v)
{
    uint32_t et = 0;
    uint64_t n = 0;
    if (!r.read(et, "array element type") || !r.read(n, "array length"))
        return false;
    if (et == static_cast<uint32_t>(VType::Array))
        return r.fail("nested arrays are not supported");
    if (!knownValueType(et))
        return r.fail("array has unknown element type " + std::to_string(et));
    v.elementType = static_cast<VType>(et);
    v.arrayLength = n;
    if (v.elementType == VType::String) {
        // Each string needs at least its 8-byte length: refuse a count the file cannot hold
        // before reserving anything for it.
        if (n > r.left() / 8)
            return r.fail("array of " + std::to_string(n) + " strings cannot fit in the " + std::to_string(r.left()) +
                          " bytes left in the file");
        v.strings.reserve(static_cast<size_t>(n));
        for (uint64_t i = 0; i < n; ++i) {
            std::string s;
            if (!r.readString(s, "string"))
                return false;
            v.strings.push_back(std::move(s));
        }
        return true;
    }
    const uint64_t size = scalarSize(et);
    if (n > r.left() / size)
        return r.fail("array of " + std::to_string(n) + " " + valueTypeName(v.elementType) + " needs " +
                      (n <= std::numeric_limits<uint64_t>::max() / size ? std::to_string(n * size) : "more than 2^64") +
                      " bytes, only " + std::to_string(r.left()) + " left in the file");
    const uint8_t *p = bytes + r.pos();
    switch (v.elementType) {
    case VType::U8: readElements<uint8_t>(p, n, v.integers); break;
    case VType::I8: readElements<int8_t>(p, n, v.integers); break;
    case VType::U16: readElements<uint16_t>(p, n, v.integers); break;
    case VType::I16: readElements<int16_t>(p, n, v.integers); break;
    case VType::U32: readElements<uint32_t>(p, n, v.integers); break;
    case VType::I32: readElements<int32_t>(p, n, v.integers); break;
    case VType::U64: readElements<uint64_t>(p, n, v.integers); break;
    case VType::I64: readElements<int64_t>(p, n, v.integers); break;
    case VType::Bool:
        v.integers.resize(static_cast<size_t>(n));
        for (uint64_t i = 0; i < n; ++i)
            v.integers[i] = p[i] != 0;
        break;
    case VType::F32: readElements<float>(p, n, v.numbers); break;
    case VType::F64: readElements<double>(p, n, v.numbers); break;
    case VType::String: case VType::Array: break; // handled above
    }
    r.skip(n * size); // n * size <= left() was checked above
    return true;
}

struct Mapping {
    void *addr = nullptr;
    size_t size = 0;
    ~Mapping()
    {
        if (addr)
            ::munmap(addr, size);
    }
};

} // namespace

int64_t GgufTensorInfo::numel() const
{
    int64_t n = 1;
    for (int64_t d : dims)
        n *= d; // validated at open: positive and no overflow
    return n;
}

std::vector<int64_t> GgufTensorInfo::torchShape() const { return std::vector<int64_t>(dims.rbegin(), dims.rend()); }

GgufFile::~GgufFile()
{
    if (m_map)
        ::munmap(m_map, m_mapSize);
}

Result<std::shared_ptr<GgufFile>> GgufFile::open(const std::string &path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return Error{path + ": cannot open: " + std::strerror(errno)};
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return Error{path + ": not a regular file"};
    }
    std::shared_ptr<GgufFile> file(new GgufFile());
    file->m_path = path;
    const uint64_t size = static_cast<uint64_t>(st.st_size);
    if (size == 0) {
        ::close(fd);
        return parse(file, nullptr, 0); // reports the truncation
    }
    Mapping map;
    map.size = static_cast<size_t>(size);
    void *addr = ::mmap(nullptr, map.size, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd); // the mapping keeps the file alive
    if (addr == MAP_FAILED)
        return Error{path + ": cannot map: " + std::strerror(errno)};
    map.addr = addr;
    auto parsed = parse(file, static_cast<const uint8_t *>(addr), size);
    if (parsed) {
        file->m_map = map.addr;
        file->m_mapSize = map.size;
        map.addr = nullptr; // owned by the file now
    }
    return parsed;
}

Result<std::shared_ptr<GgufFile>> GgufFile::openMemory(std::vector<uint8_t> bytes, const std::string &name)
{
    std::shared_ptr<GgufFile> file(new GgufFile());
    file->m_path = name;
    file->m_memory = std::move(bytes);
    return parse(file, file->m_memory.data(), file->m_memory.size());
}

Result<std::shared_ptr<GgufFile>> GgufFile::parse(std::shared_ptr<GgufFile> file, const uint8_t *bytes, uint64_t size)
{
    const std::string &path = file->m_path;
    Reader r(path, bytes, size);

    static const char kMagic[4] = {'G', 'G', 'U', 'F'};
    const size_t magicBytes = static_cast<size_t>(std::min<uint64_t>(size, 4));
    if (magicBytes > 0 && std::memcmp(bytes, kMagic, magicBytes) != 0)
        return Error{path + ": not a GGUF file (does not start with \"GGUF\")"};
    r.need(4, "magic");
    r.skip(4);
    uint32_t version = 0;
    if (!r.read(version, "version"))
        return r.error();
    if (version == 0x02000000u || version == 0x03000000u)
        return Error{path + ": big-endian GGUF files are not supported"};
    if (version == 1)
        return Error{path + ": GGUF version 1 is not supported (only versions 2 and 3; convert the model again "
                            "with a current llama.cpp)"};
    if (version != 2 && version != 3)
        return Error{path + ": GGUF version " + std::to_string(version) + " is not supported (only versions 2 and 3)"};
    file->m_version = version;

    uint64_t tensorCount = 0, kvCount = 0;
    if (!r.read(tensorCount, "tensor count") || !r.read(kvCount, "metadata count"))
        return r.error();
    if (kvCount > r.left() / kMinKvBytes)
        return Error{path + ": metadata count " + std::to_string(kvCount) + " cannot fit in the " +
                     std::to_string(r.left()) + " bytes left in the file (truncated or corrupt)"};
    if (tensorCount > r.left() / kMinTensorInfoBytes)
        return Error{path + ": tensor count " + std::to_string(tensorCount) + " cannot fit in the " +
                     std::to_string(r.left()) + " bytes left in the file (truncated or corrupt)"};

    for (uint64_t i = 0; i < kvCount; ++i) {
        r.setWhere("metadata entry " + std::to_string(i));
        std::string key;
        if (!r.readString(key, "key"))
            return r.error();
        r.setWhere("key '" + printable(key) + "'");
        uint32_t type = 0;
        if (!r.read(type, "value type"))
            return r.error();
        if (!knownValueType(type)) {
            r.fail("unknown value type " + std::to_string(type));
            return r.error();
        }
        GgufValue value;
        value.type = static_cast<VType>(type);
        const bool ok = value.type == VType::Array ? readArray(r, bytes, value) : readScalar(r, value.type, value);
        if (!ok)
            return r.error();
        if (!file->m_metadata.emplace(std::move(key), std::move(value)).second) {
            r.fail("duplicate key");
            return r.error();
        }
    }

    file->m_tensors.reserve(static_cast<size_t>(tensorCount));
    for (uint64_t i = 0; i < tensorCount; ++i) {
        r.setWhere("tensor " + std::to_string(i));
        GgufTensorInfo t;
        if (!r.readString(t.name, "tensor name"))
            return r.error();
        r.setWhere("tensor '" + printable(t.name) + "'");
        uint32_t nDims = 0;
        if (!r.read(nDims, "dimension count"))
            return r.error();
        if (nDims > kMaxDims) {
            r.fail("has " + std::to_string(nDims) + " dimensions, at most " + std::to_string(kMaxDims) + " allowed");
            return r.error();
        }
        int64_t numel = 1;
        for (uint32_t d = 0; d < nDims; ++d) {
            uint64_t dim = 0;
            if (!r.read(dim, "dimension"))
                return r.error();
            if (dim == 0 || dim > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
                r.fail("dimension " + std::to_string(d) + " is " + std::to_string(dim) + " (must be positive)");
                return r.error();
            }
            if (__builtin_mul_overflow(numel, static_cast<int64_t>(dim), &numel)) {
                r.fail("element count overflows 64 bits");
                return r.error();
            }
            t.dims.push_back(static_cast<int64_t>(dim));
        }
        if (!r.read(t.type, "tensor type") || !r.read(t.offset, "tensor offset"))
            return r.error();
        const GgmlBlockLayout layout = ggmlBlockLayout(t.type);
        if (layout.elements == 0) {
            r.fail("unknown tensor type " + std::to_string(t.type));
            return r.error();
        }
        const int64_t rowLength = t.dims.empty() ? 1 : t.dims[0];
        if (rowLength % layout.elements != 0) {
            r.fail("row length " + std::to_string(rowLength) + " is not a multiple of the " + ggmlTypeName(t.type) +
                   " block size " + std::to_string(layout.elements));
            return r.error();
        }
        int64_t bytesNeeded = 0;
        if (__builtin_mul_overflow(numel / layout.elements, layout.bytes, &bytesNeeded) ||
            static_cast<uint64_t>(bytesNeeded) > size) {
            r.fail(std::to_string(numel) + " elements of " + ggmlTypeName(t.type) + " need more bytes than the file's " +
                   std::to_string(size));
            return r.error();
        }
        t.bytes = static_cast<size_t>(bytesNeeded);
        if (!file->m_index.emplace(t.name, file->m_tensors.size()).second) {
            r.fail("duplicate tensor name");
            return r.error();
        }
        file->m_tensors.push_back(std::move(t));
    }
    r.setWhere("");
    const uint64_t headerEnd = r.pos();

    uint64_t alignment = kDefaultAlignment;
    if (const GgufValue *a = file->find("general.alignment")) {
        const auto *u = std::get_if<uint64_t>(&a->scalar);
        const auto *s = std::get_if<int64_t>(&a->scalar);
        if (!u && !(s && *s >= 0))
            return Error{path + ": general.alignment must be a non-negative integer but is " + describe(*a) +
                         " (key 'general.alignment')"};
        alignment = u ? *u : static_cast<uint64_t>(*s);
        if (alignment == 0 || (alignment & (alignment - 1)) != 0)
            return Error{path + ": alignment " + std::to_string(alignment) +
                         " is not a power of two (key 'general.alignment')"};
    }
    file->m_alignment = alignment;
    // headerEnd <= size < 2^63 and alignment <= 2^63, so this cannot wrap.
    const uint64_t dataOffset = headerEnd + (alignment - headerEnd % alignment) % alignment;
    file->m_dataOffset = dataOffset;
    const uint64_t dataSize = dataOffset <= size ? size - dataOffset : 0;

    std::vector<size_t> order(file->m_tensors.size());
    std::iota(order.begin(), order.end(), size_t{0});
    for (GgufTensorInfo &t : file->m_tensors) {
        const std::string where = " (tensor '" + printable(t.name) + "')";
        if (t.offset % alignment != 0)
            return Error{path + ": offset " + std::to_string(t.offset) + " is not a multiple of the alignment " +
                         std::to_string(alignment) + where};
        if (t.offset > dataSize || t.bytes > dataSize - t.offset)
            return Error{path + ": data at offset " + std::to_string(t.offset) + " (" + std::to_string(t.bytes) +
                         " bytes) runs past the end of the file (data section " + std::to_string(dataSize) +
                         " bytes; truncated?)" + where};
        t.data = bytes + dataOffset + t.offset;
    }
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return file->m_tensors[a].offset < file->m_tensors[b].offset; });
    for (size_t i = 1; i < order.size(); ++i) {
        const GgufTensorInfo &prev = file->m_tensors[order[i - 1]];
        const GgufTensorInfo &cur = file->m_tensors[order[i]];
        if (cur.offset < prev.offset + prev.bytes)
            return Error{path + ": data overlaps tensor '" + printable(prev.name) + "' (tensor '" + printable(cur.name) +
                         "')"};
    }
    return file;
}

const GgufValue *GgufFile::find(const std::string &key) const
{
    const auto it = m_metadata.find(key);
    return it == m_metadata.end() ? nullptr : &it->second;
}

const GgufTensorInfo *GgufFile::tensor(const std::string &name) const
{
    const auto it = m_index.find(name);
    return it == m_index.end() ? nullptr : &m_tensors[it->second];
}

Error GgufFile::keyError(const std::string &key, const std::string &what) const
{
    return Error{m_path + ": " + what + " (key '" + printable(key) + "')"};
}

Result<std::string> GgufFile::getString(const std::string &key) const
{
    const GgufValue *v = find(key);
    if (!v)
        return keyError(key, "missing");
    if (const auto *s = std::get_if<std::string>(&v->scalar); s && !v->isArray())
        return *s;
    return keyError(key, "is " + describe(*v) + ", not a string");
}

Result<int64_t> GgufFile::getInt(const std::string &key) const
{
    const GgufValue *v = find(key);
    if (!v)
        return keyError(key, "missing");
    if (!v->isArray()) {
        if (const auto *i = std::get_if<int64_t>(&v->scalar))
            return *i;
        if (const auto *u = std::get_if<uint64_t>(&v->scalar)) {
            if (*u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
                return keyError(key, "value " + std::to_string(*u) + " does not fit a signed 64-bit integer");
            return static_cast<int64_t>(*u);
        }
    }
    return keyError(key, "is " + describe(*v) + ", not an integer");
}

Result<double> GgufFile::getReal(const std::string &key) const
{
    const GgufValue *v = find(key);
    if (!v)
        return keyError(key, "missing");
    if (!v->isArray()) {
        if (const auto *d = std::get_if<double>(&v->scalar))
            return *d;
        if (const auto *i = std::get_if<int64_t>(&v->scalar))
            return static_cast<double>(*i);
        if (const auto *u = std::get_if<uint64_t>(&v->scalar))
            return static_cast<double>(*u);
    }
    return keyError(key, "is " + describe(*v) + ", not a number");
}

Result<bool> GgufFile::getBool(const std::string &key) const
{
    const GgufValue *v = find(key);
    if (!v)
        return keyError(key, "missing");
    if (const auto *b = std::get_if<bool>(&v->scalar); b && !v->isArray())
        return *b;
    return keyError(key, "is " + describe(*v) + ", not a bool");
}

Result<int64_t> GgufFile::getInt(const std::string &key, int64_t fallback) const
{
    return find(key) ? getInt(key) : Result<int64_t>(fallback);
}

Result<double> GgufFile::getReal(const std::string &key, double fallback) const
{
    return find(key) ? getReal(key) : Result<double>(fallback);
}

Result<bool> GgufFile::getBool(const std::string &key, bool fallback) const
{
    return find(key) ? getBool(key) : Result<bool>(fallback);
}

Result<std::string> GgufFile::getString(const std::string &key, const std::string &fallback) const
{
    return find(key) ? getString(key) : Result<std::string>(fallback);
}

} // namespace ost
