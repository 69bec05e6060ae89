// MTN MoMo Open API request builders and parsers: the exact headers and body
// MoMo documents, Basic credentials as a known answer, and every way a
// status answer can be something we must not act on.
#include "protocols/momo/openapi.hpp"

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

using namespace easymo;
using namespace std::chrono_literals;

namespace {

momo::api_config config() {
  momo::api_config cfg;
  cfg.base_url = "https://sandbox.momodeveloper.mtn.com/";
  cfg.target_environment = "sandbox";
  cfg.callback_url = "https://easymo.example/payments/momo/callback";
  return cfg;
}

momo::credentials creds() {
  return {"sub-key-1", "c72025f5-5cd1-4630-99e4-8ba4722fad56",
          "b0431db58a9b41faa8f5860230xyz"};
}

std::string header(const http::client_request& req, const std::string& name) {
  for (auto& [k, v] : req.headers)
    if (k == name)
      return v;
  return "<absent>";
}

http::client_response reply(int status, std::string body) {
  http::client_response res;
  res.status = status;
  res.body = std::move(body);
  return res;
}

constexpr const char* ref = "5b1d3a6e-2a4c-4b8e-9f1a-0c2d3e4f5a6b";

} // namespace

BOOST_AUTO_TEST_CASE(token_request_uses_basic_credentials) {
  auto req = momo::token_request(config(), momo::product::collection, creds());
  BOOST_CHECK(req.method == boost::beast::http::verb::post);
  BOOST_CHECK_EQUAL(req.url,
                    "https://sandbox.momodeveloper.mtn.com/collection/token/");
  // base64("c72025f5-...:b0431db5...") computed with Python's base64.
  BOOST_CHECK_EQUAL(header(req, "Authorization"),
                    "Basic YzcyMDI1ZjUtNWNkMS00NjMwLTk5ZTQtOGJhNDcyMmZhZDU2Om"
                    "IwNDMxZGI1OGE5YjQxZmFhOGY1ODYwMjMweHl6");
  BOOST_CHECK_EQUAL(header(req, "Ocp-Apim-Subscription-Key"), "sub-key-1");
  auto dis = momo::token_request(config(), momo::product::disbursement, creds());
  BOOST_CHECK_EQUAL(dis.url,
                    "https://sandbox.momodeveloper.mtn.com/disbursement/token/");
}

BOOST_AUTO_TEST_CASE(token_parse_computes_expiry_and_refuses_junk) {
  auto now = std::chrono::system_clock::time_point{} + 1000s;
  auto tok = momo::parse_token(
    reply(200, R"({"access_token":"eyJ0","token_type":"access_token","expires_in":3600})"),
    now);
  BOOST_REQUIRE(tok);
  BOOST_CHECK_EQUAL(tok->value, "eyJ0");
  BOOST_CHECK(tok->expires_at == now + 3600s);
  BOOST_CHECK(!momo::parse_token(reply(401, R"({"error":"login_failed"})"), now));
  BOOST_CHECK(!momo::parse_token(reply(200, R"({"access_token":"x"})"), now));
  BOOST_CHECK(!momo::parse_token(
    reply(200, R"({"access_token":"x","expires_in":0})"), now));
  BOOST_CHECK(!momo::parse_token(reply(200, "not json"), now));
}

BOOST_AUTO_TEST_CASE(request_to_pay_carries_the_documented_headers_and_body) {
  momo::payment pay{ref, "250788123456", 5000, ledger::currency::RWF,
                    "EasyMO wallet top-up"};
  auto req = momo::payment_request(config(), momo::product::collection,
                                   creds(), "tok", pay);
  BOOST_CHECK_EQUAL(req.url, "https://sandbox.momodeveloper.mtn.com/collection/"
                             "v1_0/requesttopay");
  BOOST_CHECK_EQUAL(header(req, "Authorization"), "Bearer tok");
  BOOST_CHECK_EQUAL(header(req, "X-Reference-Id"), ref);
  BOOST_CHECK_EQUAL(header(req, "X-Target-Environment"), "sandbox");
  BOOST_CHECK_EQUAL(header(req, "Ocp-Apim-Subscription-Key"), "sub-key-1");
  BOOST_CHECK_EQUAL(header(req, "X-Callback-Url"),
                    std::string{"https://easymo.example/payments/momo/callback?ref="}
                      + ref);
  auto body = nlohmann::json::parse(req.body);
  BOOST_CHECK_EQUAL(body["amount"], "5000");
  BOOST_CHECK_EQUAL(body["currency"], "RWF");
  BOOST_CHECK_EQUAL(body["externalId"], ref);
  BOOST_CHECK_EQUAL(body["payer"]["partyIdType"], "MSISDN");
  BOOST_CHECK_EQUAL(body["payer"]["partyId"], "250788123456");
  BOOST_CHECK(!body.contains("payee"));
}

BOOST_AUTO_TEST_CASE(transfer_names_the_payee_and_formats_minor_units) {
  momo::payment pay{ref, "250788123456", 1250, ledger::currency::EUR,
                    std::string(300, 'n')};
  auto req = momo::payment_request(config(), momo::product::disbursement,
                                   creds(), "tok", pay);
  BOOST_CHECK_EQUAL(req.url, "https://sandbox.momodeveloper.mtn.com/"
                             "disbursement/v1_0/transfer");
  auto body = nlohmann::json::parse(req.body);
  BOOST_CHECK_EQUAL(body["amount"], "12.50");
  BOOST_CHECK_EQUAL(body["payee"]["partyId"], "250788123456");
  BOOST_CHECK_EQUAL(body["payeeNote"].get<std::string>().size(), 160u);
  auto st = momo::status_request(config(), momo::product::disbursement,
                                 creds(), "tok", ref);
  BOOST_CHECK_EQUAL(st.url, std::string{"https://sandbox.momodeveloper.mtn.com/"
                                        "disbursement/v1_0/transfer/"}
                              + ref);
}

BOOST_AUTO_TEST_CASE(status_parse_reads_every_status_word) {
  auto ok = momo::parse_status(
    reply(200, R"({"amount":"5000","currency":"RWF","financialTransactionId":"23503452",)"
               R"("externalId":"x","payer":{"partyIdType":"MSISDN","partyId":"250788123456"},)"
               R"("status":"SUCCESSFUL"})"),
    ref);
  BOOST_REQUIRE(ok.found);
  BOOST_CHECK(ok.found->status == gateway::pay_status::succeeded);
  BOOST_CHECK_EQUAL(ok.found->amount, 5000);
  BOOST_CHECK_EQUAL(ok.found->reference, ref);
  BOOST_CHECK_EQUAL(ok.financial_transaction_id, "23503452");
  auto failed = momo::parse_status(
    reply(200, R"({"amount":100,"currency":"RWF","status":"FAILED","reason":"APPROVAL_REJECTED"})"),
    ref);
  BOOST_REQUIRE(failed.found);
  BOOST_CHECK(failed.found->status == gateway::pay_status::failed);
  BOOST_CHECK_EQUAL(failed.reason, "APPROVAL_REJECTED");
  auto object_reason = momo::parse_status(
    reply(200, R"({"amount":"1","currency":"RWF","status":"FAILED","reason":{"code":"PAYER_NOT_FOUND","message":"x"}})"),
    ref);
  BOOST_CHECK_EQUAL(object_reason.reason, "PAYER_NOT_FOUND");
  auto pending = momo::parse_status(
    reply(200, R"({"amount":"1","currency":"RWF","status":"PENDING"})"), ref);
  BOOST_CHECK(pending.found->status == gateway::pay_status::pending);
}

BOOST_AUTO_TEST_CASE(status_parse_refuses_what_it_cannot_act_on) {
  BOOST_CHECK(momo::parse_status(reply(404, ""), ref).http
              == gateway::answer::not_found);
  BOOST_CHECK(momo::parse_status(reply(500, ""), ref).http
              == gateway::answer::retry_later);
  BOOST_CHECK(momo::parse_status(reply(429, ""), ref).http
              == gateway::answer::retry_later);
  for (auto body :
       {R"({"amount":"1","currency":"RWF","status":"MAYBE"})",
        R"({"amount":"1.5","currency":"RWF","status":"SUCCESSFUL"})",
        R"({"amount":"1","currency":"USD","status":"SUCCESSFUL"})",
        R"({"currency":"RWF","status":"SUCCESSFUL"})", "[]", "garbage"}) {
    auto r = momo::parse_status(reply(200, body), ref);
    BOOST_CHECK_MESSAGE(r.http == gateway::answer::refused && !r.found, body);
  }
}

BOOST_AUTO_TEST_CASE(callback_reference_prefers_our_query_then_the_body) {
  auto target = std::string{"/payments/momo/callback?ref="} + ref;
  BOOST_CHECK_EQUAL(*momo::callback_reference(target, "{}"), ref);
  BOOST_CHECK_EQUAL(*momo::callback_reference(
                      "/payments/momo/callback",
                      std::string{R"({"externalId":")"} + ref + "\"}"),
                    ref);
  BOOST_CHECK(!momo::callback_reference("/payments/momo/callback?ref=x",
                                        R"({"externalId":"123"})"));
  BOOST_CHECK(!momo::callback_reference("/payments/momo/callback", "nope"));
}
