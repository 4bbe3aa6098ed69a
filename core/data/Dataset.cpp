// Dataset::open: index the file once, parse records only when asked.
#include "core/data/Dataset.h"

#include "core/common/MessageText.h"
#include "core/data/Hash.h"
#include "core/data/internal/ImagePaths.h"
#include "core/data/internal/RecordIndexer.h"
#include "core/data/internal/RecordParser.h"
#include "core/data/internal/Utf8.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <numeric>
#include <sys/stat.h>
#include <unistd.h>

namespace ost {
namespace {

using detail::RecordIndex;

// An id as quoted in a message: ids are user data and may hold a newline or a tab, which would split
// a one-line error (found by fuzz_dataset); those are shown escaped.
std::string shownId(const std::string &id) { return escapeControls(id); }

class FileDataset final : public Dataset {
public:
    FileDataset(std::string path, int fd, DatasetOptions options)
        : m_path(std::move(path)), m_dir(detail::parentFolder(m_path)), m_fd(fd), m_options(std::move(options))
    {
    }
    ~FileDataset() override { ::close(m_fd); }

    Status load(int64_t fileSize, const ProgressCallback &progress, const CancelToken *cancel)
    {
        auto indexed = detail::indexRecords(m_fd, fileSize, progress, cancel);
        if (!indexed.ok())
            return Error{m_path + ": " + indexed.error().message};
        RecordIndex index = indexed.takeValue();
        if (index.records.empty()) {
            std::string why = index.issues.empty() ? "no records" : "line " + std::to_string(index.issues.front().line) +
                                                                        ": " + index.issues.front().message;
            return Error{m_path + ": no readable records, not a dataset (" + why + ")"};
        }
        m_byId = detail::makeIdsUnique(index); // sorted positions: 4 bytes per record, not a hash map's ~50
        m_records = std::move(index.records);
        // Format from the first records that parse; the index holds only syntactically valid ones.
        std::vector<DatasetFormat> guesses;
        for (size_t i = 0; i < m_records.size() && guesses.size() < 32; ++i) {
            try {
                const std::string raw = readRaw(static_cast<int64_t>(i));
                guesses.push_back(detail::guessRecordFormat(
                    nlohmann::json::parse(detail::sanitizeUtf8(raw)), index.jsonArray));
            } catch (const std::exception &) {
            }
        }
        m_format = detail::pickFormat(guesses, index.jsonArray);
        if (m_format == DatasetFormat::Unknown)
            return Error{m_path + ": unrecognised record layout: expected a \"messages\" or \"conversations\" list "
                                  "(ms-swift/LLaMA-Factory, ShareGPT, LLaVA or Qwen-VL)"};
        m_ids = std::move(index.ids);
        m_issues = std::move(index.issues);
        std::sort(m_issues.begin(), m_issues.end(),
                  [](const ValidationIssue &a, const ValidationIssue &b) { return a.line < b.line; });
        return {};
    }

    const std::string &path() const override { return m_path; }
    DatasetFormat format() const override { return m_format; }
    int64_t size() const override { return static_cast<int64_t>(m_records.size()); }
    const std::string &id(int64_t index) const override
    {
        static const std::string none;
        return index >= 0 && index < size() ? m_ids[static_cast<size_t>(index)] : none;
    }
    int64_t indexOf(const std::string &id) const override
    {
        auto it = std::lower_bound(m_byId.begin(), m_byId.end(), id,
                                   [&](uint32_t a, const std::string &key) { return m_ids[a] < key; });
        return it != m_byId.end() && m_ids[*it] == id ? static_cast<int64_t>(*it) : -1;
    }
    std::string rawRecord(int64_t index) const override
    {
        if (index < 0 || index >= size())
            return {};
        return readRaw(index);
    }
    Status verifyRecord(int64_t index, const std::string &bytes) const override
    {
        if (index < 0 || index >= size())
            return Error{"sample index " + std::to_string(index) + " out of range"};
        const detail::RecordRef &r = m_records[static_cast<size_t>(index)];
        const std::string where = "sample '" + shownId(m_ids[static_cast<size_t>(index)]) + "' (line " + std::to_string(r.line) + "): ";
        if (bytes.size() != r.length)
            return Error{where + "read " + std::to_string(bytes.size()) + " of its " + std::to_string(r.length) +
                         " bytes from " + m_path + ": the file changed (or became unreadable) since it was opened"};
        if (recordHash64(bytes) != r.hash)
            return Error{where + "its bytes in " + m_path + " differ from when the file was opened: the file changed"};
        return Status::success();
    }
    int64_t line(int64_t index) const override
    {
        if (index < 0 || index >= size())
            return 0;
        return m_records[static_cast<size_t>(index)].line;
    }

    Result<Sample> sample(int64_t index) const override
    {
        if (index < 0 || index >= size())
            return Error{"sample index " + std::to_string(index) + " out of range (dataset has " +
                         std::to_string(size()) + ")"};
        Sample s;
        s.id = m_ids[static_cast<size_t>(index)];
        s.index = index;
        s.line = line(index);
        s.rawJson = readRaw(index);
        const std::string where = "sample '" + shownId(s.id) + "' (line " + std::to_string(s.line) + "): ";
        if (Status st = verifyRecord(index, s.rawJson); !st.ok())
            return st.error();
        s.contentHash = sha1Hex(s.rawJson);
        nlohmann::json j;
        try {
            // Invalid UTF-8 is replaced for display; validateSample reports it from rawJson.
            const bool clean = detail::firstInvalidUtf8(s.rawJson) == std::string::npos;
            j = nlohmann::json::parse(clean ? s.rawJson : detail::sanitizeUtf8(s.rawJson));
        } catch (const std::exception &e) {
            return Error{where + "cannot parse JSON: " + e.what()};
        }
        if (Status st = detail::readRecord(j, m_format, s); !st.ok())
            return Error{where + st.error().message};
        s.resolvedImages.reserve(s.images.size());
        for (const std::string &img : s.images)
            s.resolvedImages.push_back(detail::resolveImagePath(img, m_dir, m_options.imageRoot));
        return s;
    }

    const std::vector<ValidationIssue> &indexIssues() const override { return m_issues; }

private:
    // pread keeps sample() safe from many threads: no shared file position.
    std::string readRaw(int64_t index) const
    {
        const detail::RecordRef &r = m_records[static_cast<size_t>(index)];
        std::string out(r.length, '\0');
        size_t got = 0;
        while (got < out.size()) {
            const ssize_t n = ::pread(m_fd, out.data() + got, out.size() - got, r.offset + static_cast<int64_t>(got));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            got += static_cast<size_t>(n);
        }
        out.resize(got);
        return out;
    }

    std::string m_path;
    std::string m_dir;
    int m_fd;
    DatasetOptions m_options;
    DatasetFormat m_format = DatasetFormat::Unknown;
    std::vector<detail::RecordRef> m_records;
    std::vector<std::string> m_ids;
    std::vector<uint32_t> m_byId;
    std::vector<ValidationIssue> m_issues;
};

} // namespace

Result<std::unique_ptr<Dataset>> Dataset::open(const std::string &path, const DatasetOptions &options,
                                               const ProgressCallback &progress, const CancelToken *cancel)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return Error{"cannot open dataset " + path + ": " + std::strerror(errno)};
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return Error{"cannot open dataset " + path + ": not a regular file"};
    }
    if (st.st_size == 0) {
        ::close(fd);
        return Error{"dataset " + path + " is empty"};
    }
    auto ds = std::make_unique<FileDataset>(path, fd, options);
    if (Status s = ds->load(st.st_size, progress, cancel); !s.ok())
        return s.error();
    return std::unique_ptr<Dataset>(std::move(ds));
}

} // namespace ost
