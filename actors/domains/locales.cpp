#include "actors/domains/locales.hpp"

#include "actors/domains/services.hpp"
#include "actors/domains/wallet/view.hpp"

#include <nlohmann/json.hpp>

#include <cassert>
#include <fstream>
#include <set>

namespace easymo::domains {

namespace {

constexpr std::array<const char*, language_count> codes{"en", "fr", "rw"};

// Room left for `{name}` (40) or `{language}` (20) once filled.
constexpr size_t name_room = 40;
constexpr size_t language_room = 20;

std::vector<text_key> make_keys() {
  using k = text_kind;
  std::vector<text_key> out{
    {"home.body", k::interactive_body},
    {"home.button", k::list_button},
    {"home.section", k::section_title},
    {"profile.body", k::interactive_body, name_room + language_room},
    {"profile.name_unset", k::fragment},
    {"profile.button.name", k::button_title},
    {"profile.button.language", k::button_title},
    {"profile.button.menu", k::button_title},
    {"profile.ask_name", k::text_body},
    {"profile.name_invalid", k::text_body},
    {"profile.name_saved", k::interactive_body, name_room},
    {"language.body", k::interactive_body},
    {"language.name.en", k::button_title},
    {"language.name.fr", k::button_title},
    {"language.name.rw", k::button_title},
    {"language.saved", k::interactive_body},
    {"error.apology", k::text_body},
    {"error.slow_down", k::text_body},
  };
  // The wallet's texts are listed with its view, next to the code that
  // reads them.
  auto& wallet_keys = wallet::view_keys();
  out.insert(out.end(), wallet_keys.begin(), wallet_keys.end());
  // The home list's rows, and the "coming soon" answer of every service that
  // is not built yet.
  for (auto& svc : services) {
    std::string name{svc.name};
    out.push_back({"home.row." + name + ".title", k::row_title});
    out.push_back({"home.row." + name + ".description", k::row_description});
    if (!svc.built)
      out.push_back({"soon." + name, k::interactive_body});
  }
  return out;
}

std::set<std::string> placeholders(std::string_view text) {
  std::set<std::string> out;
  for (size_t open = text.find('{'); open != std::string_view::npos;
       open = text.find('{', open + 1)) {
    auto close = text.find('}', open);
    if (close == std::string_view::npos)
      break;
    out.emplace(text.substr(open + 1, close - open - 1));
  }
  return out;
}

void check_key(const std::array<catalog::table, language_count>& texts,
               const text_key& spec, std::vector<std::string>& out) {
  auto english = texts[0].find(spec.key);
  for (size_t i = 0; i < language_count; ++i) {
    auto where = std::string{codes[i]} + ".json: '" + spec.key + "'";
    auto it = texts[i].find(spec.key);
    if (it == texts[i].end() || it->second.empty()) {
      out.push_back(where + " is missing or empty");
      continue;
    }
    auto len = utf8_length(it->second) + spec.placeholder_room;
    if (len > limit_of(spec.kind))
      out.push_back(where + " is " + std::to_string(len)
                    + " characters with its placeholders filled, over the "
                      "limit of "
                    + std::to_string(limit_of(spec.kind)));
    if (english != texts[0].end()
        && placeholders(it->second) != placeholders(english->second))
      out.push_back(where + " has other placeholders than en.json");
  }
}

std::optional<std::string> read_table(const std::string& path,
                                      catalog::table& out) {
  std::ifstream in{path};
  if (!in)
    return "locales: cannot open " + path;
  auto doc = nlohmann::json::parse(in, nullptr, false);
  if (!doc.is_object())
    return "locales: " + path + " is not a JSON object";
  for (auto& [key, value] : doc.items()) {
    if (!value.is_string())
      return "locales: " + path + ": '" + key + "' is not a string";
    out.emplace(key, value.get<std::string>());
  }
  return std::nullopt;
}

} // namespace

const char* code_of(language lang) {
  return codes[static_cast<size_t>(lang)];
}

std::optional<language> parse_language(std::string_view code) {
  for (size_t i = 0; i < language_count; ++i)
    if (code == codes[i])
      return static_cast<language>(i);
  return std::nullopt;
}

size_t limit_of(text_kind kind) {
  switch (kind) {
    case text_kind::text_body:
      return 4096;
    case text_kind::interactive_body:
      return 1024;
    case text_kind::button_title:
    case text_kind::list_button:
      return 20;
    case text_kind::section_title:
    case text_kind::row_title:
      return 24;
    case text_kind::row_description:
      return 72;
    case text_kind::fragment:
      return 40;
  }
  return 0;
}

const std::vector<text_key>& text_keys() {
  static const std::vector<text_key> keys = make_keys();
  return keys;
}

size_t utf8_length(std::string_view text) {
  size_t n = 0;
  for (unsigned char c : text)
    if ((c & 0xC0) != 0x80)
      ++n;
  return n;
}

uint32_t utf8_next(std::string_view s, size_t& i) {
  auto c = static_cast<unsigned char>(s[i]);
  size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3
                                                : (c >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + len > s.size()) {
    ++i;
    return 0xFFFD;
  }
  uint32_t cp = len == 1 ? c : c & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) {
    auto next = static_cast<unsigned char>(s[i + k]);
    if ((next & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (next & 0x3F);
  }
  i += len;
  return cp;
}

catalog::catalog(std::array<table, language_count> texts)
  : texts_(std::move(texts)) {
}

std::optional<std::string> catalog::load(const std::string& dir, catalog& out) {
  std::array<table, language_count> texts;
  for (size_t i = 0; i < language_count; ++i)
    if (auto err = read_table(dir + "/" + codes[i] + ".json", texts[i]))
      return err;
  catalog loaded{std::move(texts)};
  auto found = loaded.problems();
  if (!found.empty())
    return "locales: " + found.front();
  out = std::move(loaded);
  return std::nullopt;
}

std::vector<std::string> catalog::problems() const {
  std::vector<std::string> out;
  std::set<std::string> known;
  for (auto& spec : text_keys()) {
    known.insert(spec.key);
    check_key(texts_, spec, out);
  }
  // A key nobody reads is most likely a typo of one that is missing.
  for (size_t i = 0; i < language_count; ++i)
    for (auto& [key, value] : texts_[i])
      if (!known.count(key))
        out.push_back(std::string{codes[i]} + ".json: '" + key
                      + "' is not used by the code");
  return out;
}

const std::string& catalog::get(language lang, std::string_view key) const {
  auto& texts = texts_[static_cast<size_t>(lang)];
  auto it = texts.find(std::string{key});
  assert(it != texts.end());
  if (it == texts.end()) {
    static thread_local std::string fallback;
    fallback.assign(key);
    return fallback;
  }
  return it->second;
}

namespace {

void fill_in(std::string& out, std::string_view name, std::string_view value) {
  std::string marker = "{" + std::string{name} + "}";
  for (auto pos = out.find(marker); pos != std::string::npos;
       pos = out.find(marker, pos + value.size()))
    out.replace(pos, marker.size(), value);
}

} // namespace

std::string catalog::format(
  language lang, std::string_view key,
  std::initializer_list<std::pair<std::string_view, std::string_view>> args)
  const {
  std::string out = get(lang, key);
  for (auto& [name, value] : args)
    fill_in(out, name, value);
  return out;
}

std::string catalog::format(language lang, std::string_view key,
                            const std::map<std::string, std::string>& args)
  const {
  std::string out = get(lang, key);
  for (auto& [name, value] : args)
    fill_in(out, name, value);
  return out;
}

} // namespace easymo::domains
