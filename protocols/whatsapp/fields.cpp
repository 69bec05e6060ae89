#include "protocols/whatsapp/fields.hpp"

#include <charconv>
#include <cstdlib>

namespace easymo::whatsapp::detail {

namespace {

// Digits only: "1694427240". Signs, spaces and fractions are malformed.
bool parse_unsigned(const std::string& text, int64_t& out) {
  if (text.empty() || text.size() > 18)
    return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size() && out >= 0;
}

bool parse_double(const std::string& text, double& out) {
  if (text.empty() || text.size() > 64)
    return false;
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

} // namespace

fields::fields(const json* object, const char* where)
  : object_(object), where_(where) {
  if (object_ == nullptr || !object_->is_object()) {
    object_ = nullptr;
    error_ = std::string{where_} + " is not an object";
  }
}

void fields::fail(std::string why) {
  if (error_.empty())
    error_ = std::move(why);
}

void fields::wrong_type(const char* key, const char* expected) {
  fail(std::string{where_} + "." + key + " is not " + expected);
}

const json* fields::find(const char* key, need n) {
  if (object_ == nullptr)
    return nullptr;
  auto it = object_->find(key);
  if (it == object_->end() || it->is_null()) {
    if (n == need::required)
      fail(std::string{where_} + "." + key + " is missing");
    return nullptr;
  }
  return &*it;
}

std::string fields::str(const char* key, need n, size_t bytes_max) {
  auto* v = find(key, n);
  if (v == nullptr)
    return {};
  if (!v->is_string()) {
    wrong_type(key, "a string");
    return {};
  }
  auto& s = v->get_ref<const std::string&>();
  if (s.size() > bytes_max) {
    fail(std::string{where_} + "." + key + " is too long");
    return {};
  }
  return s;
}

int64_t fields::timestamp(const char* key, need n) {
  auto* v = find(key, n);
  int64_t out = 0;
  if (v == nullptr)
    return 0;
  if (v->is_number_unsigned())
    out = static_cast<int64_t>(v->get<uint64_t>());
  else if (!v->is_string() || !parse_unsigned(v->get_ref<const std::string&>(), out))
    wrong_type(key, "a unix timestamp");
  return out < 0 ? 0 : out;
}

double fields::number(const char* key, need n) {
  auto* v = find(key, n);
  double out = 0;
  if (v == nullptr)
    return 0;
  if (v->is_number())
    return v->get<double>();
  if (!v->is_string() || !parse_double(v->get_ref<const std::string&>(), out))
    wrong_type(key, "a number");
  return out;
}

int64_t fields::integer(const char* key, need n) {
  auto* v = find(key, n);
  if (v == nullptr)
    return 0;
  if (v->is_number_integer())
    return v->get<int64_t>();
  wrong_type(key, "an integer");
  return 0;
}

bool fields::flag(const char* key) {
  auto* v = find(key, need::optional);
  if (v == nullptr)
    return false;
  if (!v->is_boolean()) {
    wrong_type(key, "a boolean");
    return false;
  }
  return v->get<bool>();
}

const json* fields::object(const char* key, need n) {
  auto* v = find(key, n);
  if (v != nullptr && !v->is_object()) {
    wrong_type(key, "an object");
    return nullptr;
  }
  return v;
}

const json* fields::array(const char* key, need n) {
  auto* v = find(key, n);
  if (v != nullptr && !v->is_array()) {
    wrong_type(key, "an array");
    return nullptr;
  }
  return v;
}

bool is_identifier(const std::string& text, size_t bytes_max) {
  if (text.empty() || text.size() > bytes_max)
    return false;
  for (unsigned char c : text)
    if (c < 0x21 || c > 0x7e)
      return false;
  return true;
}

} // namespace easymo::whatsapp::detail
