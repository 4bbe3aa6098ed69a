// loadTokenizerJson: reads a Hugging Face tokenizer.json into a BpeTokenizer. Only the pipeline
// Qwen2 uses is implemented; anything else is refused with a message naming the file and the
// unsupported part, rather than silently tokenising differently from the reference.
#include "core/text/BpeTokenizer.h"
#include "core/common/MessageText.h"

#include "core/text/internal/Qwen2PreTokenizer.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace ost {
namespace {

using json = nlohmann::json;

std::string typeOf(const json &j)
{
    if (j.is_object() && j.contains("type") && j["type"].is_string())
        return j["type"].get<std::string>();
    return j.is_null() ? "null" : j.dump();
}

// Returns an empty string when supported, else why not.
std::string checkNormalizer(const json &n, bool &nfc)
{
    nfc = false;
    if (n.is_null())
        return {};
    const std::string t = typeOf(n);
    if (t == "NFC") {
        nfc = true;
        return {};
    }
    if (t == "Sequence" && n.contains("normalizers") && n["normalizers"].is_array()) {
        if (n["normalizers"].empty())
            return {};
        if (n["normalizers"].size() == 1 && typeOf(n["normalizers"][0]) == "NFC") {
            nfc = true;
            return {};
        }
    }
    return "normalizer " + n.dump() + " is not supported (only NFC or none)";
}

bool isGpt2ByteLevel(const json &bl)
{
    return typeOf(bl) == "ByteLevel" && bl.value("use_regex", true) && !bl.value("add_prefix_space", false);
}

// Returns an empty string when supported (and sets `kind`), else why not.
std::string checkPreTokenizer(const json &p, BpeConfig::PreTokenizer &kind)
{
    const std::string why = "pre_tokenizer " + p.dump().substr(0, 300) +
                            " is not supported (only Qwen2's Split regex + ByteLevel, GPT-2's ByteLevel, or "
                            "SmolLM2's Digits(individual_digits) + ByteLevel)";
    if (isGpt2ByteLevel(p)) {
        kind = BpeConfig::PreTokenizer::Gpt2;
        return {};
    }
    if (typeOf(p) != "Sequence" || !p.contains("pretokenizers") || !p["pretokenizers"].is_array() ||
        p["pretokenizers"].size() != 2)
        return why;
    const json &first = p["pretokenizers"][0], &bl = p["pretokenizers"][1];
    if (typeOf(first) == "Digits" && first.value("individual_digits", false) && isGpt2ByteLevel(bl)) {
        kind = BpeConfig::PreTokenizer::Gpt2Digits;
        return {};
    }
    const json &split = first;
    if (typeOf(split) != "Split" || !split.contains("pattern") || !split["pattern"].is_object() ||
        split["pattern"].value("Regex", "") != text::kQwen2SplitPattern ||
        split.value("behavior", "") != "Isolated" || split.value("invert", false))
        return why;
    if (typeOf(bl) != "ByteLevel" || bl.value("use_regex", true) || bl.value("add_prefix_space", false))
        return why;
    kind = BpeConfig::PreTokenizer::Qwen2;
    return {};
}

// model.vocab and model.merges (300k entries for Qwen2) are taken out of the parser as they
// stream by instead of being built into a DOM and copied: that DOM was most of the load time.
struct Streamed {
    std::vector<std::pair<std::string, int64_t>> vocab;
    std::vector<std::pair<std::string, std::string>> merges;
    std::string error; // the first malformed vocab or merge entry
};

void addMerge(const json &e, Streamed &st)
{
    const std::string where = "merge " + std::to_string(st.merges.size());
    // Two spellings exist: "a b" (older files) and ["a", "b"] (tokenizers >= 0.20).
    if (e.is_string()) {
        const std::string &s = e.get_ref<const std::string &>();
        const size_t sp = s.find(' ');
        if (sp == std::string::npos || sp == 0 || sp + 1 >= s.size() || s.find(' ', sp + 1) != std::string::npos) {
            if (st.error.empty())
                st.error = where + " " + quotedValue(s) + " is not two tokens separated by a space";
            return;
        }
        st.merges.emplace_back(s.substr(0, sp), s.substr(sp + 1));
    } else if (e.is_array() && e.size() == 2 && e[0].is_string() && e[1].is_string()) {
        st.merges.emplace_back(e[0].get<std::string>(), e[1].get<std::string>());
    } else if (st.error.empty()) {
        st.error = where + " is neither \"a b\" nor [\"a\", \"b\"]";
    }
}

json parseStreaming(const std::string &text, Streamed &st)
{
    using Event = json::parse_event_t;
    std::string top, second, pendingKey; // keys at depth 1 and 2 (e.g. "model", "vocab")
    return json::parse(text, [&](int depth, Event ev, json &parsed) {
        if (ev == Event::key && depth <= 2)
            (depth == 1 ? top : second) = parsed.get<std::string>();
        if (depth != 3 || top != "model")
            return true;
        if (second == "vocab") {
            if (ev == Event::key) {
                pendingKey = parsed.get<std::string>();
            } else if (ev == Event::value && parsed.is_number_integer()) {
                st.vocab.emplace_back(std::move(pendingKey), parsed.get<int64_t>());
            } else if (ev == Event::value || ev == Event::object_end || ev == Event::array_end) {
                if (st.error.empty())
                    st.error = "vocab entry " + quotedValue(pendingKey) + " has no integer id";
            } else {
                return true; // the start of a nested (malformed) value: its end is reported
            }
            return false;
        }
        if (second == "merges" && (ev == Event::value || ev == Event::array_end || ev == Event::object_end)) {
            addMerge(parsed, st);
            return false;
        }
        return true;
    });
}

Result<BpeConfig> parseModel(const json &root, Streamed &st)
{
    if (!root.is_object())
        return Error{"the top level is not a JSON object"};
    if (!root.contains("model") || !root["model"].is_object())
        return Error{"no \"model\" object"};
    const json &m = root["model"];
    const std::string type = m.value("type", m.contains("merges") ? "BPE" : "");
    if (type != "BPE")
        return Error{"model type " + quotedValue(type) + " is not supported (only BPE)"};
    if (!st.error.empty())
        return Error{st.error};
    if (!m.contains("vocab") || !m["vocab"].is_object() || st.vocab.empty())
        return Error{"the BPE model has no vocab"};
    if (m.contains("merges") && !m["merges"].is_array())
        return Error{"model.merges is not a list"};
    if (m.value("byte_fallback", false))
        return Error{"byte_fallback BPE is not supported"};
    for (const char *key : {"continuing_subword_prefix", "end_of_word_suffix"})
        if (m.contains(key) && m[key].is_string() && !m[key].get<std::string>().empty())
            return Error{std::string(key) + " is not supported"};

    BpeConfig c;
    const std::string normWhy = checkNormalizer(root.value("normalizer", json()), c.nfc);
    if (!normWhy.empty())
        return Error{normWhy};
    const std::string preWhy = checkPreTokenizer(root.value("pre_tokenizer", json()), c.preTokenizer);
    if (!preWhy.empty())
        return Error{preWhy};
    const json decoder = root.value("decoder", json());
    if (!decoder.is_null() && typeOf(decoder) != "ByteLevel")
        return Error{"decoder " + decoder.dump() + " is not supported (only ByteLevel)"};
    c.ignoreMerges = m.value("ignore_merges", false);
    c.vocab = std::move(st.vocab);
    c.merges = std::move(st.merges);

    if (root.contains("added_tokens") && root["added_tokens"].is_array()) {
        for (const json &a : root["added_tokens"]) {
            if (!a.is_object() || !a.contains("id") || !a["id"].is_number_integer() || !a.contains("content") ||
                !a["content"].is_string())
                return Error{"an added_tokens entry lacks id or content: " + a.dump()};
            c.addedTokens.push_back({a["content"].get<std::string>(), a["id"].get<int64_t>(), a.value("special", false)});
        }
    }
    return c;
}

} // namespace

Result<std::unique_ptr<Tokenizer>> loadTokenizerJson(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return Error{"cannot open tokenizer file " + quotedValue(path)};
    std::stringstream buffer;
    buffer << in.rdbuf();
    json root;
    Streamed streamed;
    try {
        root = parseStreaming(buffer.str(), streamed);
    } catch (const json::exception &e) {
        return Error{"tokenizer file " + quotedValue(path) + " is not valid JSON: " + e.what()};
    }
    Result<BpeConfig> config = Error{""};
    try {
        config = parseModel(root, streamed);
    } catch (const json::exception &e) { // a field of an unexpected JSON type
        return Error{"tokenizer file " + quotedValue(path) + ": " + e.what()};
    }
    if (!config)
        return Error{"tokenizer file " + quotedValue(path) + ": " + config.error().message};
    auto tok = BpeTokenizer::create(*config);
    if (!tok)
        return Error{"tokenizer file " + quotedValue(path) + ": " + tok.error().message};
    return std::unique_ptr<Tokenizer>(tok.takeValue());
}

} // namespace ost
