#include "core/data/Dataset.h"

#include <utility>

namespace ost {
namespace {

const std::pair<DatasetFormat, const char *> kNames[] = {
    {DatasetFormat::MessagesJsonl, "messages-jsonl"}, {DatasetFormat::MessagesJson, "messages-json"},
    {DatasetFormat::ShareGptJsonl, "sharegpt-jsonl"}, {DatasetFormat::ShareGptJson, "sharegpt-json"},
    {DatasetFormat::LlavaJson, "llava-json"},         {DatasetFormat::LlavaJsonl, "llava-jsonl"},
    {DatasetFormat::QwenVlJson, "qwenvl-json"},       {DatasetFormat::QwenVlJsonl, "qwenvl-jsonl"},
};

} // namespace

std::string formatName(DatasetFormat f)
{
    for (const auto &[format, name] : kNames)
        if (format == f)
            return name;
    return "unknown";
}

DatasetFormat formatFromName(const std::string &name)
{
    for (const auto &[format, n] : kNames)
        if (name == n)
            return format;
    // Friendly aliases for the CLI.
    if (name == "messages")
        return DatasetFormat::MessagesJsonl;
    if (name == "sharegpt")
        return DatasetFormat::ShareGptJsonl;
    if (name == "llava")
        return DatasetFormat::LlavaJson;
    if (name == "qwenvl" || name == "qwen-vl")
        return DatasetFormat::QwenVlJson;
    return DatasetFormat::Unknown;
}

bool isJsonArrayFormat(DatasetFormat f)
{
    return f == DatasetFormat::MessagesJson || f == DatasetFormat::ShareGptJson || f == DatasetFormat::LlavaJson ||
           f == DatasetFormat::QwenVlJson;
}

} // namespace ost
