// The Graph API on both sides: how the dispatcher builds its call and reads
// Meta's answers (every error class), and what a Graph-compatible endpoint
// checks and answers (the sink and the simulator share it).
#include "protocols/http/bearer.hpp"
#include "protocols/whatsapp/graph.hpp"
#include "protocols/whatsapp/graph_answers.hpp"

#include <boost/test/unit_test.hpp>

#include <set>

using namespace easymo;
using namespace easymo::whatsapp;
using json = nlohmann::json;

namespace {

std::string meta_error(int64_t code) {
  return graph_error_body(graph_error(code)).dump();
}

http::request post(std::string target, std::string body,
                   std::string auth = "Bearer tok") {
  http::request req;
  req.message.method(http::beast_http::verb::post);
  req.message.target(target);
  if (!auth.empty())
    req.message.set(http::beast_http::field::authorization, auth);
  req.message.body() = std::move(body);
  return req;
}

const char* text_body = R"({"messaging_product":"whatsapp","to":"250788123456",
  "type":"text","text":{"body":"Murakoze"}})";

} // namespace

BOOST_AUTO_TEST_CASE(the_call_has_meta_url_token_and_label) {
  graph_endpoint ep{"https://graph.facebook.com/", "v21.0", "106540352242922"};
  BOOST_CHECK_EQUAL(ep.messages_url(),
                    "https://graph.facebook.com/v21.0/106540352242922/messages");
  auto req = messages_request(ep, "tok", "{}", std::chrono::milliseconds(1500));
  BOOST_CHECK(req.method == http::beast_http::verb::post);
  BOOST_CHECK_EQUAL(req.label, "whatsapp.messages");
  BOOST_CHECK_EQUAL(req.timeout.count(), 1500);
  BOOST_REQUIRE_EQUAL(req.headers.size(), 2u);
  BOOST_CHECK_EQUAL(req.headers[0].second, "Bearer tok");
  BOOST_CHECK_EQUAL(req.headers[1].second, "application/json");
}

BOOST_AUTO_TEST_CASE(callback_data_is_set_or_replaced) {
  auto out = with_callback_data(text_body, "42");
  BOOST_REQUIRE(out);
  auto doc = json::parse(*out);
  BOOST_CHECK_EQUAL(doc["biz_opaque_callback_data"], "42");
  BOOST_CHECK_EQUAL(doc["text"]["body"], "Murakoze");
  auto again = with_callback_data(*out, "43");
  BOOST_CHECK_EQUAL(json::parse(*again)["biz_opaque_callback_data"], "43");
  // Spliced without a parse, still valid JSON; an empty object too.
  auto spaced = with_callback_data("  {\n \"a\": 1}", "7");
  BOOST_REQUIRE(spaced);
  BOOST_CHECK_EQUAL(json::parse(*spaced)["biz_opaque_callback_data"], "7");
  BOOST_CHECK_EQUAL(json::parse(*spaced)["a"], 1);
  BOOST_CHECK_EQUAL(json::parse(*with_callback_data("{ }", "8")).size(), 1u);
  BOOST_CHECK(!with_callback_data("[1,2]", "1"));
  BOOST_CHECK(!with_callback_data("not json", "1"));
}

BOOST_AUTO_TEST_CASE(answers_are_classified_by_code_then_status) {
  auto ok = classify_response(
    200, accepted_body("250788123456", "wamid.ABC", false).dump());
  BOOST_CHECK(ok.kind == send_class::accepted);
  BOOST_CHECK_EQUAL(ok.wamid, "wamid.ABC");
  BOOST_CHECK(ok.error_json.empty());
  // Meta took it even if its id is missing: sending again would duplicate.
  BOOST_CHECK(classify_response(200, "{}").kind == send_class::accepted);

  BOOST_CHECK(classify_response(429, meta_error(130429)).kind == send_class::throttled);
  BOOST_CHECK(classify_response(400, meta_error(130429)).kind == send_class::throttled);
  BOOST_CHECK(classify_response(429, meta_error(80007)).kind == send_class::throttled);
  BOOST_CHECK(classify_response(429, "").kind == send_class::throttled);
  BOOST_CHECK(classify_response(429, meta_error(131056)).kind
              == send_class::pair_limited);
  BOOST_CHECK(classify_response(500, meta_error(131000)).kind == send_class::transient);
  BOOST_CHECK(classify_response(503, "<html>").kind == send_class::transient);
  BOOST_CHECK(classify_response(401, meta_error(190)).kind == send_class::transient);
  BOOST_CHECK(classify_response(400, meta_error(131016)).kind == send_class::transient);
  BOOST_CHECK(classify_response(400, meta_error(131026)).kind == send_class::permanent);
  BOOST_CHECK(classify_response(400, meta_error(100)).kind == send_class::permanent);
  BOOST_CHECK(classify_response(400, meta_error(131047)).kind == send_class::permanent);
  BOOST_CHECK(classify_response(404, "").kind == send_class::permanent);

  auto dead = classify_response(400, meta_error(131026));
  auto err = json::parse(dead.error_json);
  BOOST_CHECK_EQUAL(err["code"], 131026);
  BOOST_CHECK_EQUAL(err["http_status"], 400);
  BOOST_CHECK_EQUAL(err["details"], "Message undeliverable");
  BOOST_CHECK(!err["fbtrace_id"].get<std::string>().empty());
  // A code sent as a string is still read.
  BOOST_CHECK_EQUAL(error_code_of(R"({"error":{"code":"131056"}})"), 131056);
}

BOOST_AUTO_TEST_CASE(only_the_pair_rate_limit_is_user_scoped) {
  BOOST_CHECK(is_user_scoped(429, meta_error(131056)));
  BOOST_CHECK(!is_user_scoped(429, meta_error(130429)));
  BOOST_CHECK(!is_user_scoped(503, meta_error(131016)));
  BOOST_CHECK(!is_user_scoped(200, "{}"));
}

BOOST_AUTO_TEST_CASE(meta_errors_have_the_documented_statuses_and_shape) {
  BOOST_CHECK_EQUAL(graph_error(130429).http_status, 429);
  BOOST_CHECK_EQUAL(graph_error(131056).http_status, 429);
  BOOST_CHECK_EQUAL(graph_error(131000).http_status, 500);
  BOOST_CHECK_EQUAL(graph_error(131016).http_status, 503);
  BOOST_CHECK_EQUAL(graph_error(190).http_status, 401);
  BOOST_CHECK_EQUAL(graph_error(131026).http_status, 400);
  BOOST_CHECK_EQUAL(graph_error(999999).http_status, 400);
  auto body = graph_error_body(graph_error(130429));
  BOOST_CHECK_EQUAL(body["error"]["message"], "(#130429) Rate limit hit");
  BOOST_CHECK_EQUAL(body["error"]["type"], "OAuthException");
  BOOST_CHECK_EQUAL(body["error"]["code"], 130429);
  BOOST_CHECK_EQUAL(body["error"]["error_data"]["messaging_product"], "whatsapp");
  auto res = graph_error_response(graph_error(190));
  BOOST_CHECK_EQUAL(res.result_int(), 401u);
  BOOST_CHECK(res.find("WWW-Authenticate") != res.end());
}

BOOST_AUTO_TEST_CASE(requests_are_judged_like_meta) {
  json body;
  auto good = post("/v21.0/1/messages", text_body);
  BOOST_CHECK(!judge_request(good, "tok", body));
  BOOST_CHECK_EQUAL(body["to"], "250788123456");
  auto no_token = post("/v21.0/1/messages", text_body, "");
  BOOST_CHECK_EQUAL(judge_request(no_token, "tok", body)->code, 190);
  auto wrong = post("/v21.0/1/messages", text_body, "Bearer nope");
  BOOST_CHECK_EQUAL(judge_request(wrong, "tok", body)->http_status, 401);
  auto garbage = post("/v21.0/1/messages", "{");
  BOOST_CHECK_EQUAL(judge_request(garbage, "tok", body)->code, 100);
  auto too_long = json::parse(text_body);
  too_long["text"]["body"] = std::string(4097, 'a');
  auto refused = judge_request(post("/v", too_long.dump()), "tok", body);
  BOOST_REQUIRE(refused);
  BOOST_CHECK_EQUAL(refused->code, 131009);
  BOOST_CHECK(refused->details.find("text.body") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(messages_paths_split_version_and_number) {
  std::string v, n;
  BOOST_CHECK(parse_messages_path("/v21.0/1065/messages", "", v, n));
  BOOST_CHECK_EQUAL(v, "v21.0");
  BOOST_CHECK_EQUAL(n, "1065");
  BOOST_CHECK(parse_messages_path("/sandbox/graph/v20.0/sandbox/messages",
                                  "/sandbox/graph", v, n));
  BOOST_CHECK_EQUAL(n, "sandbox");
  BOOST_CHECK(!parse_messages_path("/v21.0/messages", "", v, n));
  BOOST_CHECK(!parse_messages_path("/v21.0/1/media", "", v, n));
  BOOST_CHECK(!parse_messages_path("/v21.0//messages", "", v, n));
  BOOST_CHECK(!parse_messages_path("/other/v21.0/1/messages", "/sandbox", v, n));
}

BOOST_AUTO_TEST_CASE(wamids_are_unique_and_shaped_like_meta) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto id = make_wamid();
    BOOST_CHECK_EQUAL(id.rfind("wamid.", 0), 0u);
    seen.insert(id);
  }
  BOOST_CHECK_EQUAL(seen.size(), 1000u);
  auto body = accepted_body("250788123456", "wamid.X", true);
  BOOST_CHECK_EQUAL(body["contacts"][0]["wa_id"], "250788123456");
  BOOST_CHECK_EQUAL(body["messages"][0]["message_status"], "accepted");
}

BOOST_AUTO_TEST_CASE(status_webhooks_are_meta_shaped_and_signed) {
  auto text = status_webhook("1065", {{"wamid.A", "sent", "250788123456", 1718012403, "7"},
                                      {"wamid.A", "delivered", "250788123456", 1718012404, "7"}});
  auto doc = json::parse(text);
  BOOST_CHECK_EQUAL(doc["object"], "whatsapp_business_account");
  auto& value = doc["entry"][0]["changes"][0]["value"];
  BOOST_CHECK_EQUAL(doc["entry"][0]["changes"][0]["field"], "messages");
  BOOST_CHECK_EQUAL(value["metadata"]["phone_number_id"], "1065");
  BOOST_REQUIRE_EQUAL(value["statuses"].size(), 2u);
  BOOST_CHECK_EQUAL(value["statuses"][1]["status"], "delivered");
  BOOST_CHECK_EQUAL(value["statuses"][1]["timestamp"], "1718012404");
  BOOST_CHECK_EQUAL(value["statuses"][0]["biz_opaque_callback_data"], "7");
  // RFC 4231 test case 2: HMAC-SHA256("Jefe", "what do ya want for nothing?").
  BOOST_CHECK_EQUAL(webhook_signature("what do ya want for nothing?", "Jefe"),
                    "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}
