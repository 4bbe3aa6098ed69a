#include "core/text/BpeTokenizer.h"
#include "core/common/MessageText.h"

#include "core/text/internal/AddedTokenMatcher.h"
#include "core/text/internal/BpeMerges.h"
#include "core/text/internal/ByteLevel.h"
#include "core/text/internal/Gpt2PreTokenizer.h"
#include "core/text/internal/Nfc.h"
#include "core/text/internal/Qwen2PreTokenizer.h"
#include "core/text/internal/Utf8.h"

#include <array>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

namespace ost {

using namespace text;

struct BpeTokenizer::Impl {
    std::unordered_map<std::string, int32_t> vocab; // byte-level spelling -> id
    std::unordered_map<std::string, int64_t> added; // content -> id
    std::vector<std::string> bytesOf;               // id -> raw bytes it decodes to
    std::vector<char> known;                        // id -> is a token
    std::array<int32_t, 256> byteIds{};
    BpeMerges merges;
    AddedTokenMatcher matcher;
    BpeConfig::PreTokenizer preTokenizer = BpeConfig::PreTokenizer::Qwen2;
    bool nfc = true;
    bool ignoreMerges = false;

    // Words repeat a lot in natural text; caching their ids skips the merge loop. Bounded so a
    // long run over a huge corpus cannot grow it without limit.
    static constexpr size_t kCacheLimit = 1 << 18;
    mutable std::unordered_map<std::string, std::vector<int32_t>> cache;
    mutable std::shared_mutex cacheMutex;

    void encodeWord(const std::string &bytes, std::vector<int64_t> &out) const;
    void encodeText(std::string_view text, std::vector<int64_t> &out) const;
};

BpeTokenizer::BpeTokenizer() : d(std::make_unique<Impl>()) {}
BpeTokenizer::~BpeTokenizer() = default;

Result<std::unique_ptr<BpeTokenizer>> BpeTokenizer::create(const BpeConfig &config)
{
    std::unique_ptr<BpeTokenizer> tok(new BpeTokenizer());
    Impl &d = *tok->d;
    d.nfc = config.nfc;
    d.preTokenizer = config.preTokenizer;
    d.ignoreMerges = config.ignoreMerges;

    int64_t maxId = -1;
    for (const auto &[token, id] : config.vocab)
        maxId = std::max(maxId, id);
    for (const auto &a : config.addedTokens)
        maxId = std::max(maxId, a.id);
    if (maxId >= (int64_t{1} << 31))
        return Error{"token id " + std::to_string(maxId) + " is too large"};
    d.bytesOf.resize(static_cast<size_t>(maxId + 1));
    d.known.assign(static_cast<size_t>(maxId + 1), 0);

    d.vocab.reserve(config.vocab.size());
    for (const auto &[token, id] : config.vocab) {
        if (id < 0)
            return Error{"negative id for token " + quotedValue(token)};
        d.vocab.emplace(token, static_cast<int32_t>(id));
        std::string bytes;
        if (!unicodeToBytes(token, bytes))
            bytes = token; // not byte-level spelled (should not happen in a byte-level vocab)
        d.bytesOf[id] = std::move(bytes);
        d.known[id] = 1;
    }
    // Some byte-level vocabularies leave out a few control bytes (SmolLM2 has no token for 0x00-0x08,
    // say). Hugging Face's BPE without byte fallback or unknown token drops such a byte; so do we.
    // A vocabulary missing most bytes is not byte-level at all.
    const auto &byteChars = byteToUnicode();
    int missing = 0, firstMissing = -1;
    for (int b = 0; b < 256; ++b) {
        auto it = d.vocab.find(byteChars[b]);
        d.byteIds[b] = it == d.vocab.end() ? -1 : it->second;
        if (it == d.vocab.end() && missing++ == 0)
            firstMissing = b;
    }
    if (missing > 64)
        return Error{"the vocabulary has no token for " + std::to_string(missing) + " of the 256 bytes (the first: byte " +
                     std::to_string(firstMissing) + ", " + quotedValue(byteChars[firstMissing]) + "): not a byte-level BPE vocabulary"};

    d.merges.reserve(config.merges.size());
    for (size_t rank = 0; rank < config.merges.size(); ++rank) {
        const auto &[a, b] = config.merges[rank];
        auto ia = d.vocab.find(a), ib = d.vocab.find(b), im = d.vocab.find(a + b);
        if (ia == d.vocab.end() || ib == d.vocab.end() || im == d.vocab.end())
            return Error{"merge " + std::to_string(rank) + " (" + quotedValue(a) + " " + quotedValue(b) +
                         ") uses a token missing from the vocabulary"};
        d.merges.add(ia->second, ib->second, static_cast<int32_t>(rank), im->second);
    }

    for (const auto &a : config.addedTokens) {
        if (a.id < 0)
            return Error{"negative id for added token " + quotedValue(a.content)};
        d.added[a.content] = a.id;
        d.matcher.add(a.content, a.id);
        d.bytesOf[a.id] = a.content;
        d.known[a.id] = 1;
    }
    return tok;
}

void BpeTokenizer::Impl::encodeWord(const std::string &bytes, std::vector<int64_t> &out) const
{
    {
        std::shared_lock lock(cacheMutex);
        auto it = cache.find(bytes);
        if (it != cache.end()) {
            out.insert(out.end(), it->second.begin(), it->second.end());
            return;
        }
    }
    std::vector<int32_t> symbols;
    bool whole = false;
    if (ignoreMerges) {
        std::string spelled;
        for (unsigned char b : bytes)
            spelled += byteToUnicode()[b];
        auto it = vocab.find(spelled);
        if (it != vocab.end()) {
            symbols = {it->second};
            whole = true;
        }
    }
    if (!whole) {
        symbols.reserve(bytes.size());
        for (unsigned char b : bytes)
            if (byteIds[b] >= 0)
                symbols.push_back(byteIds[b]);
        merges.apply(symbols);
    }
    out.insert(out.end(), symbols.begin(), symbols.end());
    std::unique_lock lock(cacheMutex);
    if (cache.size() >= kCacheLimit)
        cache.clear();
    cache.emplace(bytes, std::move(symbols));
}

void BpeTokenizer::Impl::encodeText(std::string_view text, std::vector<int64_t> &out) const
{
    std::u32string cps = decodeUtf8(text);
    if (nfc)
        cps = text::nfc(cps);
    std::string piece;
    const auto pieces = preTokenizer == BpeConfig::PreTokenizer::Qwen2
                            ? splitQwen2(cps)
                            : splitGpt2(cps, preTokenizer == BpeConfig::PreTokenizer::Gpt2Digits);
    for (const auto &[b, e] : pieces) {
        piece.clear();
        for (size_t i = b; i < e; ++i)
            appendUtf8(piece, cps[i]);
        encodeWord(piece, out);
    }
}

std::vector<int64_t> BpeTokenizer::encode(const std::string &text) const
{
    std::vector<int64_t> out;
    out.reserve(text.size() / 3 + 4);
    for (const auto &seg : d->matcher.split(text)) {
        if (seg.id >= 0)
            out.push_back(seg.id);
        else
            d->encodeText(std::string_view(text).substr(seg.begin, seg.end - seg.begin), out);
    }
    return out;
}

std::string BpeTokenizer::decode(const std::vector<int64_t> &ids) const
{
    std::string out;
    for (int64_t id : ids) {
        if (id >= 0 && id < static_cast<int64_t>(d->known.size()) && d->known[id])
            out += d->bytesOf[id];
        else
            out += "\xEF\xBF\xBD";
    }
    return out;
}

int64_t BpeTokenizer::vocabSize() const { return static_cast<int64_t>(d->bytesOf.size()); }

std::optional<int64_t> BpeTokenizer::tokenId(const std::string &token) const
{
    if (auto it = d->added.find(token); it != d->added.end())
        return it->second;
    if (auto it = d->vocab.find(token); it != d->vocab.end())
        return it->second;
    return std::nullopt;
}

size_t BpeTokenizer::mergeCount() const { return d->merges.size(); }
size_t BpeTokenizer::addedTokenCount() const { return d->added.size(); }

} // namespace ost
