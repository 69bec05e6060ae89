// The shipped locales (config/locales/{en,fr,rw}.json): every key the code
// reads exists in all three languages, respects Meta's length limit for the
// field it fills, and keeps English's placeholders; and the checks that
// guard easymod's start really refuse broken catalogs.
#include "actors/domains/locales.hpp"

#include <boost/test/unit_test.hpp>

using namespace easymo::domains;

namespace {

constexpr const char* locales_dir = EASYMO_SOURCE_DIR "/config/locales";

catalog shipped() {
  catalog texts;
  auto err = catalog::load(locales_dir, texts);
  BOOST_REQUIRE_MESSAGE(!err, *err);
  return texts;
}

// A complete, valid catalog with the same text everywhere.
std::array<catalog::table, language_count> minimal_tables() {
  std::array<catalog::table, language_count> out;
  for (auto& table : out)
    for (auto& key : text_keys())
      table[key.key] = key.key == "profile.body" ? "{name} {language}"
                       : key.key == "profile.name_saved" ? "{name}"
                                                          : "ok";
  return out;
}

bool mentions(const std::vector<std::string>& problems, const std::string& what) {
  for (auto& p : problems)
    if (p.find(what) != std::string::npos)
      return true;
  return false;
}

} // namespace

BOOST_AUTO_TEST_SUITE(locales)

BOOST_AUTO_TEST_CASE(every_key_exists_in_every_language_within_its_limit) {
  auto texts = shipped();
  BOOST_CHECK(texts.problems().empty());
  for (auto& key : text_keys()) {
    for (size_t i = 0; i < language_count; ++i) {
      auto lang = static_cast<language>(i);
      auto& text = texts.get(lang, key.key);
      BOOST_TEST_CONTEXT(code_of(lang) << ": " << key.key) {
        BOOST_CHECK(!text.empty());
        BOOST_CHECK_NE(text, key.key);
        BOOST_CHECK_LE(utf8_length(text) + key.placeholder_room,
                       limit_of(key.kind));
      }
    }
  }
}

namespace {

// Whether `text` has no words of its own: placeholders and spacing only
// ("{date}  {amount}  {what}"), which no language translates.
bool only_placeholders(const std::string& text) {
  std::string rest;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{') {
      i = text.find('}', i);
      if (i == std::string::npos)
        return false;
      continue;
    }
    if (text[i] != ' ')
      rest += text[i];
  }
  return rest.empty();
}

} // namespace

BOOST_AUTO_TEST_CASE(translations_differ_from_english) {
  // A text copied from English into fr.json or rw.json is an untranslated
  // text; only the language names may be the same everywhere, and a layout
  // made of placeholders alone.
  auto texts = shipped();
  for (auto& key : text_keys()) {
    if (key.key.rfind("language.name.", 0) == 0 || key.key == "home.button"
        || only_placeholders(texts.get(language::en, key.key)))
      continue;
    for (auto lang : {language::fr, language::rw})
      BOOST_CHECK_MESSAGE(texts.get(lang, key.key)
                            != texts.get(language::en, key.key),
                          code_of(lang) << ": " << key.key);
  }
}

BOOST_AUTO_TEST_CASE(a_missing_key_stops_the_load) {
  auto tables = minimal_tables();
  BOOST_CHECK(catalog{tables}.problems().empty());
  tables[2].erase("error.apology");
  auto found = catalog{tables}.problems();
  BOOST_CHECK(mentions(found, "rw.json: 'error.apology' is missing"));
}

BOOST_AUTO_TEST_CASE(a_text_over_meta_limit_is_refused) {
  auto tables = minimal_tables();
  tables[1]["home.row.jobs.title"] = std::string(25, 'x');
  tables[0]["profile.button.name"] = std::string(21, 'x');
  // 20 characters fit, even as 40 bytes of UTF-8.
  tables[2]["profile.button.menu"] = std::string(20 * 2, '\0');
  for (size_t i = 0; i < 20; ++i)
    tables[2]["profile.button.menu"].replace(i * 2, 2, "\xC3\xA9");
  auto found = catalog{tables}.problems();
  BOOST_CHECK(mentions(found, "fr.json: 'home.row.jobs.title' is 25"));
  BOOST_CHECK(mentions(found, "en.json: 'profile.button.name' is 21"));
  BOOST_CHECK(!mentions(found, "profile.button.menu"));
}

BOOST_AUTO_TEST_CASE(placeholders_leave_room_for_their_values) {
  auto tables = minimal_tables();
  // 1024 with room for a 40-character name and a 20-character language.
  tables[0]["profile.body"] = "{name} {language}" + std::string(1024 - 60, 'x');
  auto found = catalog{tables}.problems();
  BOOST_CHECK(mentions(found, "en.json: 'profile.body'"));
}

BOOST_AUTO_TEST_CASE(placeholders_and_unknown_keys_are_checked) {
  auto tables = minimal_tables();
  tables[1]["profile.name_saved"] = "Merci, {nom} !";
  tables[2]["home.rows.jobs.title"] = "Akazi";
  auto found = catalog{tables}.problems();
  BOOST_CHECK(mentions(found, "fr.json: 'profile.name_saved' has other placeholders"));
  BOOST_CHECK(mentions(found, "rw.json: 'home.rows.jobs.title' is not used"));
}

BOOST_AUTO_TEST_CASE(load_reports_files_it_cannot_use) {
  catalog texts;
  auto err = catalog::load("/nonexistent", texts);
  BOOST_REQUIRE(err);
  BOOST_CHECK_NE(err->find("cannot open"), std::string::npos);
}

BOOST_AUTO_TEST_CASE(format_fills_every_placeholder) {
  auto texts = shipped();
  auto out = texts.format(language::fr, "profile.body",
                          {{"name", "Aline"}, {"language", "Français"}});
  BOOST_CHECK_NE(out.find("Aline"), std::string::npos);
  BOOST_CHECK_NE(out.find("Français"), std::string::npos);
  BOOST_CHECK_EQUAL(out.find('{'), std::string::npos);
}

BOOST_AUTO_TEST_CASE(language_codes_round_trip) {
  for (size_t i = 0; i < language_count; ++i) {
    auto lang = static_cast<language>(i);
    BOOST_CHECK(parse_language(code_of(lang)) == lang);
  }
  BOOST_CHECK(!parse_language("de"));
  BOOST_CHECK(!parse_language("EN"));
}

BOOST_AUTO_TEST_CASE(utf8_counts_characters_not_bytes) {
  BOOST_CHECK_EQUAL(utf8_length("Français"), 8u);
  BOOST_CHECK_EQUAL(utf8_length("\xF0\x9F\x91\x8B"), 1u);
  std::string broken = "a\xC3";
  size_t i = 1;
  BOOST_CHECK_EQUAL(utf8_next(broken, i), 0xFFFDu);
  BOOST_CHECK_EQUAL(i, 2u);
}

BOOST_AUTO_TEST_SUITE_END()
