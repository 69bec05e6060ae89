// libFuzzer target: raw bytes through Beast's request parser, with the
// server's limits, then each complete request through the webhook's own
// decisions (handshake for GET, signature and parsing for POST). Pipelined
// requests in one input are parsed one after the other.
//
// Beyond "no crash, no UB": a body never exceeds the body limit, and the
// webhook decision is one of the statuses the route may send.
#include "protocols/whatsapp/handshake.hpp"
#include "protocols/whatsapp/webhook.hpp"

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

namespace http = boost::beast::http;
using namespace easymo::whatsapp;

namespace {

constexpr size_t body_bytes_max = 64 * 1024;
constexpr size_t header_bytes_max = 8 * 1024;
constexpr std::string_view secret = "fuzz-app-secret";

void route(const http::request<http::string_body>& req) {
  auto target = std::string_view{req.target()};
  auto q = target.find('?');
  auto path = target.substr(0, q);
  if (path != "/webhook")
    return;
  if (req.method() == http::verb::get) {
    auto query = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
    auto a = answer_handshake(query, "fuzz-verify-token");
    if (a.status != 200 && a.status != 400 && a.status != 403)
      std::abort();
    return;
  }
  if (req.method() != http::verb::post)
    return;
  auto sig = req["X-Hub-Signature-256"];
  auto v = judge_post(req.body(), std::string_view{sig.data(), sig.size()}, secret);
  if (v.status != 0 && v.status != 400 && v.status != 401)
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input{reinterpret_cast<const char*>(data), size};
  while (!input.empty()) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(header_bytes_max);
    parser.body_limit(body_bytes_max);
    parser.eager(true);
    boost::beast::error_code ec;
    auto used = parser.put(boost::asio::buffer(input.data(), input.size()), ec);
    if (ec == http::error::need_more)
      parser.put_eof(ec);
    if (ec || !parser.is_done())
      return 0;
    auto req = parser.release();
    if (req.body().size() > body_bytes_max)
      std::abort();
    route(req);
    if (used == 0)
      return 0;
    input.remove_prefix(used);
  }
  return 0;
}
