#include "core/data/internal/RecordParser.h"
#include "core/common/MessageText.h"

#include <map>

namespace ost::detail {

using nlohmann::json;

namespace {

std::string typeName(const json &j) { return j.type_name(); }

bool anyQwenTag(const json &conversations)
{
    for (const auto &turn : conversations) {
        if (!turn.is_object())
            continue;
        auto it = turn.find("value");
        if (it != turn.end() && it->is_string() && it->get_ref<const std::string &>().find("<img>") != std::string::npos)
            return true;
    }
    return false;
}

// Content may be a string, null (tool-call turns) or OpenAI-style parts [{type:text,text}, {type:image}].
Status readContent(const json &content, const std::string &where, std::string &out)
{
    if (content.is_string()) {
        out = content.get<std::string>();
        return {};
    }
    if (content.is_null()) {
        out.clear();
        return {};
    }
    if (content.is_array()) {
        out.clear();
        for (size_t i = 0; i < content.size(); ++i) {
            const json &part = content[i];
            const std::string partWhere = where + "[" + std::to_string(i) + "]";
            if (!part.is_object() || !part.contains("type") || !part["type"].is_string())
                return Error{partWhere + " must be an object with a string \"type\""};
            const std::string type = part["type"].get<std::string>();
            if (type == "text") {
                if (!part.contains("text") || !part["text"].is_string())
                    return Error{partWhere + ".text must be a string"};
                out += part["text"].get<std::string>();
            } else if (type == "image" || type == "image_url") {
                out += "<image>";
            } else {
                return Error{partWhere + " has unsupported type " + quotedValue(type)};
            }
        }
        return {};
    }
    return Error{where + " must be a string, got " + typeName(content)};
}

Status readTurns(const json &list, const char *key, const char *roleKey, const char *textKey,
                 std::vector<Turn> &turns)
{
    if (!list.is_array())
        return Error{std::string("\"") + key + "\" must be a list, got " + typeName(list)};
    for (size_t i = 0; i < list.size(); ++i) {
        const json &t = list[i];
        const std::string where = std::string(key) + "[" + std::to_string(i) + "]";
        if (!t.is_object())
            return Error{where + " must be an object, got " + typeName(t)};
        // LLaMA-Factory lets ShareGPT files use role/content tags too.
        const char *rk = t.contains(roleKey) ? roleKey : (t.contains("role") ? "role" : "from");
        const char *tk = t.contains(textKey) ? textKey : (t.contains("content") ? "content" : "value");
        auto role = t.find(rk);
        if (role == t.end() || !role->is_string())
            return Error{where + "." + rk + " must be a string" +
                         (role == t.end() ? std::string(" (missing)") : ", got " + typeName(*role))};
        Turn turn;
        turn.role = canonicalRole(role->get<std::string>());
        auto text = t.find(tk);
        if (text == t.end())
            return Error{where + "." + tk + " is missing"};
        if (Status s = readContent(*text, where + "." + tk, turn.content); !s.ok())
            return s;
        turns.push_back(std::move(turn));
    }
    return {};
}

Status readImageList(const json &value, const char *key, std::vector<std::string> &images)
{
    auto one = [&](const json &v, const std::string &where) -> Status {
        if (v.is_string()) {
            images.push_back(v.get<std::string>());
            return {};
        }
        // ms-swift also accepts {"path": ...} entries
        if (v.is_object() && v.contains("path") && v["path"].is_string()) {
            images.push_back(v["path"].get<std::string>());
            return {};
        }
        return Error{where + " must be an image path string, got " + typeName(v)};
    };
    if (value.is_null())
        return {};
    if (value.is_array()) {
        for (size_t i = 0; i < value.size(); ++i)
            if (Status s = one(value[i], std::string(key) + "[" + std::to_string(i) + "]"); !s.ok())
                return s;
        return {};
    }
    return one(value, key);
}

} // namespace

bool isQwenFormat(DatasetFormat f) { return f == DatasetFormat::QwenVlJson || f == DatasetFormat::QwenVlJsonl; }
bool usesMessages(DatasetFormat f) { return f == DatasetFormat::MessagesJson || f == DatasetFormat::MessagesJsonl; }

std::string canonicalRole(const std::string &tag)
{
    static const std::map<std::string, std::string> roles = {
        {"human", "user"},  {"user", "user"},           {"gpt", "assistant"}, {"assistant", "assistant"},
        {"bot", "assistant"}, {"model", "assistant"},   {"system", "system"},
    };
    auto it = roles.find(tag);
    return it != roles.end() ? it->second : tag;
}

std::string shareGptTag(const std::string &role)
{
    if (role == "user")
        return "human";
    if (role == "assistant")
        return "gpt";
    return role;
}

int countImagePlaceholders(const std::string &text)
{
    int n = 0;
    for (size_t p = text.find("<image>"); p != std::string::npos; p = text.find("<image>", p + 7))
        ++n;
    return n;
}

std::vector<std::string> extractQwenImageTags(std::string &text)
{
    std::vector<std::string> paths;
    size_t from = 0;
    for (;;) {
        const size_t open = text.find("<img>", from);
        if (open == std::string::npos)
            break;
        const size_t close = text.find("</img>", open + 5);
        if (close == std::string::npos)
            break;
        paths.push_back(text.substr(open + 5, close - open - 5));
        text.replace(open, close + 6 - open, "<image>");
        from = open + 7;
    }
    return paths;
}

DatasetFormat guessRecordFormat(const json &r, bool jsonArray)
{
    if (!r.is_object())
        return DatasetFormat::Unknown;
    if (r.contains("messages"))
        return jsonArray ? DatasetFormat::MessagesJson : DatasetFormat::MessagesJsonl;
    auto conv = r.find("conversations");
    if (conv == r.end())
        return DatasetFormat::Unknown;
    if (conv->is_array() && anyQwenTag(*conv))
        return jsonArray ? DatasetFormat::QwenVlJson : DatasetFormat::QwenVlJsonl;
    if (r.contains("image"))
        return jsonArray ? DatasetFormat::LlavaJson : DatasetFormat::LlavaJsonl;
    if (r.contains("images"))
        return jsonArray ? DatasetFormat::ShareGptJson : DatasetFormat::ShareGptJsonl;
    // Text-only conversations: both layouts read the same way; use the usual one per container.
    return jsonArray ? DatasetFormat::LlavaJson : DatasetFormat::ShareGptJsonl;
}

DatasetFormat pickFormat(const std::vector<DatasetFormat> &guesses, bool jsonArray)
{
    int messages = 0, conversations = 0;
    bool qwen = false, llavaImage = false, shareGptImages = false;
    for (DatasetFormat g : guesses) {
        switch (g) {
        case DatasetFormat::MessagesJson:
        case DatasetFormat::MessagesJsonl:
            ++messages;
            break;
        case DatasetFormat::Unknown:
            break;
        default:
            ++conversations;
            qwen = qwen || isQwenFormat(g);
            break;
        }
    }
    if (messages == 0 && conversations == 0)
        return DatasetFormat::Unknown;
    if (messages >= conversations)
        return jsonArray ? DatasetFormat::MessagesJson : DatasetFormat::MessagesJsonl;
    for (DatasetFormat g : guesses) {
        llavaImage = llavaImage || g == DatasetFormat::LlavaJson || g == DatasetFormat::LlavaJsonl;
        shareGptImages = shareGptImages || g == DatasetFormat::ShareGptJson || g == DatasetFormat::ShareGptJsonl;
    }
    if (qwen)
        return jsonArray ? DatasetFormat::QwenVlJson : DatasetFormat::QwenVlJsonl;
    // "images" lists are the ShareGPT signal; "image" alone or nothing means LLaVA in an array.
    if (shareGptImages && !jsonArray)
        return DatasetFormat::ShareGptJsonl;
    if (shareGptImages && jsonArray && !llavaImage)
        return DatasetFormat::ShareGptJson;
    return jsonArray ? DatasetFormat::LlavaJson : (llavaImage ? DatasetFormat::LlavaJsonl : DatasetFormat::ShareGptJsonl);
}

Status readRecord(const json &r, DatasetFormat format, Sample &sample)
{
    if (!r.is_object())
        return Error{"record is not a JSON object"};
    sample.turns.clear();
    sample.images.clear();
    if (usesMessages(format)) {
        auto it = r.find("messages");
        if (it == r.end())
            return Error{"no \"messages\" list (the file is " + formatName(format) + ")"};
        if (Status s = readTurns(*it, "messages", "role", "content", sample.turns); !s.ok())
            return s;
    } else {
        auto it = r.find("conversations");
        if (it == r.end())
            return Error{"no \"conversations\" list (the file is " + formatName(format) + ")"};
        if (Status s = readTurns(*it, "conversations", "from", "value", sample.turns); !s.ok())
            return s;
    }
    if (auto it = r.find("images"); it != r.end())
        if (Status s = readImageList(*it, "images", sample.images); !s.ok())
            return s;
    if (auto it = r.find("image"); it != r.end())
        if (Status s = readImageList(*it, "image", sample.images); !s.ok())
            return s;
    if (isQwenFormat(format))
        for (Turn &t : sample.turns)
            for (std::string &p : extractQwenImageTags(t.content))
                sample.images.push_back(std::move(p));
    return {};
}

} // namespace ost::detail
