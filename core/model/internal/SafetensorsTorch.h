#pragma once
// LibTorch side of safetensors: copying a mapped TensorView into a tensor, and writing tensors to a
// .safetensors file. Only core .cpp files include this.
#include "core/common/Result.h"
#include "core/model/Safetensors.h"

#include <torch/torch.h>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ost::model {

// The torch dtype of a safetensors dtype string (the string was validated when the file opened).
torch::ScalarType scalarTypeOf(const std::string &safetensorsDtype);
// "F32", "BF16", ...; an error for dtypes safetensors cannot store (complex, quantised, ...).
Result<std::string> safetensorsDtypeOf(torch::ScalarType type);

// A CPU tensor holding a copy of the view's bytes (the mapping can go away afterwards), converted
// to `target` when given (e.g. BF16/F16 checkpoints -> fp32 for CPU).
torch::Tensor toTensor(const TensorView &view, std::optional<torch::ScalarType> target = std::nullopt);

// Writes `tensors` in the given order (names must be unique) plus string metadata. Atomic: a
// temporary file beside `path` is renamed over it only once fully written, so a crash never leaves
// a half-written checkpoint under the final name.
Status writeSafetensors(const std::string &path, const std::vector<std::pair<std::string, torch::Tensor>> &tensors,
                        const std::map<std::string, std::string> &metadata = {});

} // namespace ost::model
