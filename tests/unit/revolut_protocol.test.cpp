// Revolut webhook signatures against known answers (HMACs computed with
// Python's hmac module over Revolut's documented payload format), the
// replay window at its edges, rotation with several signatures and several
// secrets, and the order parsers.
#include "protocols/revolut/revolut.hpp"

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

using namespace easymo;
using namespace std::chrono_literals;
using revolut::signature_check;

namespace {

const std::string body
  = R"({"event":"ORDER_COMPLETED","order_id":"9fc01989-3f61-4484-a5d9-ffe768531be9","merchant_order_ext_ref":"Test #3928"})";
constexpr const char* ts = "1683650202360";
constexpr const char* secret1 = "wsk_r59a4HfWVAKycbCaNO1RvgCJec02gRd8";
constexpr const char* secret2 = "wsk_second_secret_rotating_in_0001";
// hmac.new(secret, b"v1." + ts + b"." + body, sha256).hexdigest()
constexpr const char* sig1
  = "v1=1e53158e180070add48ec1414426288625ccac772fcfcd24d90f7b0e6ae71235";
constexpr const char* sig2
  = "v1=e0f2e08a058f4799f12a3d6e090137718222a91499452bd76705335e6a686e79";

const auto sent_at = std::chrono::system_clock::time_point{1683650202360ms};

signature_check check(const std::string& sig,
                      std::vector<std::string> secrets = {secret1},
                      std::chrono::system_clock::time_point now = sent_at) {
  return revolut::check_signature(body, ts, sig, secrets, now);
}

http::client_response reply(int status, std::string text) {
  http::client_response res;
  res.status = status;
  res.body = std::move(text);
  return res;
}

} // namespace

BOOST_AUTO_TEST_CASE(signature_matches_known_answers) {
  BOOST_CHECK_EQUAL(revolut::sign(body, ts, secret1), sig1);
  BOOST_CHECK_EQUAL(revolut::sign(body, ts, secret2), sig2);
  BOOST_CHECK(check(sig1) == signature_check::valid);
}

BOOST_AUTO_TEST_CASE(forged_signatures_and_bodies_are_refused) {
  BOOST_CHECK(check(sig2) == signature_check::mismatch);
  auto tampered = revolut::check_signature(body + " ", ts, sig1, {secret1},
                                           sent_at);
  BOOST_CHECK(tampered == signature_check::mismatch);
  auto other_time = revolut::check_signature(body, "1683650202361", sig1,
                                             {secret1}, sent_at);
  BOOST_CHECK(other_time == signature_check::mismatch);
  BOOST_CHECK(check(sig1, {}) == signature_check::mismatch);
  BOOST_CHECK(check(sig1, {""}) == signature_check::mismatch);
}

BOOST_AUTO_TEST_CASE(rotation_accepts_any_listed_signature_and_any_secret) {
  auto both = std::string{sig2} + "," + sig1;
  BOOST_CHECK(check(both) == signature_check::valid);
  BOOST_CHECK(check(both, {secret2}) == signature_check::valid);
  BOOST_CHECK(check(sig2, {secret1, secret2}) == signature_check::valid);
  // An entry of an unknown version is skipped, not fatal.
  BOOST_CHECK(check("v2=abc, " + std::string{sig1}) == signature_check::valid);
}

BOOST_AUTO_TEST_CASE(replay_window_is_five_minutes_each_way) {
  BOOST_CHECK(check(sig1, {secret1}, sent_at + 5min) == signature_check::valid);
  BOOST_CHECK(check(sig1, {secret1}, sent_at - 5min) == signature_check::valid);
  BOOST_CHECK(check(sig1, {secret1}, sent_at + 5min + 1ms)
              == signature_check::stale);
  BOOST_CHECK(check(sig1, {secret1}, sent_at - 5min - 1ms)
              == signature_check::stale);
}

BOOST_AUTO_TEST_CASE(malformed_and_missing_headers_are_named) {
  BOOST_CHECK(revolut::check_signature(body, "", sig1, {secret1}, sent_at)
              == signature_check::missing);
  BOOST_CHECK(check("") == signature_check::missing);
  BOOST_CHECK(check("sha256=abc") == signature_check::malformed);
  BOOST_CHECK(check("v1=1234") == signature_check::malformed);
  BOOST_CHECK(revolut::check_signature(body, "soon", sig1, {secret1}, sent_at)
              == signature_check::malformed);
}

BOOST_AUTO_TEST_CASE(orders_are_created_with_our_reference) {
  revolut::config cfg{"https://sandbox-merchant.revolut.com/", "sk_test", "2024-09-01",
                      10s};
  auto req = revolut::create_order(cfg, "ref-3", 1250, ledger::currency::EUR,
                                   "Top-up");
  BOOST_CHECK_EQUAL(req.url, "https://sandbox-merchant.revolut.com/api/orders");
  std::map<std::string, std::string> h(req.headers.begin(), req.headers.end());
  BOOST_CHECK_EQUAL(h["Authorization"], "Bearer sk_test");
  BOOST_CHECK_EQUAL(h["Revolut-Api-Version"], "2024-09-01");
  auto json = nlohmann::json::parse(req.body);
  BOOST_CHECK_EQUAL(json["amount"], 1250);
  BOOST_CHECK_EQUAL(json["currency"], "EUR");
  BOOST_CHECK_EQUAL(json["merchant_order_data"]["reference"], "ref-3");
  auto list = revolut::list_request(cfg, "2026-11-19T22:00:00Z",
                                    "2026-11-20T22:00:00Z", "", 100);
  BOOST_CHECK_EQUAL(list.url, "https://sandbox-merchant.revolut.com/api/1.0/"
                              "orders?from_created_date=2026-11-19T22%3A00%3A00Z"
                              "&to_created_date=2026-11-20T22%3A00%3A00Z&limit=100");
}

BOOST_AUTO_TEST_CASE(order_parsers_read_state_amount_and_reference) {
  auto created = revolut::parse_create(reply(
    201, R"({"id":"o-1","token":"t","state":"pending","amount":1250,"currency":"EUR","checkout_url":"https://checkout.revolut.com/t"})"));
  BOOST_REQUIRE(created.created);
  BOOST_CHECK_EQUAL(created.created->id, "o-1");
  auto got = revolut::parse_order(reply(
    200, R"({"id":"o-1","state":"completed","amount":1250,"currency":"EUR","created_at":"2026-11-20T10:00:00Z","merchant_order_data":{"reference":"ref-3"}})"));
  BOOST_REQUIRE(got.found);
  BOOST_CHECK(got.found->status == gateway::pay_status::succeeded);
  BOOST_CHECK_EQUAL(got.found->amount, 1250);
  BOOST_CHECK_EQUAL(got.reference, "ref-3");
  auto junk = revolut::parse_order(reply(200, R"({"id":"o-1","state":"completed"})"));
  BOOST_CHECK(junk.http == gateway::answer::refused);
  auto listed = revolut::parse_list(reply(
    200, R"([{"id":"a","state":"COMPLETED","amount":5,"currency":"EUR"},{"id":"b","state":"failed","amount":"7","currency":"EUR"}])"));
  BOOST_REQUIRE(listed.error.empty());
  BOOST_REQUIRE_EQUAL(listed.orders.size(), 2u);
  BOOST_CHECK(listed.orders[1].status == gateway::pay_status::failed);
  BOOST_CHECK(!revolut::parse_list(reply(200, "{}")).error.empty());
}

BOOST_AUTO_TEST_CASE(webhook_body_names_event_and_order) {
  auto w = revolut::parse_webhook(body);
  BOOST_REQUIRE(w);
  BOOST_CHECK_EQUAL(w->event, "ORDER_COMPLETED");
  BOOST_CHECK_EQUAL(w->order_id, "9fc01989-3f61-4484-a5d9-ffe768531be9");
  BOOST_CHECK(!revolut::parse_webhook(R"({"event":"ORDER_COMPLETED"})"));
}
