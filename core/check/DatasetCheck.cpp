#include "core/check/DatasetCheck.h"

#include "core/check/TextFingerprint.h"
#include "core/check/UnionFind.h"
#include "core/check/internal/ParallelFor.h"
#include "core/data/Hash.h"
#include "core/text/ChatTemplate.h"
#include "core/vision/ImageProcessor.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <unordered_map>

namespace ost {

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

// What phase 1 keeps of a sample: fingerprints, not the text.
struct SampleFacts {
    bool readable = false;
    std::string textKey;   // sha1 of the normalised turns
    uint64_t answerKey = 0; // hash of the normalised answer (identical answers share a signature)
    std::vector<uint64_t> shingles;
    std::vector<std::string> imagePaths; // resolved; "" when not found
};

Status validate(const CheckOptions &o)
{
    if (!(o.nearTextThreshold > 0 && o.nearTextThreshold <= 1))
        return Error{"the near-duplicate threshold must be in (0, 1]"};
    if (o.shingleWords < 1 || o.permutations < 1 || o.lshBands < 1 || o.lshRows < 1 ||
        o.lshBands * o.lshRows > o.permutations)
        return Error{"MinHash needs shingles of at least 1 word and bands x rows <= permutations"};
    if (o.nearImageDistance < 0 || o.nearImageDistance > 64)
        return Error{"the near-duplicate image distance must be 0..64 bits"};
    if (!(o.nearImageCorrelation >= -1 && o.nearImageCorrelation <= 1))
        return Error{"the near-duplicate image correlation must be in [-1, 1]"};
    if (o.cutoffLen < 0)
        return Error{"cutoff_len must be >= 0 (0 skips the length check)"};
    return Status::success();
}

// Pairs of items whose 64-bit hashes differ in at most `t` bits. Pigeonhole (multi-index hashing):
// cut into t + 1 chunks, two hashes within t bits agree on at least one whole chunk, so only items
// sharing a chunk value are compared. Exact, and near-linear for spread-out hashes.
std::vector<std::pair<int64_t, int64_t>> hammingPairs(const std::vector<uint64_t> &hashes, int t)
{
    std::vector<std::pair<int64_t, int64_t>> out;
    const size_t n = hashes.size();
    if (t >= 16) {
        for (size_t a = 0; a < n; ++a)
            for (size_t b = a + 1; b < n; ++b)
                if (hammingDistance(hashes[a], hashes[b]) <= t)
                    out.emplace_back(a, b);
        return out;
    }
    const int chunks = t + 1;
    for (int c = 0; c < chunks; ++c) {
        const int lo = 64 * c / chunks, hi = 64 * (c + 1) / chunks;
        const uint64_t mask = (hi - lo == 64) ? ~uint64_t(0) : ((uint64_t(1) << (hi - lo)) - 1);
        std::unordered_map<uint64_t, std::vector<int64_t>> buckets;
        for (size_t i = 0; i < n; ++i)
            buckets[(hashes[i] >> lo) & mask].push_back(static_cast<int64_t>(i));
        for (const auto &kv : buckets)
            for (size_t x = 0; x < kv.second.size(); ++x)
                for (size_t y = x + 1; y < kv.second.size(); ++y)
                    if (hammingDistance(hashes[kv.second[x]], hashes[kv.second[y]]) <= t)
                        out.emplace_back(kv.second[x], kv.second[y]);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

struct PairStats {
    double closest = 0, farthest = 0;
    bool any = false;
    void add(double v, bool higherIsCloser)
    {
        if (!any) {
            closest = farthest = v;
            any = true;
            return;
        }
        if (higherIsCloser) {
            closest = std::max(closest, v);
            farthest = std::min(farthest, v);
        } else {
            closest = std::min(closest, v);
            farthest = std::max(farthest, v);
        }
    }
};

// Groups of equal keys (size > 1), members ascending, groups by first member. Empty keys take no part.
template <class Key>
std::vector<std::vector<int64_t>> groupsOfEqual(const std::vector<Key> &keys, const std::vector<bool> &take)
{
    std::map<Key, std::vector<int64_t>> byKey;
    for (size_t i = 0; i < keys.size(); ++i)
        if (take[i])
            byKey[keys[i]].push_back(static_cast<int64_t>(i));
    std::vector<std::vector<int64_t>> out;
    for (auto &kv : byKey)
        if (kv.second.size() > 1)
            out.push_back(std::move(kv.second));
    std::sort(out.begin(), out.end(), [](const auto &a, const auto &b) { return a.front() < b.front(); });
    return out;
}

} // namespace

std::string duplicateKindName(DuplicateKind k)
{
    switch (k) {
    case DuplicateKind::ExactSample: return "exact";
    case DuplicateKind::NearAnswer: return "near-answer";
    case DuplicateKind::ExactImage: return "exact-image";
    case DuplicateKind::NearImage: return "near-image";
    }
    return "?";
}

int64_t CheckReport::groupCount(DuplicateKind k) const
{
    return std::count_if(groups.begin(), groups.end(), [&](const DuplicateGroup &g) { return g.kind == k; });
}

int64_t CheckReport::redundantCount(DuplicateKind k) const
{
    int64_t n = 0;
    for (const auto &g : groups)
        if (g.kind == k)
            n += static_cast<int64_t>(g.members.size()) - 1;
    return n;
}

int64_t CheckReport::imageIssueCount(ImageIssue issue) const
{
    return std::count_if(images.begin(), images.end(), [&](const CheckedImage &im) {
        return std::find(im.issues.begin(), im.issues.end(), issue) != im.issues.end();
    });
}

Result<CheckReport> checkDataset(const Dataset &dataset, const CheckOptions &options, const ProgressCallback &progress,
                                 const CancelToken *cancel)
{
    if (Status s = validate(options); !s.ok())
        return s.error();
    const auto start = Clock::now();
    const int threads = detail::checkThreads(options.threads);
    const int64_t n = dataset.size();
    CheckReport report;
    report.datasetPath = dataset.path();
    report.samples = n;
    report.options = options;
    report.options.tokenizer = nullptr;
    report.ids.resize(static_cast<size_t>(n));
    report.tokens.assign(static_cast<size_t>(n), -1);
    report.sampleImages.resize(static_cast<size_t>(n));
    std::mutex problemsMutex;
    auto addProblem = [&](int64_t index, std::string message) {
        std::lock_guard<std::mutex> lock(problemsMutex);
        report.problems.push_back({index, index >= 0 ? dataset.id(index) : std::string(), std::move(message)});
    };
    auto ticker = [&](int64_t total, const char *what) {
        auto meter = std::make_shared<ProgressMeter>(total);
        return [&progress, meter, what](int64_t done) {
            if (progress)
                progress(meter->update(done, what));
        };
    };
    auto cancelled = [&] { return cancel && cancel->isCancelled(); };

    // 1. Every sample once: text fingerprints and image paths.
    std::vector<SampleFacts> facts(static_cast<size_t>(n));
    detail::parallelFor(n, threads, cancel, [&](int64_t i) {
        auto s = dataset.sample(i);
        SampleFacts &f = facts[static_cast<size_t>(i)];
        if (!s.ok()) {
            addProblem(i, s.error().message);
            return;
        }
        f.readable = true;
        report.ids[static_cast<size_t>(i)] = s->id;
        std::string turns;
        for (const Turn &t : s->turns)
            turns += t.role + '\x1f' + normaliseForMatch(t.content) + '\x1e';
        f.textKey = sha1Hex(turns);
        const std::string answer = normaliseForMatch(s->answer());
        f.answerKey = recordHash64(answer);
        f.shingles = wordShingles(answer, options.shingleWords);
        f.imagePaths = s->resolvedImages;
        for (size_t k = 0; k < s->resolvedImages.size(); ++k)
            if (s->resolvedImages[k].empty())
                addProblem(i, "image '" + s->images[k] + "' not found");
    }, ticker(n, "reading samples"));
    if (cancelled())
        return Error{"cancelled"};
    report.readSeconds = since(start);

    // 2. Every distinct image once: decoded through the project's decoder (its pixel limit applies).
    const auto imageStart = Clock::now();
    {
        std::map<std::string, std::vector<int64_t>> uses;
        for (int64_t i = 0; i < n; ++i)
            for (const auto &p : facts[static_cast<size_t>(i)].imagePaths)
                if (!p.empty()) {
                    auto &u = uses[p];
                    if (u.empty() || u.back() != i)
                        u.push_back(i);
                }
        std::map<std::string, int64_t> imageIndex;
        for (auto &kv : uses) {
            imageIndex[kv.first] = static_cast<int64_t>(report.images.size());
            CheckedImage im;
            im.path = kv.first;
            im.samples = std::move(kv.second);
            report.images.push_back(std::move(im));
        }
        for (int64_t i = 0; i < n; ++i)
            for (const auto &p : facts[static_cast<size_t>(i)].imagePaths)
                report.sampleImages[static_cast<size_t>(i)].push_back(p.empty() ? -1 : imageIndex[p]);
    }
    detail::parallelFor(static_cast<int64_t>(report.images.size()), threads, cancel, [&](int64_t k) {
        CheckedImage &im = report.images[static_cast<size_t>(k)];
        auto decoded = decodeImageFile(im.path);
        if (!decoded.ok()) {
            im.error = decoded.error().message;
            return;
        }
        im.measures = measureImage(decoded.value());
        im.issues = imageIssues(im.measures, options.image);
    }, ticker(static_cast<int64_t>(report.images.size()), "checking images"));
    if (cancelled())
        return Error{"cancelled"};
    for (const auto &im : report.images)
        if (!im.error.empty())
            addProblem(im.samples.empty() ? -1 : im.samples.front(),
                       im.error + (im.samples.size() > 1 ? " (used by " + std::to_string(im.samples.size()) + " samples)" : ""));
    report.imageSeconds = since(imageStart);

    // 3. Length of the templated sample, images' tokens included, under the chosen processor.
    const auto lengthStart = Clock::now();
    std::unique_ptr<Tokenizer> byteTokenizer;
    const Tokenizer *tokenizer = options.tokenizer;
    if (!tokenizer) {
        byteTokenizer = makeByteTokenizer();
        tokenizer = byteTokenizer.get();
    }
    if (options.cutoffLen > 0) {
        ImageProcessor processor(options.imageProcessor);
        processor.setMaxPixelsCap(options.maxPixelsCap);
        const auto padId = tokenizer->tokenId("<|image_pad|>");
        if (!padId)
            return Error{"the tokenizer has no <|image_pad|> token: not a Qwen2-VL tokenizer, so image tokens cannot be counted"};
        const int64_t patch = options.imageProcessor.patchSize, merge = options.imageProcessor.mergeSize;
        std::vector<SampleLength> lengths(static_cast<size_t>(n));
        detail::parallelFor(n, threads, cancel, [&](int64_t i) {
            if (!facts[static_cast<size_t>(i)].readable)
                return;
            std::vector<int64_t> counts;
            for (int64_t k : report.sampleImages[static_cast<size_t>(i)]) {
                if (k < 0 || !report.images[static_cast<size_t>(k)].error.empty())
                    return; // already a problem: the image is missing or unreadable
                const auto &m = report.images[static_cast<size_t>(k)].measures;
                auto size = processor.targetSize(m.height, m.width);
                if (!size.ok()) {
                    addProblem(i, "length unknown: image " + report.images[static_cast<size_t>(k)].path + ": " +
                                      size.error().message);
                    return;
                }
                counts.push_back((size->height / patch) * (size->width / patch) / (merge * merge));
            }
            auto s = dataset.sample(i);
            if (!s.ok())
                return;
            auto encoded = encodeChat(s.value(), *tokenizer, counts);
            if (!encoded.ok()) {
                addProblem(i, "length unknown: " + encoded.error().message);
                return;
            }
            SampleLength &L = lengths[static_cast<size_t>(i)];
            L.index = i;
            L.tokens = static_cast<int64_t>(encoded->inputIds.size());
            for (size_t p = 0; p < encoded->inputIds.size(); ++p)
                if (encoded->inputIds[p] == *padId) {
                    ++L.imageTokens;
                    L.lastImageToken = static_cast<int64_t>(p);
                }
            report.tokens[static_cast<size_t>(i)] = L.tokens;
        }, ticker(n, "counting tokens"));
        if (cancelled())
            return Error{"cancelled"};
        for (int64_t i = 0; i < n; ++i)
            if (report.tokens[static_cast<size_t>(i)] > options.cutoffLen)
                report.overCutoff.push_back(lengths[static_cast<size_t>(i)]);
    }
    report.lengthSeconds = since(lengthStart);

    // 4. Groups.
    const auto groupStart = Clock::now();
    if (progress)
        progress(Progress{0, 0, 0, -1, "grouping duplicates"});
    std::vector<bool> readable(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i)
        readable[static_cast<size_t>(i)] = facts[static_cast<size_t>(i)].readable;

    // Exact samples: equal normalised turns and equal pixels (a missing or unreadable image compares
    // by its path, so it never makes two different samples equal).
    std::vector<std::string> exactKeys(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
        std::string key = facts[static_cast<size_t>(i)].textKey;
        const auto &paths = facts[static_cast<size_t>(i)].imagePaths;
        for (size_t j = 0; j < paths.size(); ++j) {
            const int64_t k = report.sampleImages[static_cast<size_t>(i)][j];
            if (k >= 0 && report.images[static_cast<size_t>(k)].error.empty())
                key += "|px:" + std::to_string(report.images[static_cast<size_t>(k)].measures.pixelHash);
            else
                key += "|path:" + paths[j];
        }
        exactKeys[static_cast<size_t>(i)] = std::move(key);
    }
    std::vector<std::vector<int64_t>> exactGroups = groupsOfEqual(exactKeys, readable);
    for (const auto &g : exactGroups)
        report.groups.push_back({DuplicateKind::ExactSample, g, 1, 1});

    // Near answers: one signature per distinct answer, LSH candidates, exact Jaccard to confirm.
    {
        std::unordered_map<uint64_t, int64_t> firstWithAnswer;
        std::vector<int64_t> reps; // sample index of each distinct answer that has shingles
        UnionFind uf(static_cast<size_t>(n));
        std::vector<PairStats> stats(static_cast<size_t>(n));
        for (int64_t i = 0; i < n; ++i) {
            const SampleFacts &f = facts[static_cast<size_t>(i)];
            if (!f.readable || f.shingles.empty())
                continue;
            auto [it, inserted] = firstWithAnswer.emplace(f.answerKey, i);
            if (inserted)
                reps.push_back(i);
            else if (jaccard(facts[static_cast<size_t>(it->second)].shingles, f.shingles) >= 1.0) // not a hash clash
                uf.unite(static_cast<size_t>(it->second), static_cast<size_t>(i)), stats[static_cast<size_t>(i)].add(1.0, true);
        }
        const MinHasher hasher(options.permutations);
        std::vector<std::vector<uint64_t>> signatures(reps.size());
        detail::parallelFor(static_cast<int64_t>(reps.size()), threads, cancel, [&](int64_t r) {
            signatures[static_cast<size_t>(r)] = hasher.signature(facts[static_cast<size_t>(reps[static_cast<size_t>(r)])].shingles);
        }, [](int64_t) {});
        if (cancelled())
            return Error{"cancelled"};
        for (const auto &[a, b] : lshCandidatePairs(signatures, options.lshBands, options.lshRows)) {
            const int64_t ia = reps[static_cast<size_t>(a)], ib = reps[static_cast<size_t>(b)];
            const double j = jaccard(facts[static_cast<size_t>(ia)].shingles, facts[static_cast<size_t>(ib)].shingles);
            if (j >= options.nearTextThreshold) {
                uf.unite(static_cast<size_t>(ia), static_cast<size_t>(ib));
                stats[static_cast<size_t>(ia)].add(j, true);
                stats[static_cast<size_t>(ib)].add(j, true);
            }
        }
        for (auto &g : uf.groups()) {
            // A group that only repeats an exact group adds nothing.
            if (std::find(exactGroups.begin(), exactGroups.end(), g) != exactGroups.end())
                continue;
            PairStats s;
            for (int64_t m : g)
                if (stats[static_cast<size_t>(m)].any) {
                    s.add(stats[static_cast<size_t>(m)].closest, true);
                    s.add(stats[static_cast<size_t>(m)].farthest, true);
                }
            report.groups.push_back({DuplicateKind::NearAnswer, std::move(g), s.closest, s.farthest});
        }
    }

    // Images: equal pixels, then perceptual hashes within the distance.
    {
        const size_t m = report.images.size();
        std::vector<bool> measured(m);
        std::vector<uint64_t> pixelKeys(m);
        for (size_t k = 0; k < m; ++k) {
            measured[k] = report.images[k].error.empty();
            pixelKeys[k] = report.images[k].measures.pixelHash;
        }
        auto exactImageGroups = groupsOfEqual(pixelKeys, measured);
        UnionFind uf(m);
        for (const auto &g : exactImageGroups) {
            for (int64_t k : g)
                uf.unite(static_cast<size_t>(g.front()), static_cast<size_t>(k));
            report.groups.push_back({DuplicateKind::ExactImage, g, 0, 0});
        }
        std::vector<int64_t> distinct; // one image per distinct picture
        std::vector<uint64_t> hashes;
        std::map<uint64_t, bool> seen;
        for (size_t k = 0; k < m; ++k)
            if (measured[k] && seen.emplace(pixelKeys[k], true).second) {
                distinct.push_back(static_cast<int64_t>(k));
                hashes.push_back(report.images[k].measures.perceptualHash);
            }
        std::vector<PairStats> stats(m);
        for (const auto &[a, b] : hammingPairs(hashes, options.nearImageDistance)) {
            const int64_t ka = distinct[static_cast<size_t>(a)], kb = distinct[static_cast<size_t>(b)];
            const double d = hammingDistance(hashes[static_cast<size_t>(a)], hashes[static_cast<size_t>(b)]);
            if (thumbnailCorrelation(report.images[static_cast<size_t>(ka)].measures,
                                     report.images[static_cast<size_t>(kb)].measures) < options.nearImageCorrelation)
                continue;
            uf.unite(static_cast<size_t>(ka), static_cast<size_t>(kb));
            stats[static_cast<size_t>(ka)].add(d, false);
            stats[static_cast<size_t>(kb)].add(d, false);
        }
        for (auto &g : uf.groups()) {
            if (std::find(exactImageGroups.begin(), exactImageGroups.end(), g) != exactImageGroups.end())
                continue;
            PairStats s;
            for (int64_t k : g)
                if (stats[static_cast<size_t>(k)].any) {
                    s.add(stats[static_cast<size_t>(k)].closest, false);
                    s.add(stats[static_cast<size_t>(k)].farthest, false);
                }
            report.groups.push_back({DuplicateKind::NearImage, std::move(g), s.closest, s.farthest});
        }
    }
    std::stable_sort(report.groups.begin(), report.groups.end(), [](const DuplicateGroup &a, const DuplicateGroup &b) {
        return a.kind != b.kind ? a.kind < b.kind : a.members.front() < b.members.front();
    });
    std::sort(report.problems.begin(), report.problems.end(), [](const SampleProblem &a, const SampleProblem &b) {
        return a.index != b.index ? a.index < b.index : a.message < b.message;
    });
    report.groupSeconds = since(groupStart);
    report.seconds = since(start);
    return report;
}

} // namespace ost
