#include "protocols/http/client.hpp"

#include "protocols/http/client_metrics.hpp"
#include "protocols/http/client_pool.hpp"
#include "protocols/http/client_target.hpp"
#include "runtime/log.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/assert.hpp>
#include <boost/beast/core/string.hpp>

#include <openssl/ssl.h>

#include <map>
#include <mutex>
#include <stdexcept>
#include <variant>

namespace easymo::http {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using namespace client_detail;

namespace {

void check(const client_options& opts) {
  if (opts.connections_per_host_max == 0)
    throw std::invalid_argument("http client: connections_per_host_max is 0");
  if (opts.request_timeout.count() <= 0 || opts.idle_timeout.count() <= 0)
    throw std::invalid_argument("http client: timeouts must be positive");
}

std::shared_ptr<ssl::context> make_tls_context(const client_options& opts) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  // Every gateway we call speaks TLS 1.2 or later; older versions only
  // widen the attack surface.
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  ctx->set_options(ssl::context::no_compression);
  if (!opts.verify_peer) {
    log::warn("http.client", "TLS peer verification is off");
    ctx->set_verify_mode(ssl::verify_none);
    return ctx;
  }
  ctx->set_verify_mode(ssl::verify_peer);
  if (!opts.ca_directory.empty())
    ctx->add_verify_path(opts.ca_directory);
  if (!opts.extra_ca_file.empty())
    ctx->load_verify_file(opts.extra_ca_file);
  return ctx;
}

} // namespace

std::string_view to_string(client_error err) {
  switch (err) {
    case client_error::timeout:
      return "timeout";
    case client_error::connect_failed:
      return "connect_failed";
    case client_error::tls_failed:
      return "tls_failed";
    case client_error::closed:
      return "closed";
    case client_error::protocol:
      return "protocol";
    case client_error::body_too_large:
      return "body_too_large";
    case client_error::bad_url:
      return "bad_url";
    case client_error::bad_request:
      return "bad_request";
    case client_error::overloaded:
      return "overloaded";
  }
  return "unknown";
}

std::optional<std::string_view>
client_response::header(std::string_view name) const {
  for (const auto& [key, value] : headers)
    if (boost::beast::iequals(key, name))
      return std::string_view{value};
  return std::nullopt;
}

// -- client -------------------------------------------------------------------

struct client::state {
  state(asio::io_context& ioc, std::shared_ptr<const pool_config> cfg)
    : ioc(ioc), cfg(std::move(cfg)) {
  }

  /// The pool for `where`, created on first use; nothing after shutdown.
  std::shared_ptr<host_pool> pool_for(const target& where) {
    std::lock_guard guard{mtx};
    if (closed)
      return nullptr;
    auto& slot = pools[where.pool_key()];
    if (!slot)
      slot = std::make_shared<host_pool>(ioc, cfg, where);
    return slot;
  }

  /// Fails a call that never reached a pool, still on an io thread.
  void reject(const std::string& label, client_error err,
              client_callback cb) {
    record_call(label, to_string(err), 0);
    log::warn("http.client", "call rejected",
              {{"label", label}, {"error", to_string(err)}});
    asio::post(ioc, [err, cb = std::move(cb)] { deliver(cb, err, {}); });
  }

  asio::io_context& ioc;
  std::shared_ptr<const pool_config> cfg;
  std::mutex mtx;
  // Keyed by scheme, host and port. The gateways are a handful of hosts, so
  // pools are kept for the client's lifetime rather than reaped.
  std::map<std::string, std::shared_ptr<host_pool>> pools;
  bool closed = false;
};

client::client(asio::io_context& ioc, client_options opts) {
  check(opts);
  auto cfg = std::make_shared<pool_config>();
  cfg->tls = make_tls_context(opts);
  cfg->options = std::move(opts);
  state_ = std::make_shared<state>(ioc, std::move(cfg));
}

client::~client() {
  shutdown();
}

void client::send(client_request req, client_callback cb) {
  BOOST_ASSERT_MSG(cb, "http::client::send needs a callback");
  auto label = req.label.empty() ? std::string{"unlabelled"}
                                 : std::move(req.label);
  auto where = parse_target(req.url);
  if (!where)
    return state_->reject(label, client_error::bad_url, std::move(cb));
  auto msg = make_request_message(req, *where, state_->cfg->options);
  if (auto* err = std::get_if<client_error>(&msg))
    return state_->reject(label, *err, std::move(cb));
  auto pool = state_->pool_for(*where);
  if (!pool)
    return state_->reject(label, client_error::closed, std::move(cb));
  auto timeout = req.timeout.count() > 0 ? req.timeout
                                         : state_->cfg->options.request_timeout;
  auto c = std::make_shared<call>(pool->executor(),
                                  std::get<request_message>(std::move(msg)),
                                  std::move(cb), std::move(label), timeout);
  asio::post(pool->executor(), [pool, c] { pool->submit(c); });
}

void client::shutdown() {
  std::map<std::string, std::shared_ptr<host_pool>> pools;
  {
    std::lock_guard guard{state_->mtx};
    if (state_->closed)
      return;
    state_->closed = true;
    pools.swap(state_->pools);
  }
  // Each pool stays alive through its own pending handlers.
  for (auto& [key, pool] : pools)
    asio::post(pool->executor(), [pool = pool] { pool->shutdown(); });
}

const client_options& client::options() const {
  return state_->cfg->options;
}

} // namespace easymo::http
