#include "protocols/whatsapp/graph_answers.hpp"

#include "protocols/http/bearer.hpp"
#include "protocols/whatsapp/graph.hpp"
#include "protocols/whatsapp/outbound.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <atomic>
#include <stdexcept>

namespace easymo::whatsapp {

namespace {

using json = nlohmann::json;

struct known_error {
  int64_t code;
  int http_status;
  const char* title;
};

// Meta's error-code reference: the HTTP status and title of each code the
// dispatcher, the sink and the simulator deal in.
constexpr known_error known_errors[] = {
  {graph_code::auth, 401, "AuthException"},
  {graph_code::app_rate, 429, "API Too Many Calls"},
  {graph_code::invalid_parameter, 400, "Invalid parameter"},
  {graph_code::token_expired, 401, "Access token has expired"},
  {graph_code::account_rate, 429, "Rate limit issues"},
  {graph_code::throughput, 429, "Rate limit hit"},
  {graph_code::something_wrong, 500, "Something went wrong"},
  {graph_code::service_unavailable, 503, "Service unavailable"},
  {graph_code::undeliverable, 400, "Message undeliverable"},
  {graph_code::outside_window, 400, "Re-engagement message"},
  {graph_code::spam_rate, 429, "Spam rate limit hit"},
  {graph_code::pair_rate, 429, "(Business Account, Consumer Account) pair "
                                "rate limit hit"},
  {131009, 400, "Parameter value is not valid"},
};

std::string random_token(std::size_t bytes) {
  static constexpr char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()),
                 static_cast<int>(raw.size()))
      != 1)
    throw std::runtime_error("RAND_bytes failed");
  std::string out;
  out.reserve(bytes);
  for (unsigned char c : raw)
    out.push_back(alphabet[c & 63]);
  return out;
}

graph_error_spec limits_error(const caf::error& err) {
  auto code = limit_code(err);
  auto details = render_limit_error(err.code(), err.category(), err.context());
  // Missing pieces are "invalid parameter" to Meta; values out of range are
  // "parameter value is not valid".
  if (code == limit_errc::missing_field || code == limit_errc::unsupported_type)
    return graph_error(graph_code::invalid_parameter, details);
  return graph_error(131009, details);
}

json status_json(const status_item& item) {
  json s{{"id", item.wamid},
         {"status", item.status},
         {"timestamp", std::to_string(item.timestamp)},
         {"recipient_id", item.recipient}};
  if (!item.callback_data.empty())
    s["biz_opaque_callback_data"] = item.callback_data;
  if (item.status == "sent" || item.status == "delivered") {
    s["conversation"] = {{"id", "sandbox-" + item.recipient},
                         {"origin", {{"type", "service"}}}};
    s["pricing"] = {{"billable", false},
                    {"pricing_model", "CBP"},
                    {"category", "service"}};
  }
  return s;
}

} // namespace

graph_error_spec graph_error(int64_t code, std::string details) {
  graph_error_spec out;
  out.code = code;
  out.http_status = 400;
  out.title = "Error";
  for (auto& k : known_errors) {
    if (k.code == code) {
      out.http_status = k.http_status;
      out.title = k.title;
    }
  }
  out.details = details.empty() ? out.title : std::move(details);
  return out;
}

json graph_error_body(const graph_error_spec& spec) {
  return {{"error",
           {{"message", "(#" + std::to_string(spec.code) + ") " + spec.title},
            {"type", "OAuthException"},
            {"code", spec.code},
            {"error_data",
             {{"messaging_product", "whatsapp"}, {"details", spec.details}}},
            {"error_subcode", 2494055},
            {"fbtrace_id", random_token(24)}}}};
}

http::response graph_error_response(const graph_error_spec& spec) {
  auto res = http::json_response(
    static_cast<http::beast_http::status>(spec.http_status),
    graph_error_body(spec));
  if (spec.http_status == 401)
    res.set("WWW-Authenticate",
            "OAuth \"Facebook Platform\" \"invalid_token\"");
  return res;
}

std::string make_wamid() {
  // 32 random characters: unique across restarts, which the UNIQUE wamid
  // columns of outbox and sandbox_outbound rely on.
  return "wamid." + random_token(32);
}

json accepted_body(const std::string& to, const std::string& wamid,
                   bool is_template) {
  json message{{"id", wamid}};
  if (is_template)
    message["message_status"] = "accepted";
  return {{"messaging_product", "whatsapp"},
          {"contacts", json::array({{{"input", to}, {"wa_id", to}}})},
          {"messages", json::array({message})}};
}

std::optional<graph_error_spec> judge_request(const http::request& req,
                                              std::string_view token,
                                              json& body) {
  if (!http::bearer_matches(req, token))
    return graph_error(graph_code::token_expired,
                       "Invalid OAuth access token - Cannot parse access token");
  body = json::parse(req.body(), nullptr, false);
  if (body.is_discarded() || !body.is_object())
    return graph_error(graph_code::invalid_parameter,
                       "The request body is not a JSON object");
  if (auto err = check_message(body))
    return limits_error(err);
  return std::nullopt;
}

bool parse_messages_path(std::string_view path, std::string_view prefix,
                         std::string& version, std::string& phone_number_id) {
  if (path.substr(0, prefix.size()) != prefix)
    return false;
  path.remove_prefix(prefix.size());
  if (path.empty() || path.front() != '/')
    return false;
  path.remove_prefix(1);
  auto slash = path.find('/');
  if (slash == std::string_view::npos || slash == 0)
    return false;
  auto rest = path.substr(slash + 1);
  auto slash2 = rest.find('/');
  if (slash2 == std::string_view::npos || slash2 == 0
      || rest.substr(slash2) != "/messages")
    return false;
  version = std::string{path.substr(0, slash)};
  phone_number_id = std::string{rest.substr(0, slash2)};
  return true;
}

std::string status_webhook(const std::string& phone_number_id,
                           const std::vector<status_item>& items) {
  auto statuses = json::array();
  for (auto& item : items)
    statuses.push_back(status_json(item));
  json value{{"messaging_product", "whatsapp"},
             {"metadata",
              {{"display_phone_number", "250700000000"},
               {"phone_number_id", phone_number_id}}},
             {"statuses", std::move(statuses)}};
  json change{{"value", std::move(value)}, {"field", "messages"}};
  json entry{{"id", "sandbox-waba"}, {"changes", json::array({change})}};
  json doc{{"object", "whatsapp_business_account"},
           {"entry", json::array({entry})}};
  return doc.dump();
}

std::string webhook_signature(std::string_view body,
                              std::string_view app_secret) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), app_secret.data(), static_cast<int>(app_secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac,
       &len);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out = "sha256=";
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(hex[mac[i] >> 4]);
    out.push_back(hex[mac[i] & 15]);
  }
  return out;
}

} // namespace easymo::whatsapp
