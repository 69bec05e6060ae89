#include "protocols/revolut/revolut.hpp"

#include "protocols/crypto/digest.hpp"
#include "protocols/http/client_form.hpp"

#include <nlohmann/json.hpp>

#include <cctype>
#include <charconv>

namespace easymo::revolut {

namespace {

namespace bhttp = boost::beast::http;

constexpr std::string_view version_prefix = "v1=";
// Hex of an HMAC-SHA256.
constexpr size_t signature_hex_chars = 64;

http::client_headers auth_headers(const config& cfg) {
  return {{"Authorization", "Bearer " + cfg.secret_key},
          {"Revolut-Api-Version", cfg.api_version}};
}

std::string base_of(const config& cfg) {
  auto base = cfg.base_url;
  while (!base.empty() && base.back() == '/')
    base.pop_back();
  return base;
}

std::optional<int64_t> parse_millis(std::string_view text) {
  int64_t out = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc{} || end != text.data() + text.size() || out <= 0)
    return std::nullopt;
  return out;
}

// The "v1=" entries of a signature header; entries of other versions are
// skipped, as a future algorithm may be sent alongside v1.
std::vector<std::string_view> v1_signatures(std::string_view header) {
  std::vector<std::string_view> out;
  while (!header.empty()) {
    auto comma = header.find(',');
    auto entry = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{}
                                             : header.substr(comma + 1);
    while (!entry.empty() && entry.front() == ' ')
      entry.remove_prefix(1);
    if (entry.substr(0, version_prefix.size()) != version_prefix)
      continue;
    entry.remove_prefix(version_prefix.size());
    if (entry.size() == signature_hex_chars && crypto::from_hex(entry))
      out.push_back(entry);
  }
  return out;
}

std::optional<gateway::pay_status> status_of(std::string_view state) {
  std::string s{state};
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (s == "completed")
    return gateway::pay_status::succeeded;
  if (s == "cancelled" || s == "failed")
    return gateway::pay_status::failed;
  if (s == "pending" || s == "processing" || s == "authorised")
    return gateway::pay_status::pending;
  return std::nullopt;
}

std::optional<gateway::record> record_of(const nlohmann::json& o) {
  gateway::record rec;
  rec.reference = gateway::string_at(o, "id");
  rec.raw_status = gateway::string_at(o, "state");
  auto st = status_of(rec.raw_status);
  auto cur = ledger::parse_currency(gateway::string_at(o, "currency"));
  std::optional<int64_t> amount;
  if (o.is_object() && o.contains("amount"))
    amount = gateway::amount_minor(o["amount"]);
  if (rec.reference.empty() || !st || !cur || !amount)
    return std::nullopt;
  rec.status = *st;
  rec.cur = *cur;
  rec.amount = *amount;
  rec.at = gateway::string_at(o, "created_at");
  return rec;
}

std::string reference_of(const nlohmann::json& o) {
  if (o.is_object() && o.contains("merchant_order_data"))
    if (auto ref = gateway::string_at(o["merchant_order_data"], "reference");
        !ref.empty())
      return ref;
  return gateway::string_at(o, "merchant_order_ext_ref");
}

} // namespace

const char* to_string(signature_check c) {
  switch (c) {
    case signature_check::valid:
      return "valid";
    case signature_check::missing:
      return "missing";
    case signature_check::malformed:
      return "malformed";
    case signature_check::stale:
      return "stale";
    default:
      return "mismatch";
  }
}

signature_check check_signature(std::string_view body,
                                std::string_view timestamp,
                                std::string_view signature,
                                const std::vector<std::string>& secrets,
                                std::chrono::system_clock::time_point now) {
  if (timestamp.empty() || signature.empty())
    return signature_check::missing;
  auto millis = parse_millis(timestamp);
  auto candidates = v1_signatures(signature);
  if (!millis || candidates.empty())
    return signature_check::malformed;
  auto sent = std::chrono::system_clock::time_point{
    std::chrono::milliseconds{*millis}};
  if (sent > now + replay_window || sent < now - replay_window)
    return signature_check::stale;
  std::string payload = "v1." + std::string{timestamp} + "." + std::string{body};
  bool found = false;
  // No early exit: every pair is compared, so the time does not reveal
  // which secret or which entry matched.
  for (auto& secret : secrets) {
    if (secret.empty())
      continue;
    auto expected = crypto::hmac_sha256_hex(secret, payload);
    for (auto candidate : candidates)
      found = crypto::equal_hex(candidate, expected) || found;
  }
  return found ? signature_check::valid : signature_check::mismatch;
}

std::string sign(std::string_view body, std::string_view timestamp,
                 std::string_view secret) {
  return std::string{version_prefix}
         + crypto::hmac_sha256_hex(secret, "v1." + std::string{timestamp} + "."
                                             + std::string{body});
}

http::client_request create_order(const config& cfg,
                                  const std::string& reference,
                                  int64_t amount_minor, ledger::currency cur,
                                  const std::string& description) {
  nlohmann::json body{{"amount", amount_minor},
                      {"currency", ledger::code(cur)},
                      {"description", description},
                      {"merchant_order_data", {{"reference", reference}}}};
  http::client_request req;
  req.method = bhttp::verb::post;
  req.url = base_of(cfg) + "/api/orders";
  req.headers = auth_headers(cfg);
  req.headers.emplace_back("Content-Type", "application/json");
  req.body = body.dump();
  req.timeout = cfg.timeout;
  req.label = "revolut.create";
  return req;
}

create_reply parse_create(const http::client_response& res) {
  create_reply out;
  out.http = gateway::classify(res.status);
  if (out.http != gateway::answer::ok)
    return out;
  auto body = nlohmann::json::parse(res.body, nullptr, false);
  auto id = gateway::string_at(body, "id");
  if (id.empty()) {
    out.http = gateway::answer::refused;
    return out;
  }
  out.created = order{id, gateway::string_at(body, "checkout_url")};
  return out;
}

http::client_request order_request(const config& cfg, const std::string& id) {
  http::client_request req;
  req.url = base_of(cfg) + "/api/orders/" + http::url_encode(id);
  req.headers = auth_headers(cfg);
  req.timeout = cfg.timeout;
  req.label = "revolut.order";
  return req;
}

order_reply parse_order(const http::client_response& res) {
  order_reply out;
  out.http = gateway::classify(res.status);
  if (out.http != gateway::answer::ok)
    return out;
  auto body = nlohmann::json::parse(res.body, nullptr, false);
  out.found = record_of(body);
  if (!out.found)
    out.http = gateway::answer::refused;
  else
    out.reference = reference_of(body);
  return out;
}

http::client_request list_request(const config& cfg, const std::string& from,
                                  const std::string& to,
                                  const std::string& created_before,
                                  size_t limit) {
  http::form_fields query{{"from_created_date", from},
                          {"to_created_date", to},
                          {"limit", std::to_string(limit)}};
  if (!created_before.empty())
    query.emplace_back("created_before", created_before);
  http::client_request req;
  req.url = base_of(cfg) + "/api/1.0/orders?" + http::form_encode(query);
  req.headers = auth_headers(cfg);
  req.timeout = cfg.timeout;
  req.label = "revolut.list";
  return req;
}

list_reply parse_list(const http::client_response& res) {
  list_reply out;
  out.http = gateway::classify(res.status);
  if (out.http != gateway::answer::ok)
    return out;
  auto body = nlohmann::json::parse(res.body, nullptr, false);
  if (!body.is_array()) {
    out.error = "the order list is not an array";
    return out;
  }
  for (auto& item : body) {
    auto rec = record_of(item);
    if (!rec) {
      out.error = "an order without id, state, amount or currency";
      return out;
    }
    out.orders.push_back(std::move(*rec));
  }
  return out;
}

std::optional<webhook> parse_webhook(std::string_view body) {
  auto json = nlohmann::json::parse(body, nullptr, false);
  webhook out;
  out.event = gateway::string_at(json, "event");
  out.order_id = gateway::string_at(json, "order_id");
  out.reference = gateway::string_at(json, "merchant_order_ext_ref");
  if (out.event.empty() || out.order_id.empty())
    return std::nullopt;
  return out;
}

} // namespace easymo::revolut
