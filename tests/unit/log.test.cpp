// Log lines: one JSON object each, with masked phone numbers and no secrets.
#include "runtime/log.hpp"

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <unistd.h>

using namespace easymo;

BOOST_AUTO_TEST_CASE(phone_numbers_keep_only_their_ends) {
  BOOST_CHECK_EQUAL(log::mask_phone("250788123456"), "2507****3456");
  BOOST_CHECK_EQUAL(log::mask_phone("+250788123456"), "+2507****3456");
  BOOST_CHECK_EQUAL(log::mask_phone("0788123456"), "0788**3456");
  BOOST_CHECK_EQUAL(log::mask_phone("1234"), "****");
}

BOOST_AUTO_TEST_CASE(scrub_masks_digit_runs_that_look_like_phones) {
  BOOST_CHECK_EQUAL(log::scrub("from 250788123456 at 12:30, amount 5000"),
                    "from 2507****3456 at 12:30, amount 5000");
  // Too long to be a phone number (and 16+ digit ids are not personal data).
  BOOST_CHECK_EQUAL(log::scrub("id 12345678901234567890"),
                    "id 12345678901234567890");
}

BOOST_AUTO_TEST_CASE(a_line_is_one_json_object_with_the_standard_fields) {
  auto line = log::format_line(log::level::warn, "session", "slow down\nplease",
                               {{"wa_id", "250788123456"}, {"n", 3}},
                               "wamid.ABC");
  BOOST_REQUIRE(!line.empty());
  BOOST_CHECK_EQUAL(line.back(), '\n');
  BOOST_CHECK_EQUAL(std::count(line.begin(), line.end(), '\n'), 1);
  auto json = nlohmann::json::parse(line);
  BOOST_CHECK_EQUAL(json["level"], "warn");
  BOOST_CHECK_EQUAL(json["component"], "session");
  BOOST_CHECK_EQUAL(json["msg"], "slow down\nplease");
  BOOST_CHECK_EQUAL(json["cid"], "wamid.ABC");
  BOOST_CHECK_EQUAL(json["wa_id"], "2507****3456");
  BOOST_CHECK_EQUAL(json["n"], 3);
  BOOST_CHECK(json["ts"].get<std::string>().size() >= 20);
}

BOOST_AUTO_TEST_CASE(nested_fields_are_scrubbed_too) {
  log::add_secret("topsecretvalue");
  auto line = log::format_line(log::level::info, "x", "m",
                               {{"outer", {{"inner", "topsecretvalue"},
                                           {"list", {"250788123456"}}}}},
                               {});
  log::clear_secrets();
  BOOST_CHECK(line.find("topsecretvalue") == std::string::npos);
  BOOST_CHECK(line.find("250788123456") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(levels_below_the_minimum_are_dropped) {
  int fds[2];
  BOOST_REQUIRE_EQUAL(::pipe(fds), 0);
  log::configure(log::level::warn, fds[1]);
  log::info("t", "hidden");
  log::warn("t", "shown");
  log::configure(log::level::info, 2);
  ::close(fds[1]);
  char buf[4096];
  auto n = ::read(fds[0], buf, sizeof(buf));
  ::close(fds[0]);
  std::string out(buf, n > 0 ? static_cast<size_t>(n) : 0);
  BOOST_CHECK(out.find("hidden") == std::string::npos);
  BOOST_CHECK(out.find("shown") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(invalid_utf8_does_not_break_the_line) {
  auto line = log::format_line(log::level::info, "x", std::string{"bad \xff byte"},
                               nullptr, {});
  BOOST_CHECK_NO_THROW((void) nlohmann::json::parse(line));
}
