#include "persistence/pg_array.hpp"

namespace easymo::pg {

void array_literal::separate() {
  if (text_.size() > 1)
    text_ += ',';
}

void array_literal::add(std::string_view text) {
  separate();
  text_ += '"';
  for (char c : text) {
    if (c == '"' || c == '\\')
      text_ += '\\';
    text_ += c;
  }
  text_ += '"';
}

void array_literal::add(int64_t n) {
  separate();
  text_ += std::to_string(n);
}

void array_literal::add_null() {
  separate();
  text_ += "NULL";
}

std::string array_literal::finish() {
  text_ += '}';
  std::string out = std::move(text_);
  text_ = "{";
  return out;
}

} // namespace easymo::pg
