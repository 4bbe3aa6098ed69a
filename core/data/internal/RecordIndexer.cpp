#include "core/data/internal/RecordIndexer.h"
#include "core/common/MessageText.h"

#include "core/data/Hash.h"
#include "core/data/internal/JsonScanner.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <numeric>
#include <set>
#include <unistd.h>

namespace ost::detail {
namespace {

constexpr size_t kChunk = 8u << 20;

inline bool isWs(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// A UTF-16 byte order mark, or JSON's first characters with a zero byte beside each ('{' 00 or
// 00 '{'): UTF-16 without a mark. Either way every line would be "malformed JSON at column 1".
bool isUtf16(const char *b, size_t len)
{
    const auto u = [&](size_t i) { return static_cast<unsigned char>(b[i]); };
    if (len >= 2 && ((u(0) == 0xFF && u(1) == 0xFE) || (u(0) == 0xFE && u(1) == 0xFF)))
        return true;
    if (len < 4)
        return false;
    const bool le = (u(0) == '{' || u(0) == '[') && u(1) == 0 && u(3) == 0;
    const bool be = u(0) == 0 && (u(1) == '{' || u(1) == '[') && u(2) == 0;
    return le || be;
}

// Chunked reader shared by both layouts: a window [0, len) of the file starting at `start`.
struct Window {
    int fd;
    std::vector<char> buf; // sized by the indexer: the file (small ones), at most kChunk; grows for long records
    int64_t start = 0;
    size_t len = 0;
    bool eof = false;

    // Drops bytes before `keepFrom`, grows when the kept part fills the buffer, reads more.
    Result<bool> refill(size_t keepFrom)
    {
        if (keepFrom > 0) {
            std::memmove(buf.data(), buf.data() + keepFrom, len - keepFrom);
            start += static_cast<int64_t>(keepFrom);
            len -= keepFrom;
        }
        if (len == buf.size())
            buf.resize(buf.size() * 2);
        for (;;) {
            const ssize_t n = ::pread(fd, buf.data() + len, buf.size() - len, start + static_cast<int64_t>(len));
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                return Error{std::string("read error: ") + std::strerror(errno)};
            if (n == 0)
                eof = true;
            len += static_cast<size_t>(n);
            return true;
        }
    }
};

class Indexer {
public:
    Indexer(int fd, int64_t size, const ProgressCallback &progress, const CancelToken *cancel)
        : m_win{fd, std::vector<char>(static_cast<size_t>(std::clamp<int64_t>(size + 1, 4096, static_cast<int64_t>(kChunk))))}, m_size(size),
          m_progress(progress), m_cancel(cancel)
    {
    }

    Result<RecordIndex> run()
    {
        // Layout: a top-level array when the first non-blank byte is '['; anything else is read
        // line by line (garbage then shows up as per-line errors instead of failing the open).
        if (auto r = m_win.refill(0); !r.ok())
            return r.error();
        if (isUtf16(m_win.buf.data(), m_win.len))
            return Error{"the file is UTF-16, not UTF-8: convert it first (iconv -f UTF-16 -t UTF-8 IN > OUT)"};
        size_t p = skipBom(0);
        while (p < m_win.len && isWs(m_win.buf[p]))
            ++p;
        m_out.jsonArray = p < m_win.len && m_win.buf[p] == '[';
        Status s = m_out.jsonArray ? runArray() : runLines();
        if (!s.ok())
            return s.error();
        return std::move(m_out);
    }

private:
    size_t skipBom(size_t p) const
    {
        if (m_win.start == 0 && p == 0 && m_win.len >= 3 && std::memcmp(m_win.buf.data(), "\xEF\xBB\xBF", 3) == 0)
            return 3;
        return p;
    }

    Status checkpoint(int64_t filePos)
    {
        if (m_cancel && m_cancel->isCancelled())
            return Error{"indexing cancelled"};
        if (m_progress && filePos - m_lastReport >= (16 << 20)) {
            m_lastReport = filePos;
            Progress pr;
            pr.done = filePos;
            pr.total = m_size;
            pr.message = "indexing " + std::to_string(m_out.records.size()) + " records";
            m_progress(pr);
        }
        return {};
    }

    void issue(int64_t line, std::string message)
    {
        ValidationIssue v;
        v.severity = ValidationIssue::Severity::Error;
        v.line = line;
        v.message = std::move(message);
        m_out.issues.push_back(std::move(v));
    }

    // One candidate record: syntax check, then id.
    void addRecord(const char *data, size_t len, int64_t fileOffset, int64_t line)
    {
        const std::string_view text(data, len);
        if (len > kMaxRecordBytes) {
            issue(line, "record is " + std::to_string(len >> 20) + " MiB, over the 256 MiB limit; skipped");
            return;
        }
        if (!m_scanner.scan(text)) {
            // Column in bytes, counted from the record's first byte (its line for JSONL).
            issue(line, "malformed JSON at column " + std::to_string(m_scanner.errorOffset() + 1) + ": " +
                            m_scanner.error());
            return;
        }
        if (!m_scanner.isObject()) {
            issue(line, "record is not a JSON object");
            return;
        }
        std::string id;
        if (!decodeIdToken(m_scanner.memberValue(text, "id"), id) || id.empty())
            id = "sha1:" + sha1Hex(text).substr(0, 12);
        RecordRef ref;
        ref.offset = fileOffset;
        ref.length = static_cast<uint32_t>(len);
        ref.line = static_cast<uint32_t>(std::min<int64_t>(line, UINT32_MAX));
        ref.hash = recordHash64(text);
        m_out.records.push_back(ref);
        m_out.ids.push_back(std::move(id));
    }

    void handleLine(size_t begin, size_t end, int64_t line)
    {
        begin = skipBom(begin);
        if (end > begin && m_win.buf[end - 1] == '\r')
            --end;
        size_t first = begin;
        while (first < end && isWs(m_win.buf[first]))
            ++first;
        if (first == end)
            return; // blank lines are layout, not records
        addRecord(m_win.buf.data() + begin, end - begin, m_win.start + static_cast<int64_t>(begin), line);
    }

    Status runLines()
    {
        size_t pos = 0;       // start of the current line in the window
        size_t searched = 0;  // bytes after pos already known to hold no newline
        int64_t line = 0;
        bool skipping = false; // inside an over-long line
        int64_t skipLine = 0;
        for (;;) {
            const char *from = m_win.buf.data() + pos + searched;
            const void *nl = std::memchr(from, '\n', m_win.len - pos - searched);
            if (!nl) {
                if (m_win.eof) {
                    if (skipping)
                        issue(skipLine, "line longer than 256 MiB; skipped");
                    else if (pos < m_win.len)
                        handleLine(pos, m_win.len, ++line);
                    break;
                }
                searched = m_win.len - pos;
                if (searched > kMaxRecordBytes) {
                    if (!skipping) {
                        skipping = true;
                        skipLine = line + 1;
                    }
                    pos = m_win.len; // drop what we have; keep looking for the end of the line
                    searched = 0;
                }
                if (auto r = m_win.refill(pos); !r.ok())
                    return r.error();
                pos = 0;
                if (Status s = checkpoint(m_win.start); !s.ok())
                    return s;
                continue;
            }
            const size_t end = static_cast<size_t>(static_cast<const char *>(nl) - m_win.buf.data());
            ++line;
            if (skipping) {
                skipping = false;
                issue(skipLine, "line longer than 256 MiB; skipped");
            } else {
                handleLine(pos, end, line);
            }
            pos = end + 1;
            searched = 0;
        }
        m_out.lines = line;
        return {};
    }

    Status runArray()
    {
        enum class Phase { Before, Inside, After } phase = Phase::Before;
        int64_t line = 1;
        int depth = 0;          // nesting inside the current element (1 = between its tokens at top)
        bool inString = false, escape = false;
        size_t elemStart = SIZE_MAX;
        int64_t elemLine = 0;
        bool scalarElem = false;
        size_t i = skipBom(0);
        auto finishElement = [&](size_t end) {
            addRecord(m_win.buf.data() + elemStart, end - elemStart, m_win.start + static_cast<int64_t>(elemStart),
                      elemLine);
            elemStart = SIZE_MAX;
        };
        for (;;) {
            if (i >= m_win.len) {
                if (m_win.eof)
                    break;
                const size_t keep = elemStart != SIZE_MAX ? elemStart : i;
                if (elemStart != SIZE_MAX && i - elemStart > kMaxRecordBytes) {
                    issue(elemLine, "array element longer than 256 MiB; the rest of the file is not indexed");
                    return {};
                }
                if (auto r = m_win.refill(keep); !r.ok())
                    return r.error();
                i -= keep;
                if (elemStart != SIZE_MAX)
                    elemStart -= keep;
                if (Status s = checkpoint(m_win.start); !s.ok())
                    return s;
                continue;
            }
            const char c = m_win.buf[i];
            if (phase == Phase::Before) {
                if (c == '\n')
                    ++line;
                if (c == '[')
                    phase = Phase::Inside;
                ++i;
                continue;
            }
            if (phase == Phase::After) {
                if (c == '\n')
                    ++line;
                if (!isWs(c)) {
                    issue(line, "unexpected data after the closing ']' of the JSON array");
                    break;
                }
                ++i;
                continue;
            }
            if (elemStart == SIZE_MAX) { // between elements
                if (c == '\n')
                    ++line;
                if (c == ']')
                    phase = Phase::After;
                else if (!isWs(c) && c != ',') {
                    elemStart = i;
                    elemLine = line;
                    scalarElem = !(c == '{' || c == '[');
                    depth = scalarElem ? 0 : 1;
                    inString = c == '"';
                    escape = false;
                }
                ++i;
                continue;
            }
            if (inString) {
                if (escape)
                    escape = false;
                else if (c == '\\')
                    escape = true;
                else if (c == '"') {
                    inString = false;
                    if (scalarElem) {
                        finishElement(i + 1);
                        ++i;
                        continue;
                    }
                }
                if (c == '\n')
                    ++line;
                ++i;
                continue;
            }
            if (scalarElem) {
                if (c == ',' || c == ']' || isWs(c)) {
                    finishElement(i);
                    continue; // the separator is handled between elements
                }
                ++i;
                continue;
            }
            if (c == '\n')
                ++line;
            else if (c == '"')
                inString = true;
            else if (c == '{' || c == '[')
                ++depth;
            else if (c == '}' || c == ']') {
                if (--depth == 0) {
                    finishElement(i + 1);
                }
            }
            ++i;
        }
        if (elemStart != SIZE_MAX)
            issue(elemLine, "file ends inside the record that starts here (truncated file?)");
        else if (phase != Phase::After)
            issue(line, "JSON array is not closed with ']' (truncated file?)");
        m_out.lines = line;
        return {};
    }

    Window m_win;
    int64_t m_size;
    const ProgressCallback &m_progress;
    const CancelToken *m_cancel;
    int64_t m_lastReport = 0;
    JsonScanner m_scanner;
    RecordIndex m_out;
};

} // namespace

Result<RecordIndex> indexRecords(int fd, int64_t fileSize, const ProgressCallback &progress, const CancelToken *cancel)
{
    return Indexer(fd, fileSize, progress, cancel).run();
}

std::vector<uint32_t> makeIdsUnique(RecordIndex &index)
{
    auto &ids = index.ids;
    std::vector<uint32_t> order(ids.size());
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return ids[a] < ids[b]; });
    auto exists = [&](const std::string &id) {
        return std::binary_search(order.begin(), order.end(), id, [&](const auto &x, const auto &y) {
            if constexpr (std::is_same_v<std::decay_t<decltype(x)>, uint32_t>)
                return ids[x] < y;
            else
                return x < ids[y];
        });
    };
    std::set<std::string> taken; // suffixed ids handed out so far
    std::vector<std::pair<uint32_t, std::string>> renames;
    for (size_t k = 1; k < order.size(); ++k) {
        if (ids[order[k]] != ids[order[k - 1]])
            continue;
        const std::string &base = ids[order[k]];
        // order is stable, so order[k] comes later in the file than the first holder of the id
        for (int n = 2;; ++n) {
            std::string candidate = base + "#" + std::to_string(n);
            if (!exists(candidate) && taken.insert(candidate).second) {
                renames.emplace_back(order[k], std::move(candidate));
                break;
            }
        }
    }
    for (auto &[idx, newId] : renames) {
        const RecordRef &r = index.records[idx];
        ValidationIssue v;
        v.severity = ValidationIssue::Severity::Warning;
        v.sampleId = newId;
        v.index = idx;
        v.line = r.line;
        v.message = "duplicate id " + quotedValue(ids[idx]) + " (an earlier record has it); renamed to " + quotedValue(newId);
        index.issues.push_back(std::move(v));
        ids[idx] = std::move(newId);
    }
    if (!renames.empty())
        std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return ids[a] < ids[b]; });
    return order;
}

} // namespace ost::detail
