// chatmlDefaultSystemPrompt: reads the default system prompt out of a ChatML Jinja template.
#include "core/text/ChatTemplate.h"

namespace ost {

namespace {

// A Jinja string literal may spell the newline as an escape ("\n") or contain it raw.
size_t newlineAt(const std::string &s, size_t p)
{
    if (p < s.size() && s[p] == '\n')
        return 1;
    if (p + 1 < s.size() && s[p] == '\\' && s[p + 1] == 'n')
        return 2;
    return 0;
}

} // namespace

Result<std::string> chatmlDefaultSystemPrompt(const std::string &t, const std::string &source)
{
    const std::string start = "<|im_start|>", end = "<|im_end|>", system = "<|im_start|>system";
    if (t.find(start) == std::string::npos || t.find(end) == std::string::npos)
        return Error{source + ": the chat template is not ChatML (<|im_start|> ... <|im_end|>); choose one with "
                              "--template chatml or --template plain"};
    // The default is the one "<|im_start|>system\n" followed by literal text (no quote, no Jinja
    // expression) up to "<|im_end|>": the branch taken when messages[0] is not a system turn.
    for (size_t p = t.find(system); p != std::string::npos; p = t.find(system, p + 1)) {
        const size_t nl = newlineAt(t, p + system.size());
        if (!nl)
            continue;
        const size_t textBegin = p + system.size() + nl;
        const size_t textEnd = t.find(end, textBegin);
        if (textEnd == std::string::npos)
            continue;
        const std::string text = t.substr(textBegin, textEnd - textBegin);
        if (text.find_first_of("'\"{}") != std::string::npos || text.find('\\') != std::string::npos)
            continue;
        return text;
    }
    return std::string();
}

} // namespace ost
