#include "core/model/internal/SafetensorsTorch.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>

#include <unistd.h>

namespace ost::model {

namespace {

struct DtypePair {
    const char *name;
    torch::ScalarType type;
};

const DtypePair kDtypes[] = {
    {"F64", torch::kFloat64}, {"F32", torch::kFloat32}, {"F16", torch::kFloat16}, {"BF16", torch::kBFloat16},
    {"I64", torch::kInt64},   {"I32", torch::kInt32},   {"I16", torch::kInt16},   {"I8", torch::kInt8},
    {"U8", torch::kUInt8},    {"BOOL", torch::kBool},
};

} // namespace

torch::ScalarType scalarTypeOf(const std::string &safetensorsDtype)
{
    for (const DtypePair &d : kDtypes)
        if (safetensorsDtype == d.name)
            return d.type;
    // Views come from a validated file, so this is a programming error, not bad input.
    throw std::invalid_argument("unsupported safetensors dtype " + safetensorsDtype);
}

Result<std::string> safetensorsDtypeOf(torch::ScalarType type)
{
    for (const DtypePair &d : kDtypes)
        if (type == d.type)
            return std::string(d.name);
    return Error{std::string("dtype ") + c10::toString(type) + " cannot be stored in safetensors"};
}

torch::Tensor toTensor(const TensorView &view, std::optional<torch::ScalarType> target)
{
    // Copy into a fresh (aligned) tensor rather than from_blob on the mapping: the mapping's data
    // is not necessarily aligned for the element type and must not outlive the file.
    torch::Tensor t = torch::empty(view.shape, torch::TensorOptions().dtype(scalarTypeOf(view.dtype)));
    if (view.bytes)
        std::memcpy(t.data_ptr(), view.data, view.bytes);
    if (target && *target != t.scalar_type())
        t = t.to(*target);
    return t;
}

Status writeSafetensors(const std::string &path, const std::vector<std::pair<std::string, torch::Tensor>> &tensors,
                        const std::map<std::string, std::string> &metadata)
{
    const auto fail = [&](const std::string &what) { return Error{"writing safetensors '" + path + "': " + what}; };

    std::vector<torch::Tensor> contiguous;
    contiguous.reserve(tensors.size());
    nlohmann::json header = nlohmann::json::object();
    if (!metadata.empty())
        header["__metadata__"] = metadata;
    std::set<std::string> seen;
    uint64_t offset = 0;
    for (const auto &[name, tensor] : tensors) {
        if (name == "__metadata__" || !seen.insert(name).second)
            return fail("tensor name '" + name + "' is reserved or used twice");
        if (!tensor.defined())
            return fail("tensor '" + name + "' is undefined");
        auto dtype = safetensorsDtypeOf(tensor.scalar_type());
        if (!dtype)
            return fail("tensor '" + name + "': " + dtype.error().message);
        torch::Tensor t = tensor.detach().to(torch::kCPU).contiguous();
        const uint64_t bytes = static_cast<uint64_t>(t.numel()) * t.element_size();
        header[name] = {{"dtype", dtype.value()}, {"shape", t.sizes().vec()}, {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
        contiguous.push_back(std::move(t));
    }

    std::string headerText = header.dump();
    // Pad with spaces so the data section starts 8-byte aligned, as the reference writer does.
    headerText.append((8 - headerText.size() % 8) % 8, ' ');
    uint8_t lengthBytes[8];
    for (int i = 0; i < 8; ++i)
        lengthBytes[i] = static_cast<uint8_t>((static_cast<uint64_t>(headerText.size()) >> (8 * i)) & 0xff);

    const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
    std::FILE *f = std::fopen(tmp.c_str(), "wb");
    if (!f)
        return fail(std::string("cannot create '") + tmp + "': " + std::strerror(errno));
    bool ok = std::fwrite(lengthBytes, 1, 8, f) == 8 &&
              std::fwrite(headerText.data(), 1, headerText.size(), f) == headerText.size();
    for (size_t i = 0; ok && i < contiguous.size(); ++i) {
        const torch::Tensor &t = contiguous[i];
        const size_t bytes = static_cast<size_t>(t.numel()) * t.element_size();
        ok = bytes == 0 || std::fwrite(t.data_ptr(), 1, bytes, f) == bytes;
    }
    const int savedErrno = errno;
    ok = ok && std::fflush(f) == 0 && ::fsync(::fileno(f)) == 0;
    ok = (std::fclose(f) == 0) && ok;
    if (!ok) {
        std::remove(tmp.c_str());
        return fail(std::string("write failed: ") + std::strerror(savedErrno ? savedErrno : errno));
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        std::remove(tmp.c_str());
        return fail("cannot rename temporary file into place: " + why);
    }
    return Status::success();
}

} // namespace ost::model
