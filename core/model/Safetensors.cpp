#include "core/model/Safetensors.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ost {

namespace fs = std::filesystem;

namespace {

// The reference implementation refuses headers above 100 MB; a larger length is a corrupt file,
// not a model we should try to parse.
constexpr uint64_t kMaxHeaderBytes = 100'000'000;

Error fileError(const std::string &path, const std::string &what)
{
    return Error{"safetensors file '" + path + "': " + what};
}

Error tensorError(const std::string &path, const std::string &tensor, const std::string &what)
{
    return Error{"safetensors file '" + path + "', tensor '" + tensor + "': " + what};
}

uint64_t readLittleEndian64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i)
        v = (v << 8) | p[i];
    return v;
}

bool isNonNegativeInteger(const nlohmann::json &j)
{
    return j.is_number_unsigned() || (j.is_number_integer() && j.get<int64_t>() >= 0);
}

// An mmap that unmaps itself unless released, so every early error return cleans up.
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

size_t safetensorsDtypeSize(const std::string &dtype)
{
    static const std::map<std::string, size_t> sizes = {
        {"F64", 8}, {"F32", 4}, {"F16", 2}, {"BF16", 2}, {"I64", 8}, {"I32", 4},
        {"I16", 2}, {"I8", 1},  {"U8", 1},  {"BOOL", 1},
    };
    const auto it = sizes.find(dtype);
    return it == sizes.end() ? 0 : it->second;
}

int64_t TensorView::numel() const
{
    int64_t n = 1;
    for (int64_t d : shape)
        n *= d;
    return n;
}

SafetensorsFile::~SafetensorsFile()
{
    if (m_map)
        ::munmap(m_map, m_mapSize);
}

Result<std::shared_ptr<SafetensorsFile>> SafetensorsFile::open(const std::string &path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fileError(path, std::string("cannot open: ") + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return fileError(path, "not a regular file");
    }
    const uint64_t fileSize = static_cast<uint64_t>(st.st_size);
    if (fileSize < 8) {
        ::close(fd);
        return fileError(path, "truncated: " + std::to_string(fileSize) +
                                   " bytes, shorter than the 8-byte header length");
    }
    Mapping map;
    map.size = static_cast<size_t>(fileSize);
    void *addr = ::mmap(nullptr, map.size, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd); // the mapping keeps the file alive
    if (addr == MAP_FAILED)
        return fileError(path, std::string("cannot map: ") + std::strerror(errno));
    map.addr = addr;
    const auto *bytes = static_cast<const uint8_t *>(addr);

    const uint64_t headerLen = readLittleEndian64(bytes);
    if (headerLen > kMaxHeaderBytes)
        return fileError(path, "header length " + std::to_string(headerLen) +
                                   " is implausible (corrupt file or not safetensors)");
    if (8 + headerLen > fileSize)
        return fileError(path, "truncated: header says " + std::to_string(headerLen) +
                                   " header bytes but the file has only " + std::to_string(fileSize - 8) +
                                   " after the length");

    nlohmann::json header;
    try {
        header = nlohmann::json::parse(bytes + 8, bytes + 8 + headerLen);
    } catch (const nlohmann::json::exception &e) {
        return fileError(path, std::string("header is not valid JSON: ") + e.what());
    }
    if (!header.is_object())
        return fileError(path, "header is not a JSON object");

    std::shared_ptr<SafetensorsFile> file(new SafetensorsFile());
    file->m_path = path;
    const uint8_t *dataStart = bytes + 8 + headerLen;
    const uint64_t dataSize = fileSize - 8 - headerLen;

    struct Span {
        uint64_t begin, end;
        std::string name;
    };
    std::vector<Span> spans;
    for (const auto &[name, entry] : header.items()) {
        if (name == "__metadata__") {
            if (!entry.is_object())
                return fileError(path, "__metadata__ is not a JSON object");
            for (const auto &[key, value] : entry.items()) {
                if (!value.is_string())
                    return fileError(path, "__metadata__ value of '" + key + "' is not a string");
                file->m_metadata[key] = value.get<std::string>();
            }
            continue;
        }
        if (!entry.is_object())
            return tensorError(path, name, "entry is not a JSON object");
        const auto dtypeIt = entry.find("dtype");
        const auto shapeIt = entry.find("shape");
        const auto offsetsIt = entry.find("data_offsets");
        if (dtypeIt == entry.end() || !dtypeIt->is_string())
            return tensorError(path, name, "missing or non-string \"dtype\"");
        if (shapeIt == entry.end() || !shapeIt->is_array())
            return tensorError(path, name, "missing or non-array \"shape\"");
        if (offsetsIt == entry.end() || !offsetsIt->is_array() || offsetsIt->size() != 2 ||
            !isNonNegativeInteger((*offsetsIt)[0]) || !isNonNegativeInteger((*offsetsIt)[1]))
            return tensorError(path, name, "\"data_offsets\" must be two non-negative integers");

        TensorView view;
        view.name = name;
        view.dtype = dtypeIt->get<std::string>();
        const size_t elementSize = safetensorsDtypeSize(view.dtype);
        if (elementSize == 0)
            return tensorError(path, name, "unsupported dtype '" + view.dtype + "'");
        // Guard the multiplication: a corrupt shape must not wrap around and pass the size check.
        uint64_t expected = elementSize;
        for (const auto &d : *shapeIt) {
            if (!isNonNegativeInteger(d))
                return tensorError(path, name, "shape has a negative or non-integer dimension");
            const uint64_t dim = d.get<uint64_t>();
            if (dim != 0 && expected > std::numeric_limits<uint64_t>::max() / dim)
                return tensorError(path, name, "shape is too large");
            expected *= dim;
            view.shape.push_back(static_cast<int64_t>(dim));
        }
        const uint64_t begin = (*offsetsIt)[0].get<uint64_t>();
        const uint64_t end = (*offsetsIt)[1].get<uint64_t>();
        if (begin > end)
            return tensorError(path, name, "data_offsets begin " + std::to_string(begin) + " > end " +
                                               std::to_string(end));
        if (end > dataSize)
            return tensorError(path, name, "data_offsets end " + std::to_string(end) +
                                               " is beyond the data section (" + std::to_string(dataSize) +
                                               " bytes; file truncated?)");
        if (end - begin != expected)
            return tensorError(path, name, "holds " + std::to_string(end - begin) + " bytes but " + view.dtype +
                                               " with this shape needs " + std::to_string(expected));
        view.data = dataStart + begin;
        view.bytes = static_cast<size_t>(end - begin);
        spans.push_back({begin, end, name});
        file->m_tensors.emplace(name, std::move(view));
    }

    std::sort(spans.begin(), spans.end(), [](const Span &a, const Span &b) {
        return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
    });
    for (size_t i = 1; i < spans.size(); ++i) {
        // Empty tensors occupy no bytes and may share an offset with a neighbour.
        if (spans[i].begin < spans[i - 1].end && spans[i].begin != spans[i].end)
            return tensorError(path, spans[i].name, "data overlaps tensor '" + spans[i - 1].name + "'");
    }
    for (const Span &s : spans)
        file->m_names.push_back(s.name);

    file->m_map = map.addr;
    file->m_mapSize = map.size;
    map.addr = nullptr; // owned by the file now
    return file;
}

const TensorView *SafetensorsFile::find(const std::string &name) const
{
    const auto it = m_tensors.find(name);
    return it == m_tensors.end() ? nullptr : &it->second;
}

// ---------------------------------------------------------------------------------------------

namespace {

Status openIndex(const fs::path &indexPath, std::vector<std::shared_ptr<SafetensorsFile>> &files,
                 std::map<std::string, size_t> &where)
{
    const std::string ip = indexPath.string();
    std::ifstream in(indexPath);
    if (!in)
        return Error{"safetensors index '" + ip + "': cannot open"};
    nlohmann::json index;
    try {
        in >> index;
    } catch (const nlohmann::json::exception &e) {
        return Error{"safetensors index '" + ip + "': not valid JSON: " + e.what()};
    }
    if (!index.is_object() || !index.contains("weight_map") || !index["weight_map"].is_object())
        return Error{"safetensors index '" + ip + "': no \"weight_map\" object"};

    std::map<std::string, size_t> shardIndex; // shard file name -> index into files
    for (const auto &[tensor, shard] : index["weight_map"].items()) {
        if (!shard.is_string())
            return Error{"safetensors index '" + ip + "': shard of tensor '" + tensor + "' is not a string"};
        const std::string shardName = shard.get<std::string>();
        auto it = shardIndex.find(shardName);
        if (it == shardIndex.end()) {
            auto opened = SafetensorsFile::open((indexPath.parent_path() / shardName).string());
            if (!opened)
                return Error{"safetensors index '" + ip + "': shard of tensor '" + tensor +
                             "' failed: " + opened.error().message};
            files.push_back(opened.takeValue());
            it = shardIndex.emplace(shardName, files.size() - 1).first;
        }
        if (!files[it->second]->find(tensor))
            return Error{"safetensors index '" + ip + "': tensor '" + tensor + "' is mapped to '" + shardName +
                         "' but that shard does not contain it"};
        where[tensor] = it->second;
    }
    return Status::success();
}

} // namespace

Result<SafetensorsCheckpoint> SafetensorsCheckpoint::open(const std::string &path)
{
    std::error_code ec;
    fs::path p(path);
    if (fs::is_directory(p, ec)) {
        if (fs::exists(p / "model.safetensors.index.json", ec))
            p /= "model.safetensors.index.json";
        else if (fs::exists(p / "model.safetensors", ec))
            p /= "model.safetensors";
        else
            return Error{"folder '" + path + "' has neither model.safetensors nor model.safetensors.index.json"};
    }

    SafetensorsCheckpoint checkpoint;
    const std::string name = p.filename().string();
    if (name.size() >= 5 && name.compare(name.size() - 5, 5, ".json") == 0) {
        const Status s = openIndex(p, checkpoint.m_files, checkpoint.m_where);
        if (!s)
            return s.error();
        return checkpoint;
    }

    auto file = SafetensorsFile::open(p.string());
    if (!file)
        return file.error();
    checkpoint.m_files.push_back(file.takeValue());
    for (const std::string &n : checkpoint.m_files.front()->names())
        checkpoint.m_where[n] = 0;
    return checkpoint;
}

std::vector<std::string> SafetensorsCheckpoint::names() const
{
    std::vector<std::string> out;
    out.reserve(m_where.size());
    for (const auto &[n, i] : m_where)
        out.push_back(n);
    return out;
}

const TensorView *SafetensorsCheckpoint::find(const std::string &name) const
{
    const auto it = m_where.find(name);
    return it == m_where.end() ? nullptr : m_files[it->second]->find(name);
}

std::string SafetensorsCheckpoint::fileOf(const std::string &name) const
{
    const auto it = m_where.find(name);
    return it == m_where.end() ? std::string() : m_files[it->second]->path();
}

} // namespace ost
