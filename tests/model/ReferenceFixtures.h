#pragma once
// Helpers shared by the tests that compare a native model with transformers' fixtures.
#include "core/model/Safetensors.h"
#include "core/model/internal/SafetensorsTorch.h"

#include <QtTest>

#include <map>
#include <string>

namespace ost::testing {

// Every tensor of a fixture .safetensors file, by name (a broken fixture stops the test).
inline std::map<std::string, torch::Tensor> readAll(const std::string &path)
{
    auto file = SafetensorsFile::open(path);
    if (!file)
        qFatal("%s", file.error().message.c_str());
    std::map<std::string, torch::Tensor> out;
    for (const std::string &name : file.value()->names())
        out[name] = model::toTensor(*file.value()->find(name));
    return out;
}

inline double cosine(const torch::Tensor &a, const torch::Tensor &b)
{
    const auto x = a.flatten().to(torch::kDouble), y = b.flatten().to(torch::kDouble);
    return (x.dot(y) / (x.norm() * y.norm())).item<double>();
}

} // namespace ost::testing
