#include "core/data/internal/JsonScanner.h"

#include <nlohmann/json.hpp>

namespace ost::detail {
namespace {

inline bool isWs(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
inline bool isDigit(char c) { return c >= '0' && c <= '9'; }
inline bool isHex(char c) { return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

inline void skipWs(std::string_view t, size_t &pos)
{
    while (pos < t.size() && isWs(t[pos]))
        ++pos;
}

} // namespace

bool JsonScanner::fail(size_t offset, const char *what)
{
    m_errorOffset = offset;
    m_error = what;
    return false;
}

bool JsonScanner::scanString(std::string_view t, size_t &pos)
{
    const size_t start = pos;
    ++pos; // opening quote
    const size_t n = t.size();
    while (pos < n) {
        const unsigned char c = static_cast<unsigned char>(t[pos]);
        if (c == '"') {
            ++pos;
            return true;
        }
        if (c == '\\') {
            if (pos + 1 >= n)
                break;
            const char e = t[pos + 1];
            if (e == 'u') {
                if (pos + 5 >= n || !isHex(t[pos + 2]) || !isHex(t[pos + 3]) || !isHex(t[pos + 4]) || !isHex(t[pos + 5]))
                    return fail(pos, "bad \\u escape in string");
                pos += 6;
                continue;
            }
            if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r' && e != 't')
                return fail(pos, "bad escape in string");
            pos += 2;
            continue;
        }
        if (c < 0x20)
            return fail(pos, "control character inside a string");
        ++pos;
    }
    return fail(start, "string not terminated");
}

bool JsonScanner::scanNumber(std::string_view t, size_t &pos)
{
    const size_t start = pos;
    const size_t n = t.size();
    if (pos < n && t[pos] == '-')
        ++pos;
    if (pos >= n || !isDigit(t[pos]))
        return fail(start, "invalid number");
    if (t[pos] == '0')
        ++pos;
    else
        while (pos < n && isDigit(t[pos]))
            ++pos;
    if (pos < n && t[pos] == '.') {
        ++pos;
        if (pos >= n || !isDigit(t[pos]))
            return fail(start, "invalid number");
        while (pos < n && isDigit(t[pos]))
            ++pos;
    }
    if (pos < n && (t[pos] == 'e' || t[pos] == 'E')) {
        ++pos;
        if (pos < n && (t[pos] == '+' || t[pos] == '-'))
            ++pos;
        if (pos >= n || !isDigit(t[pos]))
            return fail(start, "invalid number");
        while (pos < n && isDigit(t[pos]))
            ++pos;
    }
    return true;
}

bool JsonScanner::scanLiteral(std::string_view t, size_t &pos, const char *word)
{
    const std::string_view w(word);
    if (t.substr(pos, w.size()) != w)
        return fail(pos, "unexpected character (expected a value)");
    pos += w.size();
    return true;
}

// `"key" :` at pos (whitespace before it already skipped); records the key's span in `member` when the
// key belongs to the root object.
bool JsonScanner::scanKey(std::string_view t, size_t &pos, JsonMember *member, const char *missingKey)
{
    if (pos >= t.size() || t[pos] != '"')
        return fail(pos, missingKey);
    const size_t keyBegin = pos;
    if (!scanString(t, pos))
        return false;
    if (member) {
        member->keyBegin = keyBegin;
        member->keyEnd = pos;
    }
    skipWs(t, pos);
    if (pos >= t.size() || t[pos] != ':')
        return fail(pos, "expected ':' after key");
    ++pos;
    return true;
}

bool JsonScanner::scan(std::string_view t)
{
    m_stack.clear();
    m_members.clear();
    m_error.clear();
    m_isObject = false;
    const size_t n = t.size();
    size_t pos = 0;
    skipWs(t, pos);
    if (pos >= n)
        return fail(pos, "empty record");
    m_isObject = t[pos] == '{';

    JsonMember member{};
    // A top-level member's value starts when the stack depth is 1 inside the root object.
    auto atRootObject = [&] { return m_stack.size() == 1 && m_isObject; };

    for (;;) {
        // --- expecting a value at pos ---
        skipWs(t, pos);
        if (pos >= n)
            return fail(pos, "unexpected end of record (truncated?)");
        const bool memberValue = atRootObject();
        if (memberValue)
            member.valueBegin = pos;
        const char c = t[pos];
        if (c == '{' || c == '[') {
            if (m_stack.size() >= kMaxDepth)
                return fail(pos, "nesting too deep");
            m_stack.push_back(c);
            ++pos;
            skipWs(t, pos);
            if (pos < n && t[pos] == (c == '{' ? '}' : ']')) {
                ++pos;
                m_stack.pop_back(); // empty container: completes like a scalar
            } else if (c == '{') {
                if (!scanKey(t, pos, atRootObject() ? &member : nullptr, "expected a string key"))
                    return false;
                continue;
            } else {
                continue;
            }
        } else if (c == '"') {
            if (!scanString(t, pos))
                return false;
        } else if (c == '-' || isDigit(c)) {
            if (!scanNumber(t, pos))
                return false;
        } else if (c == 't') {
            if (!scanLiteral(t, pos, "true"))
                return false;
        } else if (c == 'f') {
            if (!scanLiteral(t, pos, "false"))
                return false;
        } else if (c == 'n') {
            if (!scanLiteral(t, pos, "null"))
                return false;
        } else {
            return fail(pos, "unexpected character (expected a value)");
        }

        // --- a value just ended at pos: close containers, find the next value ---
        for (;;) {
            if (atRootObject() && member.valueBegin) {
                member.valueEnd = pos;
                m_members.push_back(member);
                member = JsonMember{};
            }
            skipWs(t, pos);
            if (m_stack.empty()) {
                if (pos != n)
                    return fail(pos, "unexpected data after the record");
                return true;
            }
            if (pos >= n)
                return fail(pos, "unexpected end of record (truncated?)");
            const char top = m_stack.back();
            const char d = t[pos];
            if (d == ',') {
                ++pos;
                if (top == '{') {
                    skipWs(t, pos);
                    if (!scanKey(t, pos, atRootObject() ? &member : nullptr, "expected a string key after ','"))
                        return false;
                }
                break; // expect the next value
            }
            if ((d == '}' && top == '{') || (d == ']' && top == '[')) {
                ++pos;
                m_stack.pop_back();
                continue; // the container is a value that just ended
            }
            return fail(pos, top == '{' ? "expected ',' or '}'" : "expected ',' or ']'");
        }
    }
}

std::string_view JsonScanner::memberValue(std::string_view text, std::string_view key) const
{
    for (const auto &m : m_members) {
        const std::string_view k = text.substr(m.keyBegin + 1, m.keyEnd - m.keyBegin - 2);
        if (k == key)
            return text.substr(m.valueBegin, m.valueEnd - m.valueBegin);
    }
    return {};
}

std::vector<std::pair<size_t, size_t>> JsonScanner::stringTokens(std::string_view t, size_t begin, size_t end)
{
    std::vector<std::pair<size_t, size_t>> out;
    JsonScanner s;
    size_t pos = begin;
    skipWs(t, pos);
    if (pos >= end)
        return out;
    if (t[pos] == '"') {
        size_t p = pos;
        if (s.scanString(t.substr(0, end), p))
            out.emplace_back(pos, p);
        return out;
    }
    if (t[pos] != '[')
        return out;
    ++pos;
    // Walk the array's elements at one level: strings are recorded, anything else is skipped by
    // scanning it as a standalone value up to the next top-level ',' or ']'.
    while (pos < end) {
        skipWs(t, pos);
        if (pos >= end || t[pos] == ']')
            break;
        if (t[pos] == ',') {
            ++pos;
            continue;
        }
        if (t[pos] == '"') {
            size_t p = pos;
            if (!s.scanString(t.substr(0, end), p))
                break;
            out.emplace_back(pos, p);
            pos = p;
        } else {
            return {}; // non-string elements (objects with "path"...): caller falls back
        }
    }
    return out;
}

bool decodeIdToken(std::string_view token, std::string &out)
{
    if (token.empty())
        return false;
    if (token.front() == '"') {
        if (token.find('\\') == std::string_view::npos) {
            out.assign(token.data() + 1, token.size() - 2);
            return true;
        }
        try {
            out = nlohmann::json::parse(token).get<std::string>();
            return true;
        } catch (const std::exception &) {
            return false;
        }
    }
    if (token.front() == '-' || isDigit(token.front())) {
        out.assign(token.data(), token.size());
        return true;
    }
    return false;
}

} // namespace ost::detail
