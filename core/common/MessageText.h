#pragma once
// Text from a file inside an error message: a config value (a rope type, a tokenizer's model type),
// an id, a role, a path, another library's message. Errors are one line (the CLI prints them as one,
// the fuzz harnesses check it), and a file can hold any character: a newline inside a quoted JSON
// string of config.json split "unsupported rope type '...'" over two lines (fuzz_config). Every
// message that quotes such text goes through these.
#include <string>
#include <string_view>

namespace ost {

// `text` with its control characters escaped: \n, \r and \t as such, any other below 0x20 and DEL as
// \xNN. Everything else, UTF-8 included, is kept as it is. Applying it twice changes nothing more.
std::string escapeControls(std::string_view text);

// A value as quoted in a message: 'value', escaped as above.
std::string quotedValue(std::string_view value);

} // namespace ost
