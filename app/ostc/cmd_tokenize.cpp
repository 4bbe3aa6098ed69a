// `ostc tokenize`: text on stdin -> token ids on stdout (or back with --decode), for checking the
// tokenizer against a reference from the shell.
#include "Command.h"

#include "core/text/Tokenizer.h"

#include <iostream>
#include <iterator>
#include <sstream>

namespace ostc {
namespace {

const char *kUsage = R"(usage: ostc tokenize (--tokenizer FILE | --bytes) [--decode]

Reads UTF-8 text from stdin and prints its token ids on one line, separated by spaces. No special
tokens are added; special tokens written in the text (e.g. <|im_start|>) become their ids.

options:
  --tokenizer FILE  a Hugging Face tokenizer.json (byte-level BPE, e.g. Qwen2's)
  --bytes           the built-in byte tokenizer of the tiny proxy model instead
  --decode          the reverse: read ids (whitespace-separated) and print the text
)";

int run(Args &args)
{
    if (args.has("--help")) {
        std::cout << kUsage;
        return Ok;
    }
    if (!args.error().empty())
        return fail("tokenize", args.error(), Usage);
    if (args.has("--tokenizer") == args.has("--bytes"))
        return fail("tokenize", "give exactly one of --tokenizer FILE or --bytes\n" + std::string(kUsage), Usage);

    std::unique_ptr<ost::Tokenizer> tok;
    if (args.has("--bytes")) {
        tok = ost::makeByteTokenizer();
    } else {
        auto loaded = ost::loadTokenizerJson(*args.value("--tokenizer"));
        if (!loaded)
            return fail("tokenize", loaded.error().message, BadInput);
        tok = loaded.takeValue();
    }

    const std::string input((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    if (args.has("--decode")) {
        std::vector<int64_t> ids;
        std::istringstream in(input);
        std::string word;
        while (in >> word) {
            char *end = nullptr;
            const long long id = std::strtoll(word.c_str(), &end, 10);
            if (*end != '\0' || id < 0 || id >= tok->vocabSize())
                return fail("tokenize", "'" + word + "' is not a token id of this tokenizer (0.." +
                                            std::to_string(tok->vocabSize() - 1) + ")", BadInput);
            ids.push_back(id);
        }
        std::cout << tok->decode(ids);
        return Ok;
    }
    const auto ids = tok->encode(input);
    std::string line;
    for (size_t i = 0; i < ids.size(); ++i) {
        if (i)
            line += ' ';
        line += std::to_string(ids[i]);
    }
    std::cout << line << "\n";
    return Ok;
}

const CommandRegistration reg({"tokenize", "text on stdin -> token ids (tokenizer.json or byte tokenizer)", kUsage,
                               run, {"--bytes", "--decode"}, {"--tokenizer"}});

} // namespace
} // namespace ostc
