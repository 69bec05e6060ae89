// PostgreSQL array literals for unnest()-based batch statements: one
// parameterised statement writes a whole batch (one parse, one plan, one
// round trip), which is what makes group commit pay off.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace easymo::pg {

class array_literal {
public:
  /// A quoted element; quotes and backslashes are escaped.
  void add(std::string_view text);
  void add(int64_t n);
  /// NULL, for a missing value.
  void add_null();
  /// The text, or NULL when there is none.
  void add_optional(const std::optional<std::string>& text) {
    if (text)
      add(std::string_view{*text});
    else
      add_null();
  }

  /// The literal, e.g. {"a","b\"c",NULL}; the builder is left empty.
  std::string finish();

private:
  void separate();
  std::string text_ = "{";
};

} // namespace easymo::pg
