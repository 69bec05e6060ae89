// The outbound builders and Meta's limits: each limit is tested at its
// boundary (allowed at the limit, refused one past it), lengths counted in
// characters with French and Kinyarwanda texts, plus the 24-hour window.
#include "protocols/whatsapp/outbound.hpp"
#include "protocols/whatsapp/utf8.hpp"
#include "protocols/whatsapp/window.hpp"

#include <boost/test/unit_test.hpp>

using namespace easymo::whatsapp;
using json = nlohmann::json;

namespace {

// n characters, each two bytes in UTF-8.
std::string accents(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i)
    out += "é";
  return out;
}

limit_errc code_of(const built& b) {
  // The message is built before the check: only a value may be dumped.
  BOOST_REQUIRE_MESSAGE(!b, "expected a violation, got " + (b ? b->dump() : ""));
  auto code = limit_code(b.error());
  BOOST_REQUIRE(code);
  return *code;
}

std::string context_of(const built& b) {
  return render_limit_error(b.error().code(), b.error().category(),
                            b.error().context());
}

buttons_spec three_buttons() {
  buttons_spec spec;
  spec.text.body = "Hitamo serivisi";
  spec.buttons = {{"mobility:ride", "Moto"},
                  {"jobs:list", "Akazi"},
                  {"wallet:home", "Konti"}};
  return spec;
}

list_spec ten_rows() {
  list_spec spec;
  spec.text.body = "Choisissez un service";
  spec.button = "Services";
  list_section a{"Transport", {}};
  list_section b{"Emplois", {}};
  for (int i = 0; i < 5; ++i) {
    a.rows.push_back({"mobility:" + std::to_string(i), "Trajet " + std::to_string(i),
                      "Une moto près de chez vous"});
    b.rows.push_back({"jobs:" + std::to_string(i), "Offre " + std::to_string(i), ""});
  }
  spec.sections = {a, b};
  return spec;
}

} // namespace

BOOST_AUTO_TEST_CASE(utf8_length_counts_characters_and_rejects_bad_bytes) {
  BOOST_CHECK_EQUAL(*utf8_length("Muraho"), 6u);
  BOOST_CHECK_EQUAL(*utf8_length("Déjà payé"), 9u);
  BOOST_CHECK_EQUAL(*utf8_length("🏍️ moto"), 7u); // emoji + variation selector
  BOOST_CHECK_EQUAL(*utf8_length(""), 0u);
  BOOST_CHECK(!utf8_length("\xC3"));             // truncated
  BOOST_CHECK(!utf8_length("\xC0\xAF"));         // overlong '/'
  BOOST_CHECK(!utf8_length("\xED\xA0\x80"));     // a surrogate
  BOOST_CHECK(!utf8_length("\xF4\x90\x80\x80")); // beyond U+10FFFF
  BOOST_CHECK(!utf8_length("\x80"));             // lone continuation
}

BOOST_AUTO_TEST_CASE(text_body_limit_is_4096_characters_not_bytes) {
  auto at_limit = text_message("250788123456", accents(4096));
  BOOST_REQUIRE(at_limit);
  BOOST_CHECK_EQUAL((*at_limit)["type"], "text");
  BOOST_CHECK_EQUAL((*at_limit)["messaging_product"], "whatsapp");
  BOOST_CHECK_EQUAL((*at_limit)["to"], "250788123456");
  BOOST_CHECK_EQUAL((*at_limit)["text"]["preview_url"], false);
  auto over = text_message("250788123456", accents(4097));
  BOOST_CHECK(code_of(over) == limit_errc::text_too_long);
  BOOST_CHECK(context_of(over).find("text.body: 4097 > 4096") != std::string::npos);
  BOOST_CHECK(code_of(text_message("250788123456", "")) == limit_errc::empty_text);
  BOOST_CHECK(code_of(text_message("", "hi")) == limit_errc::empty_text);
  BOOST_CHECK(code_of(text_message("250788123456", "\xFF")) == limit_errc::invalid_utf8);
}

BOOST_AUTO_TEST_CASE(reply_buttons_one_to_three_titles_twenty_unique) {
  auto ok = buttons_message("250788123456", three_buttons());
  BOOST_REQUIRE(ok);
  auto& buttons = (*ok)["interactive"]["action"]["buttons"];
  BOOST_CHECK_EQUAL(buttons.size(), 3u);
  BOOST_CHECK_EQUAL(buttons[1]["reply"]["id"], "jobs:list");
  BOOST_CHECK_EQUAL(buttons[1]["type"], "reply");
  BOOST_CHECK_EQUAL((*ok)["interactive"]["type"], "button");

  auto none = three_buttons();
  none.buttons.clear();
  BOOST_CHECK(code_of(buttons_message("250788123456", none)) == limit_errc::too_few_items);
  auto four = three_buttons();
  four.buttons.push_back({"home:menu", "Ahabanza"});
  BOOST_CHECK(code_of(buttons_message("250788123456", four)) == limit_errc::too_many_items);

  auto title20 = three_buttons();
  title20.buttons[0].title = accents(20);
  BOOST_CHECK(buttons_message("250788123456", title20));
  auto title21 = three_buttons();
  title21.buttons[0].title = accents(21);
  auto long_title = buttons_message("250788123456", title21);
  BOOST_CHECK(code_of(long_title) == limit_errc::text_too_long);
  BOOST_CHECK(context_of(long_title).find("buttons[0].reply.title") != std::string::npos);

  auto same_title = three_buttons();
  same_title.buttons[2].title = "Moto";
  BOOST_CHECK(code_of(buttons_message("250788123456", same_title)) == limit_errc::duplicate);
  auto same_id = three_buttons();
  same_id.buttons[2].id = "mobility:ride";
  BOOST_CHECK(code_of(buttons_message("250788123456", same_id)) == limit_errc::duplicate);
}

BOOST_AUTO_TEST_CASE(interactive_body_header_and_footer_limits) {
  auto spec = three_buttons();
  spec.text.body = accents(1024);
  spec.text.header = accents(60);
  spec.text.footer = accents(60);
  auto ok = buttons_message("250788123456", spec);
  BOOST_REQUIRE(ok);
  BOOST_CHECK_EQUAL((*ok)["interactive"]["header"]["type"], "text");
  spec.text.body = accents(1025);
  BOOST_CHECK(code_of(buttons_message("250788123456", spec)) == limit_errc::text_too_long);
  spec.text.body = "ok";
  spec.text.header = accents(61);
  BOOST_CHECK(code_of(buttons_message("250788123456", spec)) == limit_errc::text_too_long);
  spec.text.header.clear();
  spec.text.footer = accents(61);
  BOOST_CHECK(code_of(buttons_message("250788123456", spec)) == limit_errc::text_too_long);
  spec.text.footer.clear();
  spec.text.body.clear();
  BOOST_CHECK(code_of(buttons_message("250788123456", spec)) == limit_errc::empty_text);
}

BOOST_AUTO_TEST_CASE(list_rows_total_ten_and_field_lengths) {
  auto ok = list_message("250788123456", ten_rows());
  BOOST_REQUIRE(ok);
  auto& action = (*ok)["interactive"]["action"];
  BOOST_CHECK_EQUAL(action["button"], "Services");
  BOOST_CHECK_EQUAL(action["sections"].size(), 2u);
  BOOST_CHECK(!action["sections"][1]["rows"][0].contains("description"));

  auto eleven = ten_rows();
  eleven.sections[1].rows.push_back({"jobs:x", "Autre", ""});
  auto over = list_message("250788123456", eleven);
  BOOST_CHECK(code_of(over) == limit_errc::too_many_items);
  BOOST_CHECK(context_of(over).find("11 > 10") != std::string::npos);

  auto row_title = ten_rows();
  row_title.sections[0].rows[0].title = accents(24);
  BOOST_CHECK(list_message("250788123456", row_title));
  row_title.sections[0].rows[0].title = accents(25);
  BOOST_CHECK(code_of(list_message("250788123456", row_title)) == limit_errc::text_too_long);

  auto desc = ten_rows();
  desc.sections[0].rows[0].description = accents(72);
  BOOST_CHECK(list_message("250788123456", desc));
  desc.sections[0].rows[0].description = accents(73);
  BOOST_CHECK(code_of(list_message("250788123456", desc)) == limit_errc::text_too_long);

  auto label = ten_rows();
  label.button = accents(20);
  BOOST_CHECK(list_message("250788123456", label));
  label.button = accents(21);
  BOOST_CHECK(code_of(list_message("250788123456", label)) == limit_errc::text_too_long);
  label.button.clear();
  BOOST_CHECK(code_of(list_message("250788123456", label)) == limit_errc::empty_text);
}

BOOST_AUTO_TEST_CASE(list_sections_need_titles_when_several_and_unique_row_ids) {
  auto untitled = ten_rows();
  untitled.sections[1].title.clear();
  BOOST_CHECK(code_of(list_message("250788123456", untitled))
              == limit_errc::missing_field);
  auto single = ten_rows();
  single.sections.pop_back();
  single.sections[0].title.clear();
  BOOST_CHECK(list_message("250788123456", single));
  auto dup = ten_rows();
  dup.sections[1].rows[0].id = "mobility:0";
  BOOST_CHECK(code_of(list_message("250788123456", dup)) == limit_errc::duplicate);
  auto empty_section = ten_rows();
  empty_section.sections[1].rows.clear();
  BOOST_CHECK(code_of(list_message("250788123456", empty_section)) == limit_errc::too_few_items);
}

BOOST_AUTO_TEST_CASE(location_request_template_and_image) {
  auto loc = location_request_message("250788123456", "Ohereza aho uri");
  BOOST_REQUIRE(loc);
  BOOST_CHECK_EQUAL((*loc)["interactive"]["type"], "location_request_message");
  BOOST_CHECK_EQUAL((*loc)["interactive"]["action"]["name"], "send_location");
  BOOST_CHECK(code_of(location_request_message("250788123456", accents(1025)))
              == limit_errc::text_too_long);

  template_spec tpl{"payment_reminder", "rw", json::array({{{"type", "body"}}})};
  auto t = template_message("250788123456", tpl);
  BOOST_REQUIRE(t);
  BOOST_CHECK(is_template(*t));
  BOOST_CHECK_EQUAL((*t)["template"]["language"]["code"], "rw");
  BOOST_CHECK_EQUAL((*t)["template"]["components"].size(), 1u);
  BOOST_CHECK(code_of(template_message("250788123456", {"", "en", json::array()}))
              == limit_errc::empty_text);
  BOOST_CHECK(code_of(template_message("250788123456", {"x", "en", json::object()}))
              == limit_errc::missing_field);

  auto by_id = image_message("250788123456", {"1234567890", "", "Ifoto"});
  BOOST_REQUIRE(by_id);
  BOOST_CHECK_EQUAL((*by_id)["image"]["id"], "1234567890");
  BOOST_CHECK(image_message("250788123456", {"", "https://example.org/a.jpg", ""}));
  BOOST_CHECK(code_of(image_message("250788123456", {"1", "https://e.org/a.jpg", ""}))
              == limit_errc::bad_media);
  BOOST_CHECK(code_of(image_message("250788123456", {"", "ftp://e.org/a.jpg", ""}))
              == limit_errc::bad_media);
  BOOST_CHECK(code_of(image_message("250788123456", {"1", "", accents(1025)}))
              == limit_errc::text_too_long);
}

BOOST_AUTO_TEST_CASE(check_message_judges_bodies_built_elsewhere) {
  auto body = json::parse(R"({"messaging_product":"whatsapp","to":"250788123456",
    "type":"interactive","interactive":{"type":"button","body":{"text":"x"},
    "action":{"buttons":[{"type":"reply","reply":{"id":"a","title":"A"}}]}}})");
  BOOST_CHECK(!check_message(body));
  body["interactive"]["action"]["buttons"][0]["reply"].erase("id");
  BOOST_CHECK(limit_code(check_message(body)) == limit_errc::missing_field);
  BOOST_CHECK(limit_code(check_message(json::parse(R"({"to":"1","type":"text"})")))
              == limit_errc::missing_field);
  auto odd = json::parse(R"({"messaging_product":"whatsapp","to":"1","type":"poll"})");
  BOOST_CHECK(limit_code(check_message(odd)) == limit_errc::unsupported_type);
  auto data = json::parse(R"({"messaging_product":"whatsapp","to":"1","type":"text",
    "text":{"body":"hi"}})");
  data["biz_opaque_callback_data"] = std::string(513, 'x');
  BOOST_CHECK(limit_code(check_message(data)) == limit_errc::text_too_long);
}

BOOST_AUTO_TEST_CASE(the_window_allows_free_form_for_24_hours_templates_always) {
  auto inbound = wall_clock::time_point{std::chrono::hours(1000)};
  auto expires = window_expires_at(inbound);
  BOOST_CHECK(expires - inbound == std::chrono::hours(24));
  auto just_before = expires - std::chrono::seconds(1);
  BOOST_CHECK(check_window(false, expires, just_before) == window_verdict::open);
  BOOST_CHECK(check_window(false, expires, expires) == window_verdict::expired);
  BOOST_CHECK(check_window(true, expires, expires + std::chrono::hours(48))
              == window_verdict::template_message);
  BOOST_CHECK(check_window(true, std::nullopt, expires)
              == window_verdict::template_message);
  BOOST_CHECK(check_window(false, std::nullopt, inbound) == window_verdict::missing);
}
