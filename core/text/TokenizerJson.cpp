// loadTokenizerJson: reads a Hugging Face tokenizer.json into a BpeTokenizer. Only the pipeline
// Qwen2 uses is implemented; anything else is refused with a message naming the file and the
// unsupported part, rather than silently tokenising differently from the reference.
#include "core/text/BpeTokenizer.h"

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

std::string checkPreTokenizer(const json &p)
{
    const std::string why = "pre_tokenizer " + p.dump().substr(0, 300) +
                            " is not supported (only Qwen2's: Split on its regex, then ByteLevel without regex)";
    if (typeOf(p) != "Sequence" || !p.contains("pretokenizers") || !p["pretokenizers"].is_array() ||
        p["pretokenizers"].size() != 2)
        return why;
    const json &split = p["pretokenizers"][0], &bl = p["pretokenizers"][1];
    if (typeOf(split) != "Split" || !split.contains("pattern") || !split["pattern"].is_object() ||
        split["pattern"].value("Regex", "") != text::kQwen2SplitPattern ||
        split.value("behavior", "") != "Isolated" || split.value("invert", false))
        return why;
    if (typeOf(bl) != "ByteLevel" || bl.value("use_regex", true) || bl.value("add_prefix_space", false))
        return why;
    return {};
}

Result<BpeConfig> parseModel(const json &root)
{
    if (!root.is_object())
        return Error{"the top level is not a JSON object"};
    if (!root.contains("model") || !root["model"].is_object())
        return Error{"no \"model\" object"};
    const json &m = root["model"];
    const std::string type = m.value("type", m.contains("merges") ? "BPE" : "");
    if (type != "BPE")
        return Error{"model type '" + type + "' is not supported (only BPE)"};
    if (!m.contains("vocab") || !m["vocab"].is_object() || m["vocab"].empty())
        return Error{"the BPE model has no vocab"};
    if (m.value("byte_fallback", false))
        return Error{"byte_fallback BPE is not supported"};
    for (const char *key : {"continuing_subword_prefix", "end_of_word_suffix"})
        if (m.contains(key) && m[key].is_string() && !m[key].get<std::string>().empty())
            return Error{std::string(key) + " is not supported"};

    BpeConfig c;
    const std::string normWhy = checkNormalizer(root.value("normalizer", json()), c.nfc);
    if (!normWhy.empty())
        return Error{normWhy};
    const std::string preWhy = checkPreTokenizer(root.value("pre_tokenizer", json()));
    if (!preWhy.empty())
        return Error{preWhy};
    const json decoder = root.value("decoder", json());
    if (!decoder.is_null() && typeOf(decoder) != "ByteLevel")
        return Error{"decoder " + decoder.dump() + " is not supported (only ByteLevel)"};
    c.ignoreMerges = m.value("ignore_merges", false);

    c.vocab.reserve(m["vocab"].size());
    for (auto it = m["vocab"].begin(); it != m["vocab"].end(); ++it) {
        if (!it.value().is_number_integer())
            return Error{"vocab entry '" + it.key() + "' has no integer id"};
        c.vocab.emplace_back(it.key(), it.value().get<int64_t>());
    }
    if (m.contains("merges")) {
        const json &merges = m["merges"];
        if (!merges.is_array())
            return Error{"model.merges is not a list"};
        c.merges.reserve(merges.size());
        // Two spellings exist: "a b" (older files) and ["a", "b"] (tokenizers >= 0.20).
        for (size_t i = 0; i < merges.size(); ++i) {
            const json &e = merges[i];
            if (e.is_string()) {
                const std::string &s = e.get_ref<const std::string &>();
                const size_t sp = s.find(' ');
                if (sp == std::string::npos || sp == 0 || sp + 1 >= s.size() || s.find(' ', sp + 1) != std::string::npos)
                    return Error{"merge " + std::to_string(i) + " '" + s + "' is not two tokens separated by a space"};
                c.merges.emplace_back(s.substr(0, sp), s.substr(sp + 1));
            } else if (e.is_array() && e.size() == 2 && e[0].is_string() && e[1].is_string()) {
                c.merges.emplace_back(e[0].get<std::string>(), e[1].get<std::string>());
            } else {
                return Error{"merge " + std::to_string(i) + " is neither \"a b\" nor [\"a\", \"b\"]"};
            }
        }
    }
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
        return Error{"cannot open tokenizer file '" + path + "'"};
    std::stringstream buffer;
    buffer << in.rdbuf();
    json root;
    try {
        root = json::parse(buffer.str());
    } catch (const json::exception &e) {
        return Error{"tokenizer file '" + path + "' is not valid JSON: " + e.what()};
    }
    Result<BpeConfig> config = Error{""};
    try {
        config = parseModel(root);
    } catch (const json::exception &e) { // a field of an unexpected JSON type
        return Error{"tokenizer file '" + path + "': " + e.what()};
    }
    if (!config)
        return Error{"tokenizer file '" + path + "': " + config.error().message};
    auto tok = BpeTokenizer::create(*config);
    if (!tok)
        return Error{"tokenizer file '" + path + "': " + tok.error().message};
    return std::unique_ptr<Tokenizer>(tok.takeValue());
}

} // namespace ost
