// The user-facing texts of every conversation, in English, French and
// Kinyarwanda, read from config/locales/{en,fr,rw}.json.
//
// No reply text is written in code: domains ask the catalog for a key. The
// keys the code uses are listed in `text_keys()` with the kind of WhatsApp
// field each one fills, so loading refuses a locale that misses a key or
// breaks one of Meta's length limits, and easymod never starts with a
// translation that would make the Graph API answer 400.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace easymo::domains {

enum class language : uint8_t { en = 0, fr = 1, rw = 2 };

constexpr size_t language_count = 3;

/// "en", "fr" or "rw".
const char* code_of(language lang);

/// Parses "en", "fr" or "rw".
std::optional<language> parse_language(std::string_view code);

/// Which WhatsApp field a text fills; each has Meta's length limit.
enum class text_kind : uint8_t {
  text_body,        // text message body: 4096
  interactive_body, // body of a button or list message: 1024
  button_title,     // reply button title: 20
  list_button,      // the button that opens a list: 20
  section_title,    // list section title: 24
  row_title,        // list row title: 24
  row_description,  // list row description: 72
  fragment,         // a piece placed into another text: 40
};

/// Meta's limit, in characters, for a field of `kind`.
size_t limit_of(text_kind kind);

struct text_key {
  std::string key;
  text_kind kind;
  /// Characters the placeholders may add once filled (a name is at most 40,
  /// a language name at most 20).
  size_t placeholder_room = 0;
};

/// Every key the code reads.
const std::vector<text_key>& text_keys();

/// Characters (code points) in a UTF-8 string, as Meta counts them.
size_t utf8_length(std::string_view text);

/// Decodes the code point at `i` and moves `i` past it. Invalid bytes decode
/// as U+FFFD and advance by one, so hostile input cannot stall a loop.
uint32_t utf8_next(std::string_view text, size_t& i);

class catalog {
public:
  using table = std::unordered_map<std::string, std::string>;

  catalog() = default;
  explicit catalog(std::array<table, language_count> texts);

  /// Reads en.json, fr.json and rw.json from `dir` and checks them; returns
  /// a one-line error (the first problem) or nothing.
  static std::optional<std::string> load(const std::string& dir, catalog& out);

  /// Every problem: missing or empty keys, keys nobody reads, texts over
  /// their limit, placeholders that differ from English.
  std::vector<std::string> problems() const;

  /// The text of `key`. Keys come from text_keys(), which loading checked,
  /// so a missing one is a programmer error: it asserts, and release builds
  /// answer the key itself rather than an empty message.
  const std::string& get(language lang, std::string_view key) const;

  /// get() with each `{name}` replaced by its value.
  std::string format(
    language lang, std::string_view key,
    std::initializer_list<std::pair<std::string_view, std::string_view>> args)
    const;

  /// format() with the values in a map (replies built at run time).
  std::string format(language lang, std::string_view key,
                     const std::map<std::string, std::string>& args) const;

private:
  std::array<table, language_count> texts_;
};

} // namespace easymo::domains
