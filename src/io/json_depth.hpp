// Private to io: the bracket nesting of JSON text, checked before parsing untrusted text so a
// hostile file cannot make nlohmann build (and later destroy) an absurdly deep value.
#pragma once

#include <algorithm>
#include <string_view>

namespace lrtune::detail {

// Deepest bracket nesting outside strings (the syntax itself is left to the parser).
inline int json_nesting_depth(std::string_view text) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return deepest;
}

}  // namespace lrtune::detail
