#include "protocols/paydunya/paydunya.hpp"

#include "protocols/crypto/digest.hpp"
#include "protocols/http/client_form.hpp"

#include <nlohmann/json.hpp>

namespace easymo::paydunya {

namespace {

namespace bhttp = boost::beast::http;

http::client_headers key_headers(const config& cfg) {
  return {{"PAYDUNYA-MASTER-KEY", cfg.credentials.master_key},
          {"PAYDUNYA-PRIVATE-KEY", cfg.credentials.private_key},
          {"PAYDUNYA-TOKEN", cfg.credentials.token}};
}

// PayDunya writes response_code as "00" (a string); some answers use a
// number. Both mean success only when the value is zero.
bool success_code(const nlohmann::json& body) {
  if (!body.is_object() || !body.contains("response_code"))
    return false;
  auto& code = body["response_code"];
  if (code.is_string())
    return code.get<std::string>() == "00";
  return code.is_number_integer() && code.get<int64_t>() == 0;
}

std::optional<gateway::pay_status> status_of(std::string_view word) {
  if (word == "completed")
    return gateway::pay_status::succeeded;
  if (word == "pending")
    return gateway::pay_status::pending;
  if (word == "cancelled" || word == "failed")
    return gateway::pay_status::failed;
  return std::nullopt;
}

} // namespace

bool valid_amount(int64_t amount, ledger::currency cur) {
  return cur == ledger::currency::XOF && amount >= amount_min
         && amount <= amount_max;
}

std::string api_base(const config& cfg) {
  auto base = cfg.base_url;
  if (base.empty())
    base = cfg.live ? "https://app.paydunya.com/api/v1"
                    : "https://app.paydunya.com/sandbox-api/v1";
  while (!base.empty() && base.back() == '/')
    base.pop_back();
  return base;
}

http::client_request create_invoice(const config& cfg,
                                    const std::string& reference,
                                    int64_t amount,
                                    const std::string& description) {
  nlohmann::json body{
    {"invoice", {{"total_amount", amount}, {"description", description}}},
    {"store", {{"name", cfg.store_name}}},
    {"custom_data", {{"reference", reference}}},
    {"actions",
     {{"callback_url", cfg.callback_url},
      {"return_url", cfg.return_url},
      {"cancel_url", cfg.cancel_url}}}};
  http::client_request req;
  req.method = bhttp::verb::post;
  req.url = api_base(cfg) + "/checkout-invoice/create";
  req.headers = key_headers(cfg);
  req.headers.emplace_back("Content-Type", "application/json");
  req.body = body.dump();
  req.timeout = cfg.timeout;
  req.label = "paydunya.create";
  return req;
}

create_reply parse_create(const http::client_response& res) {
  create_reply out;
  out.http = gateway::classify(res.status);
  auto body = nlohmann::json::parse(res.body, nullptr, false);
  if (out.http != gateway::answer::ok) {
    out.error = gateway::string_at(body, "response_text");
    return out;
  }
  auto token = gateway::string_at(body, "token");
  if (!success_code(body) || token.empty()) {
    out.http = gateway::answer::refused;
    out.error = gateway::string_at(body, "response_text");
    return out;
  }
  out.created = invoice{token, gateway::string_at(body, "response_text")};
  return out;
}

http::client_request confirm_request(const config& cfg,
                                     const std::string& token) {
  http::client_request req;
  req.url = api_base(cfg) + "/checkout-invoice/confirm/"
            + http::url_encode(token);
  req.headers = key_headers(cfg);
  req.timeout = cfg.timeout;
  req.label = "paydunya.confirm";
  return req;
}

confirm_reply parse_confirm(const http::client_response& res,
                            const std::string& token) {
  confirm_reply out;
  out.http = gateway::classify(res.status);
  if (out.http != gateway::answer::ok)
    return out;
  auto body = nlohmann::json::parse(res.body, nullptr, false);
  if (!success_code(body)) {
    // "Invoice Not Found" comes back as a 2xx with another code.
    out.http = gateway::answer::not_found;
    return out;
  }
  auto word = gateway::string_at(body, "status");
  auto st = status_of(word);
  std::optional<int64_t> amount;
  if (body.contains("invoice") && body["invoice"].is_object()
      && body["invoice"].contains("total_amount"))
    amount = gateway::amount_major(body["invoice"]["total_amount"],
                                   ledger::currency::XOF);
  if (!st || !amount) {
    out.http = gateway::answer::refused;
    return out;
  }
  out.found = gateway::record{token, *amount, ledger::currency::XOF, *st,
                              word, {}, {}};
  if (body.contains("custom_data"))
    out.reference = gateway::string_at(body["custom_data"], "reference");
  return out;
}

std::optional<ipn> parse_ipn(std::string_view body) {
  auto fields = http::form_decode(body);
  if (!fields)
    return std::nullopt;
  ipn out;
  for (auto& [name, value] : *fields) {
    if (name == "data[hash]")
      out.hash = value;
    else if (name == "data[invoice][token]")
      out.token = value;
    else if (name == "data[status]")
      out.status = value;
    else if (name == "data[custom_data][reference]")
      out.reference = value;
  }
  if (out.hash.empty() || out.token.empty())
    return std::nullopt;
  return out;
}

bool hash_matches(const ipn& msg, const std::string& master_key) {
  if (master_key.empty())
    return false;
  return crypto::equal_hex(msg.hash, crypto::sha512_hex(master_key));
}

std::string make_ipn(const std::string& master_key, const std::string& token,
                     const std::string& status, int64_t amount,
                     const std::string& reference) {
  return http::form_encode({{"data[response_code]", "00"},
                            {"data[response_text]", "Transaction Found"},
                            {"data[hash]", crypto::sha512_hex(master_key)},
                            {"data[invoice][token]", token},
                            {"data[invoice][total_amount]",
                             std::to_string(amount)},
                            {"data[custom_data][reference]", reference},
                            {"data[status]", status},
                            {"data[mode]", "test"}});
}

} // namespace easymo::paydunya
