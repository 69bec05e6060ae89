// PayDunya: the IPN hash as a known answer (Python's hashlib over the
// master key PayDunya's own documentation shows), forged hashes refused,
// the invoice create/confirm shapes, and the XOF bounds.
#include "protocols/paydunya/paydunya.hpp"

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

using namespace easymo;

namespace {

constexpr const char* master = "wQzk9ZwR-Qq9m-0hD0-zpud-je5coGC3FHKW";
// hashlib.sha512(master).hexdigest()
constexpr const char* master_sha512
  = "e3662754c63cb8f248468591fab6b52e0553f7b1c07358e8b584cdd537bbd8d78f2bf3688"
    "92297fb818153adb3384e0a01d22e5c4b83a35a44aba9872461a700";

paydunya::config config() {
  paydunya::config cfg;
  cfg.credentials = {master, "test_private_rMIdJM3PLLhLjyArx9tF3VURAF5",
                     "IivOiOxGJuWhc5znlIiK"};
  cfg.callback_url = "https://easymo.example/payments/paydunya/ipn";
  return cfg;
}

http::client_response reply(int status, std::string body) {
  http::client_response res;
  res.status = status;
  res.body = std::move(body);
  return res;
}

} // namespace

BOOST_AUTO_TEST_CASE(ipn_hash_is_the_sha512_of_the_master_key) {
  auto body = "data%5Bhash%5D=" + std::string{master_sha512}
              + "&data%5Binvoice%5D%5Btoken%5D=test_449a6fef1a"
                "&data%5Bstatus%5D=completed"
                "&data%5Bcustom_data%5D%5Breference%5D=ref-1";
  auto msg = paydunya::parse_ipn(body);
  BOOST_REQUIRE(msg);
  BOOST_CHECK_EQUAL(msg->token, "test_449a6fef1a");
  BOOST_CHECK_EQUAL(msg->status, "completed");
  BOOST_CHECK_EQUAL(msg->reference, "ref-1");
  BOOST_CHECK(paydunya::hash_matches(*msg, master));
}

BOOST_AUTO_TEST_CASE(forged_or_missing_hashes_are_refused) {
  auto msg = paydunya::parse_ipn(paydunya::make_ipn(master, "t1", "completed",
                                                    5000, "r"));
  BOOST_REQUIRE(msg);
  BOOST_CHECK(paydunya::hash_matches(*msg, master));
  BOOST_CHECK(!paydunya::hash_matches(*msg, "another-master-key"));
  BOOST_CHECK(!paydunya::hash_matches(*msg, ""));
  auto forged = *msg;
  forged.hash[0] = forged.hash[0] == '0' ? '1' : '0';
  BOOST_CHECK(!paydunya::hash_matches(forged, master));
  forged.hash = "sha512";
  BOOST_CHECK(!paydunya::hash_matches(forged, master));
  BOOST_CHECK(!paydunya::parse_ipn("data%5Bstatus%5D=completed"));
  BOOST_CHECK(!paydunya::parse_ipn("data%5Bhash%5D=%zz"));
}

BOOST_AUTO_TEST_CASE(base_urls_follow_the_mode) {
  auto cfg = config();
  BOOST_CHECK_EQUAL(paydunya::api_base(cfg),
                    "https://app.paydunya.com/sandbox-api/v1");
  cfg.live = true;
  BOOST_CHECK_EQUAL(paydunya::api_base(cfg), "https://app.paydunya.com/api/v1");
  cfg.base_url = "http://127.0.0.1:9/sim/";
  BOOST_CHECK_EQUAL(paydunya::api_base(cfg), "http://127.0.0.1:9/sim");
}

BOOST_AUTO_TEST_CASE(create_sends_the_three_keys_and_our_reference) {
  auto req = paydunya::create_invoice(config(), "ref-9", 5000, "Top-up");
  BOOST_CHECK_EQUAL(req.url, "https://app.paydunya.com/sandbox-api/v1/"
                             "checkout-invoice/create");
  std::map<std::string, std::string> h(req.headers.begin(), req.headers.end());
  BOOST_CHECK_EQUAL(h["PAYDUNYA-MASTER-KEY"], master);
  BOOST_CHECK_EQUAL(h["PAYDUNYA-PRIVATE-KEY"],
                    "test_private_rMIdJM3PLLhLjyArx9tF3VURAF5");
  BOOST_CHECK_EQUAL(h["PAYDUNYA-TOKEN"], "IivOiOxGJuWhc5znlIiK");
  auto body = nlohmann::json::parse(req.body);
  BOOST_CHECK_EQUAL(body["invoice"]["total_amount"], 5000);
  BOOST_CHECK_EQUAL(body["custom_data"]["reference"], "ref-9");
  BOOST_CHECK_EQUAL(body["actions"]["callback_url"],
                    "https://easymo.example/payments/paydunya/ipn");
}

BOOST_AUTO_TEST_CASE(create_reply_needs_code_00_and_a_token) {
  auto ok = paydunya::parse_create(reply(
    200, R"({"response_code":"00","response_text":"https://paydunya.com/checkout/invoice/test_1","description":"Checkout Invoice created","token":"test_1"})"));
  BOOST_REQUIRE(ok.created);
  BOOST_CHECK_EQUAL(ok.created->token, "test_1");
  BOOST_CHECK_EQUAL(ok.created->checkout_url,
                    "https://paydunya.com/checkout/invoice/test_1");
  auto refused = paydunya::parse_create(
    reply(200, R"({"response_code":"1001","response_text":"Invalid Masterkey"})"));
  BOOST_CHECK(refused.http == gateway::answer::refused);
  BOOST_CHECK_EQUAL(refused.error, "Invalid Masterkey");
  BOOST_CHECK(paydunya::parse_create(reply(503, "")).http
              == gateway::answer::retry_later);
}

BOOST_AUTO_TEST_CASE(confirm_reads_status_amount_and_reference) {
  auto done = paydunya::parse_confirm(
    reply(200, R"({"response_code":"00","status":"completed","invoice":{"token":"t","total_amount":5000.0},"custom_data":{"reference":"ref-9"}})"),
    "t");
  BOOST_REQUIRE(done.found);
  BOOST_CHECK(done.found->status == gateway::pay_status::succeeded);
  BOOST_CHECK_EQUAL(done.found->amount, 5000);
  BOOST_CHECK(done.found->cur == ledger::currency::XOF);
  BOOST_CHECK_EQUAL(done.reference, "ref-9");
  auto cancelled = paydunya::parse_confirm(
    reply(200, R"({"response_code":"00","status":"cancelled","invoice":{"total_amount":"5000"}})"),
    "t");
  BOOST_CHECK(cancelled.found->status == gateway::pay_status::failed);
  auto missing = paydunya::parse_confirm(
    reply(200, R"({"response_code":"1002","response_text":"Invoice Not Found"})"), "t");
  BOOST_CHECK(missing.http == gateway::answer::not_found);
  auto fractional = paydunya::parse_confirm(
    reply(200, R"({"response_code":"00","status":"completed","invoice":{"total_amount":5000.5}})"),
    "t");
  BOOST_CHECK(fractional.http == gateway::answer::refused);
}

BOOST_AUTO_TEST_CASE(only_xof_between_100_and_ten_million) {
  BOOST_CHECK(paydunya::valid_amount(100, ledger::currency::XOF));
  BOOST_CHECK(paydunya::valid_amount(10'000'000, ledger::currency::XOF));
  BOOST_CHECK(!paydunya::valid_amount(99, ledger::currency::XOF));
  BOOST_CHECK(!paydunya::valid_amount(10'000'001, ledger::currency::XOF));
  BOOST_CHECK(!paydunya::valid_amount(5000, ledger::currency::RWF));
}
