// The receiving side of POST /{version}/{phone_number_id}/messages: what a
// Graph-API-compatible endpoint checks and answers, and the status webhooks
// it later sends. The sandbox sink (actors/sandbox) and the test simulator
// (tests/support/graph_sim) both speak through these, so they answer with
// the same bodies Meta does.
#pragma once

#include "protocols/http/message.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace easymo::whatsapp {

/// One error Meta can answer with: HTTP status, code and the texts.
struct graph_error_spec {
  int http_status = 400;
  int64_t code = 100;
  std::string title = "Invalid parameter";
  std::string details;
};

/// Meta's HTTP status and title for `code` (known codes: 0, 4, 100, 190,
/// 80007, 130429, 131000, 131016, 131026, 131047, 131048, 131056); other
/// codes get 400 and a generic title.
graph_error_spec graph_error(int64_t code, std::string details = {});

/// {"error":{"message":"(#code) title","type":"OAuthException","code",
/// "error_data":{"messaging_product","details"},"error_subcode",
/// "fbtrace_id"}}
nlohmann::json graph_error_body(const graph_error_spec& spec);

/// The HTTP response for an error, with Meta's headers.
http::response graph_error_response(const graph_error_spec& spec);

/// A fresh message id in Meta's shape: "wamid." and base64 of random bytes.
std::string make_wamid();

/// {"messaging_product":"whatsapp","contacts":[{"input","wa_id"}],
///  "messages":[{"id", "message_status"?}]}
nlohmann::json accepted_body(const std::string& to, const std::string& wamid,
                             bool is_template);

/// Judges one request to the messages endpoint: bearer token (compared in
/// constant time), JSON body and Meta's limits. On success `body` holds the
/// parsed message; otherwise the error to answer.
std::optional<graph_error_spec> judge_request(const http::request& req,
                                              std::string_view token,
                                              nlohmann::json& body);

/// Splits "/{version}/{phone_number_id}/messages" after `prefix`; false
/// when the path has another shape.
bool parse_messages_path(std::string_view path, std::string_view prefix,
                         std::string& version, std::string& phone_number_id);

/// One status a phone causes ("sent", "delivered", "read", "failed").
struct status_item {
  std::string wamid;
  std::string status;
  std::string recipient;
  int64_t timestamp = 0;
  std::string callback_data;
};

/// A `whatsapp_business_account` webhook notification carrying `items` in
/// one change, as Meta posts them.
std::string status_webhook(const std::string& phone_number_id,
                           const std::vector<status_item>& items);

/// The X-Hub-Signature-256 value for `body`: "sha256=" and the hex
/// HMAC-SHA256 under the app secret.
std::string webhook_signature(std::string_view body,
                              std::string_view app_secret);

} // namespace easymo::whatsapp
