#include "protocols/http/client_form.hpp"

namespace easymo::http {

namespace {

constexpr char hex_digits[] = "0123456789ABCDEF";

bool is_alnum(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
         || (c >= '0' && c <= '9');
}

bool is_unreserved(unsigned char c) {
  return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

bool is_form_safe(unsigned char c) {
  return is_alnum(c) || c == '*' || c == '-' || c == '.' || c == '_';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

void append_escaped(std::string& out, unsigned char c) {
  out += '%';
  out += hex_digits[c >> 4];
  out += hex_digits[c & 0x0F];
}

void append_form_component(std::string& out, std::string_view text) {
  for (unsigned char c : text) {
    if (is_form_safe(c))
      out += static_cast<char>(c);
    else if (c == ' ')
      out += '+';
    else
      append_escaped(out, c);
  }
}

std::optional<std::string> decode_component(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c != '%') {
      out += c;
    } else {
      if (text.size() - i < 3)
        return std::nullopt;
      int hi = hex_value(text[i + 1]);
      int lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0)
        return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    }
  }
  return out;
}

} // namespace

std::string url_encode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (is_unreserved(c))
      out += static_cast<char>(c);
    else
      append_escaped(out, c);
  }
  return out;
}

std::string form_encode(const form_fields& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty())
      out += '&';
    append_form_component(out, name);
    out += '=';
    append_form_component(out, value);
  }
  return out;
}

std::optional<form_fields> form_decode(std::string_view body) {
  form_fields out;
  while (!body.empty()) {
    auto amp = body.find('&');
    auto field = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view{}
                                         : body.substr(amp + 1);
    if (field.empty())
      continue;
    auto eq = field.find('=');
    auto name = decode_component(field.substr(0, eq));
    auto value = decode_component(
      eq == std::string_view::npos ? std::string_view{} : field.substr(eq + 1));
    if (!name || !value)
      return std::nullopt;
    out.emplace_back(std::move(*name), std::move(*value));
  }
  return out;
}

std::map<std::string, std::string> query_of(std::string_view target) {
  std::map<std::string, std::string> out;
  auto q = target.find('?');
  if (q == std::string_view::npos)
    return out;
  if (auto fields = form_decode(target.substr(q + 1)))
    for (auto& [k, v] : *fields)
      out.emplace(k, v);
  return out;
}

} // namespace easymo::http
