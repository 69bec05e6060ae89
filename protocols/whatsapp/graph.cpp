#include "protocols/whatsapp/graph.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace easymo::whatsapp {

namespace {

using json = nlohmann::json;

template <std::size_t N>
bool one_of(int64_t code, const int64_t (&codes)[N]) {
  return std::find(std::begin(codes), std::end(codes), code) != std::end(codes);
}

constexpr int64_t throttle_codes[] = {graph_code::throughput,
                                      graph_code::spam_rate,
                                      graph_code::app_rate,
                                      graph_code::account_rate};
constexpr int64_t transient_codes[] = {graph_code::api_unknown,
                                       graph_code::api_service,
                                       graph_code::something_wrong,
                                       graph_code::service_unavailable,
                                       graph_code::auth,
                                       graph_code::token_expired};

const json* error_object(const json& doc) {
  if (!doc.is_object())
    return nullptr;
  auto it = doc.find("error");
  return it != doc.end() && it->is_object() ? &*it : nullptr;
}

int64_t code_in(const json* err) {
  if (err == nullptr)
    return -1;
  auto it = err->find("code");
  if (it == err->end())
    return -1;
  if (it->is_number_integer())
    return it->get<int64_t>();
  // Some relays (and old API versions) send the code as a string.
  if (it->is_string()) {
    try {
      return std::stoll(it->get<std::string>());
    } catch (const std::exception&) {
    }
  }
  return -1;
}

std::string string_at(const json* obj, const char* key) {
  if (obj == nullptr)
    return {};
  auto it = obj->find(key);
  return it != obj->end() && it->is_string() ? it->get<std::string>()
                                             : std::string{};
}

std::string error_summary(int status, int64_t code, const json* err) {
  json out{{"http_status", status}};
  if (code >= 0)
    out["code"] = code;
  if (err != nullptr) {
    out["message"] = string_at(err, "message");
    out["type"] = string_at(err, "type");
    out["fbtrace_id"] = string_at(err, "fbtrace_id");
    if (auto it = err->find("error_data"); it != err->end() && it->is_object())
      out["details"] = string_at(&*it, "details");
  }
  return out.dump();
}

std::string wamid_in(const json& doc) {
  if (!doc.is_object())
    return {};
  auto it = doc.find("messages");
  if (it == doc.end() || !it->is_array() || it->empty())
    return {};
  return string_at(&(*it)[0], "id");
}

send_class error_class(int status, int64_t code) {
  if (code == graph_code::pair_rate)
    return send_class::pair_limited;
  if (status == 429 || one_of(code, throttle_codes))
    return send_class::throttled;
  if (status >= 500 || status == 401 || one_of(code, transient_codes))
    return send_class::transient;
  // Other 4xx: the message itself was refused. Anything else (1xx, 3xx) is
  // not an answer this endpoint gives; retrying is the safe reading.
  return status >= 400 && status < 500 ? send_class::permanent
                                       : send_class::transient;
}

} // namespace

std::string graph_endpoint::messages_url() const {
  auto base = api_url;
  while (!base.empty() && base.back() == '/')
    base.pop_back();
  return base + "/" + version + "/" + phone_number_id + "/messages";
}

http::client_request messages_request(const graph_endpoint& ep,
                                      std::string_view token, std::string body,
                                      std::chrono::milliseconds timeout) {
  http::client_request req;
  req.method = boost::beast::http::verb::post;
  req.url = ep.messages_url();
  req.headers = {{"Authorization", "Bearer " + std::string{token}},
                 {"Content-Type", "application/json"}};
  req.body = std::move(body);
  req.timeout = timeout;
  req.label = "whatsapp.messages";
  return req;
}

std::optional<std::string> with_callback_data(std::string_view message,
                                              std::string_view data) {
  // The hot path: a stored jsonb body (valid JSON by construction) without
  // the field gets it spliced in after its opening brace, with no parse.
  auto open = message.find_first_not_of(" \t\r\n");
  if (open != std::string_view::npos && message[open] == '{'
      && message.find("biz_opaque_callback_data") == std::string_view::npos) {
    auto next = message.find_first_not_of(" \t\r\n", open + 1);
    if (next != std::string_view::npos && message[next] != '}') {
      std::string out;
      out.reserve(message.size() + data.size() + 32);
      out.append(message.substr(0, open + 1));
      out.append("\"biz_opaque_callback_data\":");
      out.append(json(std::string{data}).dump());
      out.push_back(',');
      out.append(message.substr(open + 1));
      return out;
    }
  }
  auto doc = json::parse(message, nullptr, false);
  if (!doc.is_object())
    return std::nullopt;
  doc["biz_opaque_callback_data"] = std::string{data};
  return doc.dump();
}

const char* to_string(send_class c) {
  switch (c) {
    case send_class::accepted:
      return "accepted";
    case send_class::throttled:
      return "throttled";
    case send_class::pair_limited:
      return "pair_limited";
    case send_class::transient:
      return "transient";
    case send_class::permanent:
      return "permanent";
  }
  return "unknown";
}

send_result classify_response(int http_status, std::string_view body) {
  send_result out;
  out.http_status = http_status;
  auto doc = json::parse(body, nullptr, false);
  if (http_status >= 200 && http_status < 300) {
    // Meta took the message. Without an id we cannot match statuses by
    // wamid, but sending again would duplicate it: still accepted.
    out.kind = send_class::accepted;
    out.wamid = wamid_in(doc);
    return out;
  }
  auto* err = error_object(doc);
  auto code = code_in(err);
  out.code = std::max<int64_t>(code, 0);
  out.kind = error_class(http_status, code);
  out.error_json = error_summary(http_status, code, err);
  return out;
}

int64_t error_code_of(std::string_view body) {
  auto doc = json::parse(body, nullptr, false);
  return std::max<int64_t>(code_in(error_object(doc)), 0);
}

bool is_user_scoped(int http_status, std::string_view body) {
  if (http_status < 400)
    return false;
  return error_code_of(body) == graph_code::pair_rate;
}

} // namespace easymo::whatsapp
