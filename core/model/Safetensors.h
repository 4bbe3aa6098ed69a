#pragma once
// Reading Hugging Face .safetensors checkpoints without copying them: the file is memory-mapped and
// each tensor is a view into the mapping. Everything in the header is validated when the file is
// opened, so a view handed out is always in bounds and the right size for its dtype and shape.
// Torch conversion and writing live in core/model/internal/SafetensorsTorch.h.
#include "core/common/Result.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ost {

// Bytes per element of a safetensors dtype string ("F32", "BF16", ...); 0 for an unknown dtype.
// Supported: F64 F32 F16 BF16 I64 I32 I16 I8 U8 BOOL.
size_t safetensorsDtypeSize(const std::string &dtype);

struct TensorView {
    std::string name;
    std::string dtype;          // safetensors spelling: "F32", "BF16", ...
    std::vector<int64_t> shape; // empty for a scalar
    const uint8_t *data = nullptr; // little-endian, row-major, not necessarily aligned
    size_t bytes = 0;

    int64_t numel() const;
};

// One mapped .safetensors file. Views stay valid as long as the file object lives.
class SafetensorsFile {
public:
    static Result<std::shared_ptr<SafetensorsFile>> open(const std::string &path);
    ~SafetensorsFile();
    SafetensorsFile(const SafetensorsFile &) = delete;
    SafetensorsFile &operator=(const SafetensorsFile &) = delete;

    const std::string &path() const { return m_path; }
    // Tensor names in data order (as laid out in the file).
    const std::vector<std::string> &names() const { return m_names; }
    const TensorView *find(const std::string &name) const; // nullptr when absent
    const std::map<std::string, std::string> &metadata() const { return m_metadata; }

private:
    SafetensorsFile() = default;

    std::string m_path;
    void *m_map = nullptr;
    size_t m_mapSize = 0;
    std::vector<std::string> m_names;
    std::map<std::string, TensorView> m_tensors;
    std::map<std::string, std::string> m_metadata;
};

// A whole checkpoint: one model.safetensors, or the shards listed by model.safetensors.index.json
// (its weight_map says which shard holds which tensor). Every mapped tensor is checked to exist in
// its shard when opened.
class SafetensorsCheckpoint {
public:
    // `path`: a .safetensors file, an *.index.json, or a folder holding model.safetensors or
    // model.safetensors.index.json.
    static Result<SafetensorsCheckpoint> open(const std::string &path);

    std::vector<std::string> names() const; // sorted
    const TensorView *find(const std::string &name) const; // nullptr when absent
    // The file a tensor lives in ("" when absent), for error messages.
    std::string fileOf(const std::string &name) const;
    size_t shardCount() const { return m_files.size(); }
    const std::vector<std::shared_ptr<SafetensorsFile>> &files() const { return m_files; }

private:
    std::vector<std::shared_ptr<SafetensorsFile>> m_files;
    std::map<std::string, size_t> m_where; // tensor name -> index into m_files
};

} // namespace ost
