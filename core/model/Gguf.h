#pragma once
// Reading GGUF files (llama.cpp's model format, versions 2 and 3) without copying them: the file is
// memory-mapped, the header (metadata and tensor infos) is parsed and validated when it is opened,
// and each tensor is a view into the mapping. Every count, length, shape and offset in the header is
// checked against the file's size before anything is allocated from it, so a hostile header that
// claims 10^9 metadata entries or a 10^12-element tensor fails at once with an error naming the file
// (and the key or tensor), instead of allocating. Dequantisation lives in GgufQuants.h.
#include "core/common/Result.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace ost {

// ggml tensor types, numbered as in the file.
enum class GgmlType : uint32_t {
    F32 = 0,
    F16 = 1,
    Q4_0 = 2,
    Q4_1 = 3,
    Q5_0 = 6,
    Q5_1 = 7,
    Q8_0 = 8,
    Q8_1 = 9,
    Q2_K = 10,
    Q3_K = 11,
    Q4_K = 12,
    Q5_K = 13,
    Q6_K = 14,
    Q8_K = 15,
    BF16 = 30,
    // Other numbers the file format defines (IQ*, I8..F64, TQ*, MXFP4) are sized by
    // ggmlBlockLayout() so such files open, but ggmlCanDequantise() says no.
};

// "Q4_K", "F32", ...; "type N" for a number this reader does not know.
std::string ggmlTypeName(uint32_t type);

// Elements per block and bytes per block of a type; {0, 0} for a type this reader cannot size.
struct GgmlBlockLayout {
    int64_t elements = 0;
    int64_t bytes = 0;
};
GgmlBlockLayout ggmlBlockLayout(uint32_t type);

// One metadata value. Arrays hold one element type; strings are raw bytes (GGUF says UTF-8).
struct GgufValue {
    enum class Type : uint32_t {
        U8 = 0, I8 = 1, U16 = 2, I16 = 3, U32 = 4, I32 = 5, F32 = 6, Bool = 7, String = 8, Array = 9,
        U64 = 10, I64 = 11, F64 = 12
    };
    Type type = Type::U8;
    Type elementType = Type::U8; // for arrays
    // Scalars: unsigned integers widen to uint64, signed ones to int64, f32/f64 to double (exact),
    // bool stays bool, strings are std::string; arrays leave it monostate. Arrays of integers and
    // bools fill `integers`, of f32/f64 `numbers`, of strings `strings`. Nested arrays are refused
    // when the file is opened.
    std::variant<std::monostate, int64_t, uint64_t, double, bool, std::string> scalar;
    std::vector<std::string> strings;
    // Integer and bool arrays. A U64 element above INT64_MAX is kept as its bit pattern (read it
    // back with static_cast<uint64_t>).
    std::vector<int64_t> integers;
    std::vector<double> numbers;   // float arrays
    uint64_t arrayLength = 0;

    bool isArray() const { return type == Type::Array; }
};

struct GgufTensorInfo {
    std::string name;
    // ggml order: dims[0] is the fastest-varying (row length). A 2-D weight [out, in] in PyTorch is
    // dims {in, out} here.
    std::vector<int64_t> dims;
    uint32_t type = 0;   // GgmlType value
    uint64_t offset = 0; // from the start of the data section
    const uint8_t *data = nullptr; // into the mapping; validated in bounds
    size_t bytes = 0;

    int64_t numel() const;
    // PyTorch order (reversed dims): {out, in} for a weight.
    std::vector<int64_t> torchShape() const;
};

class GgufFile {
public:
    // Errors: "PATH: ..." naming what is wrong (not GGUF, version, truncated at byte N, key K has
    // unknown type T, tensor T has unknown type / offset past the end / overlaps / misaligned, ...).
    static Result<std::shared_ptr<GgufFile>> open(const std::string &path);
    // The same parse and checks on bytes in memory (the file keeps them); `name` stands for the path
    // in errors. For tests and the fuzzer; open() uses the same parser on the mapping.
    static Result<std::shared_ptr<GgufFile>> openMemory(std::vector<uint8_t> bytes, const std::string &name);
    ~GgufFile();
    GgufFile(const GgufFile &) = delete;
    GgufFile &operator=(const GgufFile &) = delete;

    const std::string &path() const { return m_path; }
    uint32_t version() const { return m_version; }
    uint64_t alignment() const { return m_alignment; }
    uint64_t dataOffset() const { return m_dataOffset; } // start of the data section in the file

    const std::map<std::string, GgufValue> &metadata() const { return m_metadata; }
    const GgufValue *find(const std::string &key) const; // nullptr when absent

    // Typed look-ups: an error names the file and the key when absent or of another type.
    // Any integer type is accepted for integers (if it fits int64), any float or integer type for
    // reals.
    Result<std::string> getString(const std::string &key) const;
    Result<int64_t> getInt(const std::string &key) const;
    Result<double> getReal(const std::string &key) const;
    Result<bool> getBool(const std::string &key) const;
    // Defaults when absent (still an error when present with the wrong type).
    Result<int64_t> getInt(const std::string &key, int64_t fallback) const;
    Result<double> getReal(const std::string &key, double fallback) const;
    Result<bool> getBool(const std::string &key, bool fallback) const;
    Result<std::string> getString(const std::string &key, const std::string &fallback) const;

    const std::vector<GgufTensorInfo> &tensors() const { return m_tensors; } // file order
    const GgufTensorInfo *tensor(const std::string &name) const;            // nullptr when absent

private:
    GgufFile() = default;
    static Result<std::shared_ptr<GgufFile>> parse(std::shared_ptr<GgufFile> file, const uint8_t *bytes,
                                                   uint64_t size);
    Error keyError(const std::string &key, const std::string &what) const;

    std::string m_path;
    void *m_map = nullptr;
    size_t m_mapSize = 0;
    std::vector<uint8_t> m_memory; // openMemory()'s bytes
    uint64_t m_dataOffset = 0;
    uint32_t m_version = 0;
    uint64_t m_alignment = 32;
    std::map<std::string, GgufValue> m_metadata;
    std::vector<GgufTensorInfo> m_tensors;
    std::map<std::string, size_t> m_index;
};

} // namespace ost
