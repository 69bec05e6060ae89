// What a handler receives (a request) and gives back (a response), and the
// helpers that build the server's uniform answers.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace easymo::http {

namespace beast_http = boost::beast::http;

/// The response type handlers build; the server adds Content-Length,
/// Connection and X-Request-Id before writing it.
using response = beast_http::response<beast_http::string_body>;

/// One complete request as the server read it.
struct request {
  /// The parsed request; the body is moved out of the parser, never copied.
  beast_http::request<beast_http::string_body> message;

  /// The peer's address and port.
  boost::asio::ip::tcp::endpoint remote;

  /// The label of the listener that read it ("public", "admin").
  std::string listener;

  /// Short random hex id, echoed as X-Request-Id and used as log cid.
  std::string id;

  /// When the last byte of the request was read.
  std::chrono::steady_clock::time_point received;

  /// The target without its query string, which is what routes match.
  std::string_view path() const;

  beast_http::verb method() const { return message.method(); }
  const std::string& body() const { return message.body(); }
};

/// Requests are shared read-only between the io thread and whichever actor
/// ends up answering, so nobody copies the body.
using request_ptr = std::shared_ptr<const request>;

/// A fresh request id: 12 lowercase hex digits (48 random bits), short enough
/// for the small-string buffer and unique enough to correlate logs.
std::string make_request_id();

/// A response with `body` serialized as JSON and Content-Type set.
response json_response(beast_http::status status, const nlohmann::json& body);

/// The uniform error answer: `{"error": message}` as JSON.
response json_error(beast_http::status status, std::string_view message);

/// A response with a text body and the given Content-Type.
response text_response(beast_http::status status, std::string text,
                       std::string_view content_type
                       = "text/plain; charset=utf-8");

} // namespace easymo::http
