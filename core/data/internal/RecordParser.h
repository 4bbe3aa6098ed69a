#pragma once
// Turns one parsed record into turns and image paths, for every supported layout. Layout-specific
// knowledge (role tags, where images live) is kept here so Dataset and Exporter share it.
#include "core/common/Result.h"
#include "core/data/Dataset.h"
#include "core/data/Sample.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace ost::detail {

// What a single record looks like; Unknown when it has neither "messages" nor "conversations".
DatasetFormat guessRecordFormat(const nlohmann::json &record, bool jsonArray);
// The file's format from its first records' guesses (the most specific one seen wins).
DatasetFormat pickFormat(const std::vector<DatasetFormat> &guesses, bool jsonArray);

// Fills sample.turns and sample.images; the error names the offending field.
Status readRecord(const nlohmann::json &record, DatasetFormat format, Sample &sample);

// "human" -> "user", "gpt" -> "assistant", ...; unknown tags are returned unchanged.
std::string canonicalRole(const std::string &tag);
// Tag to write back for a canonical role in conversations-style output.
std::string shareGptTag(const std::string &role);

int countImagePlaceholders(const std::string &text);

// Qwen-VL "<img>path</img>": the paths, in order; `text` gets "<image>" in place of each tag.
std::vector<std::string> extractQwenImageTags(std::string &text);

bool isQwenFormat(DatasetFormat f);
bool usesMessages(DatasetFormat f);

} // namespace ost::detail
