#include "core/data/Sample.h"

namespace ost {

std::string Sample::question() const
{
    for (const Turn &t : turns)
        if (t.role == "user")
            return t.content;
    return {};
}

std::string Sample::answer() const
{
    for (auto it = turns.rbegin(); it != turns.rend(); ++it)
        if (it->role == "assistant")
            return it->content;
    return {};
}

} // namespace ost
