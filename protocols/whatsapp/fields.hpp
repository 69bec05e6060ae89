// Internal: typed, non-throwing reads of JSON members for the item parsers.
//
// A reader remembers the first problem (a required member missing, or a
// member of the wrong type) and returns defaults afterwards, so a parser
// reads every field in a straight line and checks ok() once at the end.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace easymo::whatsapp::detail {

using json = nlohmann::json;

enum class need { optional, required };

class fields {
public:
  /// `where` names the object in error messages ("message", "image"...).
  fields(const json* object, const char* where);

  /// A string member; strings longer than `bytes_max` are an error.
  std::string str(const char* key, need n = need::optional,
                  size_t bytes_max = 65536);

  /// Unix seconds given as a decimal string (Meta's habit) or an integer.
  int64_t timestamp(const char* key, need n = need::optional);

  /// A number, or a string holding one.
  double number(const char* key, need n = need::optional);

  /// An integer (error codes).
  int64_t integer(const char* key, need n = need::optional);

  bool flag(const char* key);

  /// A nested object, or nullptr when absent (or on error).
  const json* object(const char* key, need n = need::optional);

  /// A nested array, or nullptr when absent (or on error).
  const json* array(const char* key, need n = need::optional);

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  /// Records a problem found by the caller (the first one wins).
  void fail(std::string why);

private:
  const json* find(const char* key, need n);
  void wrong_type(const char* key, const char* expected);

  const json* object_;
  const char* where_;
  std::string error_;
};

/// Identifiers we key or index on: 1 to `bytes_max` printable ASCII bytes.
bool is_identifier(const std::string& text, size_t bytes_max);

} // namespace easymo::whatsapp::detail
