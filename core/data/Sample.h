#pragma once
// One SFT record as the curator sees it, independent of the file format it came from.
#include <cstdint>
#include <string>
#include <vector>

namespace ost {

struct Turn {
    std::string role;    // "system", "user" or "assistant" (format tags are mapped to these)
    std::string content; // text with "<image>" placeholders where the format has them
};

struct Sample {
    std::string id;                // the record's own id, else "sha1:<first 12 hex of content hash>"
    std::vector<Turn> turns;
    std::vector<std::string> images;         // image paths as written in the record
    std::vector<std::string> resolvedImages; // same order; absolute path, or "" when not found
    std::string contentHash;       // hex hash of the record's original bytes (edits are noticed)
    int64_t index = 0;             // 0-based position in the dataset
    int64_t line = 0;              // 1-based line in the file where the record starts
    std::string rawJson;           // the record's original bytes, unchanged

    // First user turn and last assistant turn (what OST scores); empty when absent.
    std::string question() const;
    std::string answer() const;
};

} // namespace ost
