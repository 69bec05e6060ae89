#include "protocols/momo/openapi.hpp"

#include "protocols/crypto/digest.hpp"
#include "protocols/http/client_form.hpp"

#include <nlohmann/json.hpp>

namespace easymo::momo {

namespace {

namespace bhttp = boost::beast::http;

// MoMo's notes are shown on a phone; it refuses longer ones.
constexpr size_t note_bytes_max = 160;

std::string product_path(const api_config& cfg, product p) {
  auto base = cfg.base_url;
  while (!base.empty() && base.back() == '/')
    base.pop_back();
  return base + "/" + to_string(p);
}

std::string payment_path(product p) {
  return p == product::collection ? "/v1_0/requesttopay" : "/v1_0/transfer";
}

http::client_headers api_headers(const api_config& cfg, const credentials& cred,
                                 const std::string& token) {
  return {{"Authorization", "Bearer " + token},
          {"X-Target-Environment", cfg.target_environment},
          {"Ocp-Apim-Subscription-Key", cred.subscription_key}};
}

std::optional<gateway::pay_status> api_status_of(std::string_view word) {
  if (word == "SUCCESSFUL")
    return gateway::pay_status::succeeded;
  if (word == "PENDING" || word == "ONGOING")
    return gateway::pay_status::pending;
  if (word == "FAILED" || word == "REJECTED" || word == "TIMEOUT"
      || word == "EXPIRED")
    return gateway::pay_status::failed;
  return std::nullopt;
}

// The reason is a code string in v1_0, an object {code, message} in some
// deployments; either way the code is what an operator searches for.
std::string reason_of(const nlohmann::json& body) {
  auto it = body.find("reason");
  if (it == body.end())
    return {};
  if (it->is_string())
    return it->get<std::string>();
  if (it->is_object())
    return gateway::string_at(*it, "code");
  return {};
}

} // namespace

const char* to_string(product p) {
  return p == product::collection ? "collection" : "disbursement";
}

http::client_request token_request(const api_config& cfg, product p,
                                   const credentials& cred) {
  http::client_request req;
  req.method = bhttp::verb::post;
  req.url = product_path(cfg, p) + "/token/";
  req.headers = {
    {"Authorization",
     "Basic " + crypto::base64(cred.api_user + ":" + cred.api_key)},
    {"Ocp-Apim-Subscription-Key", cred.subscription_key}};
  req.timeout = cfg.timeout;
  req.label = std::string{"momo."} + to_string(p) + ".token";
  return req;
}

std::optional<access_token>
parse_token(const http::client_response& res,
            std::chrono::system_clock::time_point now) {
  if (gateway::classify(res.status) != gateway::answer::ok)
    return std::nullopt;
  auto body = nlohmann::json::parse(res.body, nullptr, false);
  auto value = gateway::string_at(body, "access_token");
  if (value.empty() || !body.contains("expires_in")
      || !body["expires_in"].is_number_integer())
    return std::nullopt;
  auto secs = body["expires_in"].get<int64_t>();
  if (secs <= 0)
    return std::nullopt;
  return access_token{std::move(value), now + std::chrono::seconds(secs)};
}

http::client_request payment_request(const api_config& cfg, product p,
                                     const credentials& cred,
                                     const std::string& token,
                                     const payment& pay) {
  auto note = pay.message.substr(0, note_bytes_max);
  nlohmann::json party{{"partyIdType", "MSISDN"}, {"partyId", pay.msisdn}};
  nlohmann::json body{{"amount", ledger::format_major(pay.amount, pay.cur)},
                      {"currency", ledger::code(pay.cur)},
                      {"externalId", pay.reference},
                      {p == product::collection ? "payer" : "payee", party},
                      {"payerMessage", note},
                      {"payeeNote", note}};
  http::client_request req;
  req.method = bhttp::verb::post;
  req.url = product_path(cfg, p) + payment_path(p);
  req.headers = api_headers(cfg, cred, token);
  req.headers.emplace_back("X-Reference-Id", pay.reference);
  if (!cfg.callback_url.empty())
    req.headers.emplace_back("X-Callback-Url", cfg.callback_url + "?ref="
                                                 + http::url_encode(
                                                   pay.reference));
  req.headers.emplace_back("Content-Type", "application/json");
  req.body = body.dump();
  req.timeout = cfg.timeout;
  req.label = std::string{"momo."} + to_string(p) + ".create";
  return req;
}

http::client_request status_request(const api_config& cfg, product p,
                                    const credentials& cred,
                                    const std::string& token,
                                    const std::string& reference) {
  http::client_request req;
  req.method = bhttp::verb::get;
  req.url = product_path(cfg, p) + payment_path(p) + "/"
            + http::url_encode(reference);
  req.headers = api_headers(cfg, cred, token);
  req.timeout = cfg.timeout;
  req.label = std::string{"momo."} + to_string(p) + ".status";
  return req;
}

status_reply parse_status(const http::client_response& res,
                          const std::string& reference) {
  status_reply out;
  out.http = gateway::classify(res.status);
  if (out.http != gateway::answer::ok)
    return out;
  auto body = nlohmann::json::parse(res.body, nullptr, false);
  auto word = gateway::string_at(body, "status");
  auto st = api_status_of(word);
  auto cur = ledger::parse_currency(gateway::string_at(body, "currency"));
  std::optional<int64_t> amount;
  if (cur && body.contains("amount"))
    amount = gateway::amount_major(body["amount"], *cur);
  if (!st || !cur || !amount) {
    out.http = gateway::answer::refused;
    return out;
  }
  gateway::record rec;
  rec.reference = reference;
  rec.amount = *amount;
  rec.cur = *cur;
  rec.status = *st;
  rec.raw_status = word;
  out.found = std::move(rec);
  out.reason = reason_of(body);
  if (body.contains("financialTransactionId")) {
    auto& id = body["financialTransactionId"];
    out.financial_transaction_id = id.is_string() ? id.get<std::string>()
                                                  : id.dump();
  }
  return out;
}

std::optional<std::string> callback_reference(std::string_view target,
                                              std::string_view body) {
  auto query = http::query_of(target);
  auto ref = query.count("ref") ? query["ref"] : std::string{};
  if (crypto::is_uuid_v4(ref))
    return ref;
  auto json = nlohmann::json::parse(body, nullptr, false);
  for (auto key : {"referenceId", "externalId"}) {
    auto candidate = gateway::string_at(json, key);
    if (crypto::is_uuid_v4(candidate))
      return candidate;
  }
  return std::nullopt;
}

} // namespace easymo::momo
