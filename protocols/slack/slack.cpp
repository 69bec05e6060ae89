#include "protocols/slack/slack.hpp"

#include <nlohmann/json.hpp>

namespace easymo::slack {

http::client_request message(const std::string& webhook_url,
                             const std::string& text,
                             std::chrono::milliseconds timeout) {
  http::client_request req;
  req.method = boost::beast::http::verb::post;
  req.url = webhook_url;
  req.headers = {{"Content-Type", "application/json"}};
  // A cut inside a UTF-8 sequence (or any invalid byte) becomes U+FFFD
  // rather than an exception: an alert must always go out.
  req.body = nlohmann::json{{"text", text.substr(0, text_bytes_max)}}.dump(
    -1, ' ', false, nlohmann::json::error_handler_t::replace);
  req.timeout = timeout;
  req.label = "slack.webhook";
  return req;
}

bool accepted(int http_status) {
  return http_status >= 200 && http_status < 300;
}

} // namespace easymo::slack
