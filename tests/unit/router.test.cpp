// The router without actors: text normalization, reply-id parsing, the
// keyword table of config/locales/keywords.json, and the routing order
// (reply id, keyword, active flow, home menu).
#include "actors/router/router.hpp"

#include <boost/test/unit_test.hpp>

using namespace easymo::router;

namespace {

keyword_table real_keywords() {
  keyword_table table;
  auto err = keyword_table::load(
    EASYMO_SOURCE_DIR "/config/locales/keywords.json", table);
  BOOST_REQUIRE_MESSAGE(!err, *err);
  return table;
}

route text(const keyword_table& kw, std::string_view body,
           std::string_view domain = {}, std::string_view step = {}) {
  return decide(kw, {"text", body, {}, domain, step});
}

void check_route(const route& r, source from, const std::string& domain,
                 const std::string& action, const std::string& arg = {}) {
  BOOST_CHECK_EQUAL(to_string(r.from), to_string(from));
  BOOST_CHECK_EQUAL(r.domain, domain);
  BOOST_CHECK_EQUAL(r.action, action);
  BOOST_CHECK_EQUAL(r.arg, arg);
}

} // namespace

BOOST_AUTO_TEST_SUITE(router_normalize)

BOOST_AUTO_TEST_CASE(case_punctuation_and_spaces_go) {
  BOOST_CHECK_EQUAL(normalize("  MENU!! "), "menu");
  BOOST_CHECK_EQUAL(normalize("Main\t menu..."), "main menu");
  BOOST_CHECK_EQUAL(normalize("*menu*"), "menu");
  BOOST_CHECK_EQUAL(normalize("mon-profil"), "mon profil");
  BOOST_CHECK_EQUAL(normalize("ok\xE2\x80\x99s"), "ok s"); // curly apostrophe
  BOOST_CHECK_EQUAL(normalize(""), "");
  BOOST_CHECK_EQUAL(normalize("?!"), "");
}

BOOST_AUTO_TEST_CASE(accents_fold_to_their_letters) {
  BOOST_CHECK_EQUAL(normalize("Marché"), "marche");
  BOOST_CHECK_EQUAL(normalize("FRANÇAIS"), "francais");
  BOOST_CHECK_EQUAL(normalize("Début"), "debut");
  BOOST_CHECK_EQUAL(normalize("ÀÉÎÕÜ ÿ"), "aeiou y");
  BOOST_CHECK_EQUAL(normalize("Œuvre Straße"), "oeuvre strasse");
  BOOST_CHECK_EQUAL(normalize("Łódź"), "lodz");
  // Decomposed: e followed by a combining acute accent.
  BOOST_CHECK_EQUAL(normalize("marche\xCC\x81"), "marche");
}

BOOST_AUTO_TEST_CASE(emoji_drop_and_other_scripts_stay) {
  BOOST_CHECK_EQUAL(normalize("\xF0\x9F\x91\x8B Ahabanza \xF0\x9F\x99\x8F"),
                    "ahabanza");
  BOOST_CHECK_EQUAL(normalize("\xE2\x9D\xA4\xEF\xB8\x8F menu"), "menu");
  BOOST_CHECK_EQUAL(normalize("\xD0\x9C\xD0\xB8\xD1\x80"), "\xD0\x9C\xD0\xB8\xD1\x80");
  // Broken UTF-8 is dropped byte by byte, never read past the end.
  BOOST_CHECK_EQUAL(normalize("me\xC3nu\xE2\x82"), "menu");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(router_targets)

BOOST_AUTO_TEST_CASE(reply_ids_parse_with_known_domains_only) {
  auto t = parse_target("profile:lang:fr");
  BOOST_REQUIRE(t);
  BOOST_CHECK_EQUAL(t->domain, "profile");
  BOOST_CHECK_EQUAL(t->action, "lang");
  BOOST_CHECK_EQUAL(t->arg, "fr");
  auto menu = parse_target("home:menu");
  BOOST_REQUIRE(menu);
  BOOST_CHECK(menu->arg.empty());
  auto nested = parse_target("jobs:apply:42:x");
  BOOST_REQUIRE(nested);
  BOOST_CHECK_EQUAL(nested->arg, "42:x");
  for (auto bad : {"nope:x", ":x", "profile:", "profile", "menu.jobs", ""})
    BOOST_CHECK_MESSAGE(!parse_target(bad), bad);
}

BOOST_AUTO_TEST_CASE(keyword_table_refuses_conflicts_and_bad_targets) {
  keyword_table table;
  BOOST_CHECK(table.add("Menu", "home:menu"));
  BOOST_CHECK(table.add("MENU!", "home:menu")); // the same word, same target
  BOOST_CHECK(!table.add("menu", "jobs:open"));
  BOOST_CHECK(!table.add("x", "nowhere:open"));
  BOOST_CHECK(!table.add("  ", "home:menu"));
  BOOST_CHECK_EQUAL(table.size(), 1u);
  BOOST_REQUIRE(table.find("menu"));
  BOOST_CHECK(!table.find("Menu")); // find takes normalized text
}

BOOST_AUTO_TEST_CASE(the_shipped_table_loads) {
  auto table = real_keywords();
  BOOST_CHECK_GT(table.size(), 40u);
  keyword_table missing;
  BOOST_CHECK(keyword_table::load("/nonexistent/keywords.json", missing));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(router_order)

BOOST_AUTO_TEST_CASE(keywords_in_three_languages) {
  auto kw = real_keywords();
  for (auto word : {"menu", "Home", "accueil", "AHABANZA", "Début"})
    check_route(text(kw, word), source::keyword, "home", "menu");
  for (auto word : {"jobs", "Emplois", "akazi"})
    check_route(text(kw, word), source::keyword, "home", "soon", "jobs");
  for (auto word : {"ride", "Moto", "TAXI"})
    check_route(text(kw, word), source::keyword, "home", "soon", "rides");
  for (auto word : {"wallet", "Portefeuille", "ikofi"})
    check_route(text(kw, word), source::keyword, "wallet", "open");
  for (auto word : {"balance", "Solde", "konti"})
    check_route(text(kw, word), source::keyword, "wallet", "balance");
  for (auto word : {"profile", "profil", "umwirondoro"})
    check_route(text(kw, word), source::keyword, "profile", "open");
  for (auto word : {"language", "Langue", "ururimi"})
    check_route(text(kw, word), source::keyword, "profile", "lang");
  check_route(text(kw, "marche"), source::keyword, "home", "soon", "market");
  check_route(text(kw, "Français"), source::keyword, "profile", "lang", "fr");
}

BOOST_AUTO_TEST_CASE(a_command_with_arguments_goes_by_its_first_words) {
  auto kw = real_keywords();
  for (auto body : {"send 5000 to 0788123456", "Envoyer 5 000 \xc3\xa0 0788123456",
                    "ohereza 5000 kuri 0788123456", "Top up 2,000",
                    "withdraw 700 RWF", "Transf\xc3\xa9rer 100 au 0788123456"})
    BOOST_TEST_CONTEXT(body) {
      check_route(text(kw, body), source::keyword, "wallet", "command");
    }
  // The verb alone asks for the rest; a whole-message word wins over a
  // prefix, and a prefix needs more words after it.
  check_route(text(kw, "send"), source::keyword, "wallet", "send");
  check_route(text(kw, "top up"), source::keyword, "wallet", "topup");
  check_route(text(kw, "sender"), source::home, "home", "menu");
  // Even from inside another flow, as keywords do.
  check_route(text(kw, "send 5000 to 0788123456", "profile", "await_name"),
              source::keyword, "wallet", "command");
}

BOOST_AUTO_TEST_CASE(prefixes_are_words_of_their_own_in_the_table) {
  keyword_table table;
  BOOST_CHECK(table.add("send *", "wallet:command"));
  BOOST_CHECK(table.add("send money *", "profile:open"));
  BOOST_CHECK(table.add("send", "wallet:send"));
  BOOST_CHECK(!table.add("send *", "profile:open"));
  BOOST_CHECK_EQUAL(table.size(), 3u);
  BOOST_CHECK_EQUAL(table.find("send 5")->domain, "wallet");
  // The longest prefix wins.
  BOOST_CHECK_EQUAL(table.find("send money now")->domain, "profile");
  BOOST_CHECK_EQUAL(table.find("send")->action, "send");
  BOOST_CHECK(table.find("sendmoney 5") == nullptr);
}

BOOST_AUTO_TEST_CASE(a_reply_id_wins_over_its_title) {
  auto kw = real_keywords();
  auto r = decide(kw, {"interactive", "Jobs", "profile:open", {}, {}});
  check_route(r, source::reply_id, "profile", "open");
  // The home menu's wallet row opens the wallet, no longer "coming soon".
  check_route(decide(kw, {"interactive", "Wallet", "wallet:open", {}, {}}),
              source::reply_id, "wallet", "open");
  auto soon = decide(kw, {"interactive", "Isoko", "market:open", {}, {}});
  check_route(soon, source::reply_id, "home", "soon", "market");
  // An id we no longer know falls back to the title as a keyword.
  auto old = decide(kw, {"interactive", "Jobs", "menu.jobs", {}, {}});
  check_route(old, source::keyword, "home", "soon", "jobs");
}

BOOST_AUTO_TEST_CASE(a_keyword_leaves_the_active_flow) {
  auto kw = real_keywords();
  check_route(text(kw, "menu", "profile", "await_name"), source::keyword,
              "home", "menu");
}

BOOST_AUTO_TEST_CASE(other_text_continues_the_active_flow) {
  auto kw = real_keywords();
  check_route(text(kw, "Aline Uwase", "profile", "await_name"), source::flow,
              "profile", "continue");
  auto image = decide(kw, {"image", {}, {}, "profile", "await_name"});
  check_route(image, source::flow, "profile", "continue");
}

BOOST_AUTO_TEST_CASE(without_a_flow_the_home_menu_answers) {
  auto kw = real_keywords();
  check_route(text(kw, "Muraho! Ndashaka moto ijya i Kimironko"), source::home,
              "home", "menu");
  check_route(decide(kw, {"location", {}, {}, {}, {}}), source::home, "home",
              "menu");
  // A flow of a domain that no longer exists is not continued.
  check_route(text(kw, "hello", "gone", "step"), source::home, "home", "menu");
  // A domain without a step is no flow.
  check_route(text(kw, "hello", "profile", ""), source::home, "home", "menu");
}

BOOST_AUTO_TEST_CASE(reactions_change_nothing) {
  auto kw = real_keywords();
  auto r = decide(kw, {"reaction", "menu", {}, "profile", "await_name"});
  BOOST_CHECK_EQUAL(to_string(r.from), "ignore");
  BOOST_CHECK(r.domain.empty());
}

BOOST_AUTO_TEST_SUITE_END()
