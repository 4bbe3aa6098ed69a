// Grading answers of the demo task and reading its ground truth back.
#include "core/demo/SyntheticMathSet.h"

#include <algorithm>
#include <cctype>
#include <climits>
#include <fstream>
#include <sstream>

namespace ost {

namespace {

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// An integer starting at pos after skipping spaces and the decorations models put around answers.
std::optional<int> integerAt(const std::string &s, size_t pos)
{
    while (pos < s.size() && (std::isspace(static_cast<unsigned char>(s[pos])) || s[pos] == ':' || s[pos] == '$' ||
                              s[pos] == '*' || s[pos] == '{'))
        ++pos;
    if (s.compare(pos, 7, "\\boxed{") == 0)
        pos += 7;
    bool negative = false;
    if (pos < s.size() && s[pos] == '-') {
        negative = true;
        ++pos;
    }
    long long v = 0;
    size_t digits = 0;
    for (; pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos])); ++pos, ++digits) {
        v = v * 10 + (s[pos] - '0');
        if (v > INT_MAX)
            return std::nullopt;
    }
    if (digits == 0)
        return std::nullopt;
    return static_cast<int>(negative ? -v : v);
}

} // namespace

std::optional<int> extractFinalAnswer(const std::string &answer)
{
    const std::string text = lower(answer);
    if (auto at = text.rfind("answer is"); at != std::string::npos)
        if (auto v = integerAt(text, at + 9))
            return v;
    if (auto at = text.rfind("\\boxed{"); at != std::string::npos)
        if (auto v = integerAt(text, at + 7))
            return v;
    // Last run of digits anywhere (with its minus sign when it directly precedes).
    size_t end = text.size();
    while (end > 0 && !std::isdigit(static_cast<unsigned char>(text[end - 1])))
        --end;
    if (end == 0)
        return std::nullopt;
    size_t begin = end;
    while (begin > 0 && std::isdigit(static_cast<unsigned char>(text[begin - 1])))
        --begin;
    if (begin > 0 && text[begin - 1] == '-')
        --begin;
    return integerAt(text.substr(begin, end - begin), 0);
}

Result<std::map<std::string, SyntheticLabel>> readSyntheticLabels(const std::string &labelsCsv)
{
    std::ifstream in(labelsCsv);
    if (!in)
        return Error{labelsCsv + ": cannot open"};
    std::string line;
    if (!std::getline(in, line) || line.rfind("id,toxic,kind,answer", 0) != 0)
        return Error{labelsCsv + ": not a demo labels file (expected header id,toxic,kind,answer)"};
    std::map<std::string, SyntheticLabel> out;
    for (int lineNo = 2; std::getline(in, line); ++lineNo) {
        if (line.empty())
            continue;
        std::stringstream ss(line);
        SyntheticLabel l;
        std::string toxic, answer;
        std::getline(ss, l.id, ',');
        std::getline(ss, toxic, ',');
        std::getline(ss, l.kind, ',');
        std::getline(ss, answer, ',');
        const auto value = integerAt(answer, 0);
        if (l.id.empty() || (toxic != "0" && toxic != "1") || !value)
            return Error{labelsCsv + ":" + std::to_string(lineNo) + ": malformed row '" + line + "'"};
        l.toxic = toxic == "1";
        l.answer = *value;
        out[l.id] = l;
    }
    return out;
}

} // namespace ost
