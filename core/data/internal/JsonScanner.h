#pragma once
// A validating JSON scanner that builds nothing: it checks one record's syntax and notes where its
// top-level members are. Indexing a million-record file runs this on every record, so it must not
// allocate per record; full parsing (nlohmann) happens only when a sample is asked for.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ost::detail {

struct JsonMember {
    size_t keyBegin, keyEnd;     // the key's string token, quotes included
    size_t valueBegin, valueEnd; // the value's token or container
};

class JsonScanner {
public:
    // Checks that `text` holds exactly one JSON value (whitespace around it allowed). On success,
    // members() lists the top-level members when the value is an object.
    bool scan(std::string_view text);

    bool isObject() const { return m_isObject; }
    const std::vector<JsonMember> &members() const { return m_members; }
    // Byte offset in `text` where the error was found and what was expected there.
    size_t errorOffset() const { return m_errorOffset; }
    const std::string &error() const { return m_error; }

    // The value of top-level member `key` (raw token text), empty when absent. Keys are compared
    // as written, so an escaped key ("\u0069d") does not match "id".
    std::string_view memberValue(std::string_view text, std::string_view key) const;

    // Offsets of the string tokens inside [begin, end): the value itself when it is a string, or
    // the string elements of an array (one level). Used to rewrite image paths in place.
    static std::vector<std::pair<size_t, size_t>> stringTokens(std::string_view text, size_t begin, size_t end);

    static constexpr size_t kMaxDepth = 512; // fuzzed "[[[[..." lines must not blow a stack later

private:
    bool fail(size_t offset, const char *what);
    bool scanString(std::string_view text, size_t &pos);
    bool scanKey(std::string_view text, size_t &pos, JsonMember *member, const char *missingKey);
    bool scanNumber(std::string_view text, size_t &pos);
    bool scanLiteral(std::string_view text, size_t &pos, const char *word);

    std::vector<char> m_stack;
    std::vector<JsonMember> m_members;
    bool m_isObject = false;
    size_t m_errorOffset = 0;
    std::string m_error;
};

// Decodes a JSON string token (quotes included) or returns a number token's text; nullopt-like
// empty `ok` for other tokens.
bool decodeIdToken(std::string_view token, std::string &out);

} // namespace ost::detail
