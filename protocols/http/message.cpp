#include "protocols/http/message.hpp"

#include <array>
#include <cstdint>
#include <random>

namespace easymo::http {

namespace {

// Request ids only correlate log lines, they guard nothing, so a fast
// per-thread generator seeded once from the OS is enough.
std::uint64_t next_random() {
  thread_local std::mt19937_64 engine{[] {
    std::random_device device;
    return (static_cast<std::uint64_t>(device()) << 32) ^ device();
  }()};
  return engine();
}

constexpr std::size_t request_id_digits = 12;

} // namespace

std::string_view request::path() const {
  std::string_view target = message.target();
  return target.substr(0, target.find('?'));
}

std::string make_request_id() {
  static constexpr char digits[] = "0123456789abcdef";
  auto bits = next_random();
  std::string id(request_id_digits, '0');
  for (auto& c : id) {
    c = digits[bits & 0xf];
    bits >>= 4;
  }
  return id;
}

response json_response(beast_http::status status, const nlohmann::json& body) {
  response res{status, 11};
  res.set(beast_http::field::content_type, "application/json");
  // Error text may echo client input; replacing invalid UTF-8 keeps the
  // answer well-formed instead of throwing mid-response.
  res.body() = body.dump(-1, ' ', false,
                         nlohmann::json::error_handler_t::replace);
  res.prepare_payload();
  return res;
}

response json_error(beast_http::status status, std::string_view message) {
  return json_response(status, nlohmann::json{{"error", message}});
}

response text_response(beast_http::status status, std::string text,
                       std::string_view content_type) {
  response res{status, 11};
  res.set(beast_http::field::content_type, content_type);
  res.body() = std::move(text);
  res.prepare_payload();
  return res;
}

} // namespace easymo::http
