// The outbound HTTP/1.1 client every gateway goes through: the WhatsApp Graph
// API, MTN MoMo, PayDunya, Revolut and Slack webhooks.
//
// Connections are pooled per scheme, host and port and kept alive; calls beyond
// the per-host cap wait in a bounded queue. Each call has one deadline that
// covers the whole exchange, from the queue to the last body byte, and closes
// the socket when it passes. HTTPS verifies the peer against the system CA
// store and checks the host name. Every call completes exactly once, on an io
// thread, with either a response (any status) or a `client_error`.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/beast/http/verb.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace easymo::http {

using client_headers = std::vector<std::pair<std::string, std::string>>;

/// Limits and TLS trust of one client; fixed at construction.
struct client_options {
  /// Open connections per scheme+host+port, idle ones included.
  size_t connections_per_host_max = 16;
  /// Calls waiting for a connection per host; beyond it calls fail with
  /// `overloaded` instead of piling up behind a slow gateway.
  size_t queued_requests_max = 1024;
  /// An idle pooled connection is closed after this long.
  std::chrono::milliseconds idle_timeout = std::chrono::seconds(30);
  /// Deadline of a call whose request leaves `timeout` at zero.
  std::chrono::milliseconds request_timeout = std::chrono::seconds(10);
  /// Responses with a larger body fail with `body_too_large`.
  size_t response_body_bytes_max = 8 * 1024 * 1024;
  /// Verify the server's certificate chain and host name. Only tests that
  /// exercise the failure path have a reason to turn this off.
  bool verify_peer = true;
  /// Directory of trusted CA certificates (hashed names, as c_rehash makes).
  std::string ca_directory = "/etc/ssl/certs";
  /// A PEM file of additional trusted CAs (tests use a self-signed one).
  std::string extra_ca_file;
  std::string user_agent = "easymod/" EASYMO_VERSION;
};

/// One call. The URL is absolute: http:// or https://, host, optional port,
/// path and query; a fragment is dropped.
struct client_request {
  boost::beast::http::verb method = boost::beast::http::verb::get;
  std::string url;
  /// Sent in order. Host, Content-Length, Transfer-Encoding and Connection
  /// belong to the client; a request that sets them fails with `bad_request`.
  client_headers headers;
  std::string body;
  /// Deadline of the whole call; zero means `client_options::request_timeout`.
  std::chrono::milliseconds timeout{0};
  /// Names the call in metrics and logs ("whatsapp.messages"). Never put a
  /// URL here: paths carry ids and queries may carry tokens.
  std::string label = "unlabelled";
};

struct client_response {
  int status = 0;
  client_headers headers;
  std::string body;

  /// The first header named `name`, compared case-insensitively.
  std::optional<std::string_view> header(std::string_view name) const;
};

enum class client_error {
  /// The call's deadline passed; the socket was closed.
  timeout,
  /// Name resolution or the TCP connect failed.
  connect_failed,
  /// The TLS handshake failed: untrusted chain, wrong host name, protocol.
  tls_failed,
  /// The peer dropped the connection mid-exchange, or the client shut down.
  closed,
  /// The response is not valid HTTP/1.1.
  protocol,
  /// The response body exceeds `response_body_bytes_max`.
  body_too_large,
  /// The URL is not an absolute http(s) URL with a host.
  bad_url,
  /// A header name or value is malformed, or belongs to the client.
  bad_request,
  /// The per-host queue is full.
  overloaded,
};

/// The error's name as used in the `outcome` metric label.
std::string_view to_string(client_error err);

/// Receives the outcome of a call, exactly once, on an io thread. On error
/// the response is empty.
using client_callback
  = std::function<void(std::optional<client_error>, client_response)>;

/// A pool of keep-alive HTTP and HTTPS connections on an io_context the
/// caller runs. Destroy the client before the io_context.
class client {
public:
  /// Throws `boost::system::system_error` when the CA file cannot be loaded,
  /// so a misconfigured daemon fails at start rather than at the first call.
  explicit client(boost::asio::io_context& ioc, client_options opts = {});

  /// Shuts down: see shutdown().
  ~client();

  client(const client&) = delete;
  client& operator=(const client&) = delete;

  /// Starts a call. Thread-safe: callable from any thread, actors included.
  void send(client_request req, client_callback cb);

  /// Closes idle connections, fails queued and in-flight calls with `closed`
  /// and every later call too. Returns at once; the work runs on the
  /// io_context.
  void shutdown();

  const client_options& options() const;

private:
  struct state;
  std::shared_ptr<state> state_;
};

} // namespace easymo::http
