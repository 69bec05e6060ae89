// The home and profile domains as pure functions, and the Graph API bodies
// their replies render to. Every reply of every path is checked against
// Meta's limits in all three languages.
#include "actors/domains/home/home.hpp"
#include "actors/domains/profile/profile.hpp"
#include "actors/domains/services.hpp"

#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

using namespace easymo::domains;
using nlohmann::json;

namespace {

const catalog& texts() {
  static const catalog loaded = [] {
    catalog c;
    auto err = catalog::load(EASYMO_SOURCE_DIR "/config/locales", c);
    if (err)
      throw std::runtime_error(*err);
    return c;
  }();
  return loaded;
}

decision_request request(std::string action, std::string arg = {},
                         language lang = language::en) {
  decision_request req;
  req.session.wa_id = "250788123456";
  req.session.flow.lang = lang;
  req.message.event_id = 7;
  req.message.kind = "text";
  req.action = std::move(action);
  req.arg = std::move(arg);
  return req;
}

void check_sendable(const decision& d) {
  for (auto& r : d.replies)
    BOOST_CHECK_MESSAGE(violation(r).empty(), violation(r));
}

json rendered(const reply& r) {
  return json::parse(render(r, "250788123456"));
}

} // namespace

BOOST_AUTO_TEST_SUITE(domains_home)

BOOST_AUTO_TEST_CASE(the_menu_lists_every_service_in_order) {
  auto d = home::decide(texts(), request("menu"));
  BOOST_REQUIRE_EQUAL(d.replies.size(), 1u);
  auto body = rendered(d.replies[0]);
  BOOST_CHECK_EQUAL(body["type"], "interactive");
  BOOST_CHECK_EQUAL(body["interactive"]["type"], "list");
  BOOST_CHECK_EQUAL(body["interactive"]["body"]["text"],
                    texts().get(language::en, "home.body"));
  BOOST_CHECK_EQUAL(body["interactive"]["action"]["button"], "Services");
  auto& rows = body["interactive"]["action"]["sections"][0]["rows"];
  BOOST_REQUIRE_EQUAL(rows.size(), services.size());
  for (size_t i = 0; i < services.size(); ++i)
    BOOST_CHECK_EQUAL(rows[i]["id"], std::string{services[i].name} + ":open");
  BOOST_CHECK_EQUAL(rows[1]["title"], "Jobs");
  BOOST_CHECK(d.next.domain.empty() && d.next.step.empty());
  BOOST_CHECK(d.effects.empty());
}

BOOST_AUTO_TEST_CASE(a_service_not_built_says_so_above_the_menu) {
  for (auto& svc : services) {
    if (svc.built)
      continue;
    std::string name{svc.name};
    for (auto lang : {language::en, language::fr, language::rw}) {
      auto d = home::decide(texts(), request("soon", name, lang));
      BOOST_REQUIRE_EQUAL(d.replies.size(), 1u);
      BOOST_CHECK_EQUAL(d.replies[0].body, texts().get(lang, "soon." + name));
      BOOST_CHECK_EQUAL(d.replies[0].rows.size(), services.size());
      check_sendable(d);
    }
  }
  // A built service never gets the "soon" text, whatever the request says.
  auto d = home::decide(texts(), request("soon", "profile"));
  BOOST_CHECK_EQUAL(d.replies[0].body, texts().get(language::en, "home.body"));
}

BOOST_AUTO_TEST_CASE(the_menu_speaks_the_session_language) {
  auto d = home::decide(texts(), request("menu", {}, language::rw));
  BOOST_CHECK_EQUAL(d.replies[0].list_button, "Serivisi");
  BOOST_CHECK(d.next.lang == language::rw);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(domains_profile)

BOOST_AUTO_TEST_CASE(the_card_shows_name_language_and_three_buttons) {
  auto req = request("open", {}, language::fr);
  auto d = profile::decide(texts(), req);
  BOOST_REQUIRE_EQUAL(d.replies.size(), 1u);
  auto& card = d.replies[0];
  BOOST_CHECK(card.type == reply::kind::buttons);
  BOOST_CHECK_NE(card.body.find("pas encore défini"), std::string::npos);
  BOOST_CHECK_NE(card.body.find("Français"), std::string::npos);
  BOOST_REQUIRE_EQUAL(card.buttons.size(), 3u);
  BOOST_CHECK_EQUAL(card.buttons[0].id, "profile:name");
  BOOST_CHECK_EQUAL(card.buttons[1].id, "profile:lang");
  BOOST_CHECK_EQUAL(card.buttons[2].id, "home:menu");
  req.session.name = "Aline Uwase";
  auto named = profile::decide(texts(), req);
  BOOST_CHECK_NE(named.replies[0].body.find("Aline Uwase"), std::string::npos);
}

BOOST_AUTO_TEST_CASE(changing_the_name_is_a_two_step_flow) {
  auto ask = profile::decide(texts(), request("name"));
  BOOST_CHECK_EQUAL(ask.next.domain, "profile");
  BOOST_CHECK_EQUAL(ask.next.step, profile::await_name);
  BOOST_CHECK(ask.replies[0].type == reply::kind::text);
  auto req = request("continue");
  req.session.flow = ask.next;
  req.message.text = "  Aline   Uwase ";
  auto saved = profile::decide(texts(), req);
  BOOST_REQUIRE_EQUAL(saved.effects.profile.size(), 1u);
  BOOST_CHECK(saved.effects.profile[0].set_name);
  BOOST_CHECK_EQUAL(saved.effects.profile[0].name, "Aline Uwase");
  BOOST_CHECK(!saved.effects.profile[0].set_language);
  BOOST_CHECK(saved.next.step.empty());
  BOOST_CHECK_NE(saved.replies[0].body.find("Thank you, Aline Uwase!"),
                 std::string::npos);
  check_sendable(saved);
}

BOOST_AUTO_TEST_CASE(a_bad_name_asks_again_and_keeps_the_flow) {
  auto req = request("continue");
  req.session.flow.domain = "profile";
  req.session.flow.step = std::string{profile::await_name};
  req.message.text = "12345";
  auto d = profile::decide(texts(), req);
  BOOST_CHECK(d.effects.empty());
  BOOST_CHECK_EQUAL(d.next.step, profile::await_name);
  BOOST_CHECK_EQUAL(d.replies[0].body,
                    texts().get(language::en, "profile.name_invalid"));
  req.message.kind = "image";
  req.message.text.clear();
  BOOST_CHECK(profile::decide(texts(), req).effects.empty());
}

BOOST_AUTO_TEST_CASE(names_are_cleaned_or_refused) {
  BOOST_CHECK(profile::clean_name(" Jean-Paul  Mugisha ") == "Jean-Paul Mugisha");
  BOOST_CHECK(profile::clean_name("Éloïse O'Neill") == "Éloïse O'Neill");
  BOOST_CHECK(profile::clean_name("J. Uwase") == "J. Uwase");
  for (auto bad : {"", "A", "--", "Aline2", "Aline \xF0\x9F\x98\x80",
                   "<script>", "a\xE2\x80\x8B" "b", "Aline*"})
    BOOST_CHECK_MESSAGE(!profile::clean_name(bad), bad);
  BOOST_CHECK(profile::clean_name(std::string(40, 'a')));
  BOOST_CHECK(!profile::clean_name(std::string(41, 'a')));
}

BOOST_AUTO_TEST_CASE(choosing_a_language_answers_in_it) {
  auto choice = profile::decide(texts(), request("lang"));
  BOOST_REQUIRE_EQUAL(choice.replies[0].buttons.size(), 3u);
  BOOST_CHECK_EQUAL(choice.replies[0].buttons[1].id, "profile:lang:fr");
  BOOST_CHECK_EQUAL(choice.replies[0].buttons[1].title, "Français");
  auto set = profile::decide(texts(), request("lang", "rw"));
  BOOST_CHECK(set.next.lang == language::rw);
  BOOST_REQUIRE_EQUAL(set.effects.profile.size(), 1u);
  BOOST_CHECK(set.effects.profile[0].set_language);
  BOOST_CHECK(set.effects.profile[0].lang == language::rw);
  BOOST_CHECK_EQUAL(set.replies[0].body,
                    texts().get(language::rw, "language.saved"));
  BOOST_CHECK_EQUAL(set.replies[0].buttons[2].title, "Ahabanza");
  // An unknown code shows the choice again.
  auto again = profile::decide(texts(), request("lang", "de"));
  BOOST_CHECK(again.effects.empty());
  BOOST_CHECK_EQUAL(again.replies[0].buttons.size(), 3u);
}

BOOST_AUTO_TEST_CASE(every_path_is_sendable_in_every_language) {
  std::string longest(profile::name_chars_max, 'x');
  for (auto lang : {language::en, language::fr, language::rw}) {
    for (auto [action, arg] : std::vector<std::pair<std::string, std::string>>{
           {"open", ""}, {"name", ""}, {"lang", ""}, {"lang", "fr"},
           {"continue", ""}, {"unknown", ""}}) {
      auto req = request(action, arg, lang);
      req.session.name = longest;
      req.session.flow.step = std::string{profile::await_name};
      req.message.text = longest;
      check_sendable(profile::decide(texts(), req));
    }
    check_sendable(home::decide(texts(), request("menu", {}, lang)));
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(domains_replies)

BOOST_AUTO_TEST_CASE(text_renders_the_graph_body) {
  auto body = rendered(text_reply("Hello"));
  json expected{{"messaging_product", "whatsapp"},
                {"recipient_type", "individual"},
                {"to", "250788123456"},
                {"type", "text"},
                {"text", {{"preview_url", false}, {"body", "Hello"}}}};
  BOOST_CHECK_EQUAL(body, expected);
}

BOOST_AUTO_TEST_CASE(buttons_render_the_graph_body) {
  auto body = rendered(buttons_reply("Pick", {{"a:b", "A"}, {"home:menu", "Menu"}}));
  json expected = json::parse(R"({
    "messaging_product": "whatsapp", "recipient_type": "individual",
    "to": "250788123456", "type": "interactive",
    "interactive": {"type": "button", "body": {"text": "Pick"},
      "action": {"buttons": [
        {"type": "reply", "reply": {"id": "a:b", "title": "A"}},
        {"type": "reply", "reply": {"id": "home:menu", "title": "Menu"}}]}}})");
  BOOST_CHECK_EQUAL(body, expected);
}

BOOST_AUTO_TEST_CASE(limits_are_enforced) {
  std::vector<button> four{{"a:1", "1"}, {"a:2", "2"}, {"a:3", "3"}, {"a:4", "4"}};
  BOOST_CHECK(!violation(buttons_reply("x", four)).empty());
  BOOST_CHECK(!violation(buttons_reply("x", {})).empty());
  BOOST_CHECK(!violation(buttons_reply("x", {{"a:1", std::string(21, 't')}})).empty());
  BOOST_CHECK(!violation(buttons_reply("x", {{"a:1", "T"}, {"a:2", "T"}})).empty());
  BOOST_CHECK(!violation(buttons_reply(std::string(1025, 'b'), {{"a:1", "T"}})).empty());
  BOOST_CHECK(violation(buttons_reply(std::string(1024, 'b'), {{"a:1", "T"}})).empty());
  BOOST_CHECK(violation(text_reply(std::string(4096, 'b'))).empty());
  BOOST_CHECK(!violation(text_reply(std::string(4097, 'b'))).empty());
  BOOST_CHECK(!violation(text_reply("")).empty());
  std::vector<row> eleven;
  for (int i = 0; i < 11; ++i)
    eleven.push_back({"r:" + std::to_string(i), "t", ""});
  BOOST_CHECK(!violation(list_reply("b", "Open", "S", eleven)).empty());
  eleven.pop_back();
  BOOST_CHECK(violation(list_reply("b", "Open", "S", eleven)).empty());
  eleven[0].description = std::string(73, 'd');
  BOOST_CHECK(!violation(list_reply("b", "Open", "S", eleven)).empty());
  eleven[0].description.clear();
  eleven[1].id = eleven[0].id;
  BOOST_CHECK(!violation(list_reply("b", "Open", "S", eleven)).empty());
  BOOST_CHECK(!violation(list_reply("b", std::string(21, 'o'), "S", {{"r:1", "t", ""}})).empty());
}

BOOST_AUTO_TEST_SUITE_END()
