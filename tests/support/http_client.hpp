// A blocking HTTP/1.1 client for tests (Beast over a plain socket): one
// request per connection unless the caller keeps the socket itself.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace easymo::test {

struct http_result {
  int status = 0;
  std::map<std::string, std::string> headers; // Lowercase names.
  std::string body;
};

using header_list = std::vector<std::pair<std::string, std::string>>;

/// Sends one request to 127.0.0.1:port; nothing when the connection fails or
/// no answer arrives within `timeout`.
std::optional<http_result>
http_request(uint16_t port, const std::string& method, const std::string& target,
             const std::string& body = {}, const header_list& headers = {},
             std::chrono::milliseconds timeout = std::chrono::seconds(10));

/// http_request from the local address `source` (any of 127.0.0.0/8 on
/// Linux), as if from another client: per-address limits tell them apart.
std::optional<http_result>
http_request_from(const std::string& source, uint16_t port,
                  const std::string& method, const std::string& target,
                  const std::string& body = {}, const header_list& headers = {},
                  std::chrono::milliseconds timeout = std::chrono::seconds(10));

inline std::optional<http_result> http_get(uint16_t port,
                                           const std::string& target,
                                           const header_list& headers = {}) {
  return http_request(port, "GET", target, {}, headers);
}

inline std::optional<http_result> http_post(uint16_t port,
                                            const std::string& target,
                                            const std::string& body,
                                            const header_list& headers = {}) {
  return http_request(port, "POST", target, body, headers);
}

} // namespace easymo::test
