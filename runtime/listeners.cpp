#include "runtime/listeners.hpp"

#include "actors/admin/protocol.hpp"
#include "actors/breaker/protocol.hpp"
#include "actors/ingress/protocol.hpp"
#include "actors/ingress/webhook_route.hpp"
#include "actors/outbox/protocol.hpp"
#include "actors/payments/routes.hpp"
#include "actors/sandbox/protocol.hpp"
#include "protocols/http/bearer.hpp"
#include "protocols/http/io_pool.hpp"
#include "protocols/http/router.hpp"
#include "protocols/http/server.hpp"
#include "runtime/directory.hpp"
#include "runtime/log.hpp"
#include "runtime/metrics.hpp"
#include "runtime/routes.hpp"

#include <caf/all.hpp>

namespace easymo {

namespace {

namespace bhttp = boost::beast::http;

http::router public_routes(caf::actor_system& sys, const settings& s) {
  http::router r;
  ingress::add_webhook_routes(r, sys, s);
  payments::add_public_routes(r, sys, s);
  r.add(bhttp::verb::get, "/healthz", [](http::request_ptr, http::responder res) {
    res(http::json_response(bhttp::status::ok, {{"status", "alive"}}));
  });
  r.add(bhttp::verb::get, "/readyz",
        to_actor(sys, directory::ingress, ingress::ready_atom::value));
  r.add(bhttp::verb::get, "/metrics", [](http::request_ptr, http::responder res) {
    res(http::text_response(bhttp::status::ok,
                            metrics::registry::global().render(),
                            "text/plain; version=0.0.4; charset=utf-8"));
  });
  return r;
}

http::router admin_routes(caf::actor_system& sys, const settings& s) {
  const auto& token = s.admin_token;
  http::router r;
  payments::add_admin_routes(r, sys, s);
  r.add(bhttp::verb::get, "/admin/tree",
        guarded(token, to_actor(sys, directory::admin, tree_atom::value)));
  r.add(bhttp::verb::post, "/admin/kill",
        guarded(token, to_actor(sys, directory::admin, admin::kill_atom::value)));
  return r;
}

// Breakers, outbox, DLQ and, in sandbox mode, the Graph API sink (which
// checks the WhatsApp token itself, as Meta does) and what it received.
void add_delivery_routes(http::router& r, caf::actor_system& sys,
                         const settings& s) {
  using bhttp::verb;
  auto admin = [&](caf::atom_value name, auto... prefix) {
    return guarded(s.admin_token, to_actor(sys, name, prefix...));
  };
  r.add(verb::get, "/admin/breakers",
        admin(directory::breakers, breaker::breakers_atom::value));
  r.add(verb::post, "/admin/breakers/reset",
        admin(directory::breakers, caf::reset_atom::value));
  r.add(verb::post, "/admin/breakers/open",
        admin(directory::breakers, caf::open_atom::value));
  r.add(verb::get, "/admin/outbox",
        admin(directory::outbox, outbox::counts_atom::value));
  r.add(verb::get, "/admin/dlq", admin(directory::outbox, outbox::dlq_atom::value));
  r.add(verb::post, "/admin/dlq/replay",
        admin(directory::outbox, outbox::replay_atom::value));
  if (s.live())
    return;
  r.add(verb::get, "/admin/sandbox/messages",
        admin(directory::sandbox, sandbox::messages_atom::value));
  r.add(verb::post, sandbox::messages_path(s),
        to_actor(sys, directory::sandbox, sandbox::graph_atom::value));
}

http::server_options options_for(const settings& s, bool admin) {
  http::server_options o;
  o.name = admin ? "admin" : "public";
  o.host = admin ? s.admin_host : s.http_host;
  o.port = admin ? s.admin_port : s.http_port;
  o.body_bytes_max = s.http_body_bytes_max;
  o.header_bytes_max = s.http_header_bytes_max;
  o.read_timeout = s.http_read_timeout;
  o.idle_timeout = s.http_idle_timeout;
  o.connections_max = s.http_connections_max;
  if (!admin) {
    o.tls_cert_file = s.http_tls_cert_file;
    o.tls_key_file = s.http_tls_key_file;
  }
  return o;
}

std::string url_of(const http::server* srv) {
  if (srv == nullptr)
    return {};
  auto host = srv->options().host;
  if (host == "0.0.0.0")
    host = "127.0.0.1";
  return std::string{srv->options().tls() ? "https" : "http"} + "://" + host
         + ":" + std::to_string(srv->port());
}

} // namespace

listeners::listeners(const settings& s, caf::actor_system& sys)
  : s_(s), sys_(sys) {
}

listeners::~listeners() {
  stop();
}

std::optional<std::string> listeners::start() {
  io_ = std::make_unique<http::io_pool>(s_.io_threads);
  io_->start();
  try {
    public_ = std::make_unique<http::server>(*io_, options_for(s_, false),
                                             public_routes(sys_, s_));
    auto admin = admin_routes(sys_, s_);
    add_delivery_routes(admin, sys_, s_);
    admin_ = std::make_unique<http::server>(*io_, options_for(s_, true), admin);
  } catch (const std::exception& e) {
    return std::string{"cannot start the HTTP listeners: "} + e.what();
  }
  return std::nullopt;
}

std::string listeners::public_url() const {
  return url_of(public_.get());
}

std::string listeners::admin_url() const {
  return url_of(admin_.get());
}

void listeners::drain(caf::timespan bound) {
  for (auto* srv : {public_.get(), admin_.get()})
    if (srv != nullptr)
      srv->stop_accepting();
  auto deadline = std::chrono::steady_clock::now() + bound;
  for (auto* srv : {public_.get(), admin_.get()}) {
    if (srv == nullptr)
      continue;
    auto left = deadline - std::chrono::steady_clock::now();
    if (!srv->wait_idle(std::max(left, decltype(left){0})))
      log::warn("app", "in-flight requests left after the drain bound",
                {{"listener", srv->options().name},
                 {"in_flight", srv->in_flight()}});
  }
}

void listeners::stop() {
  for (auto* srv : {public_.get(), admin_.get()})
    if (srv != nullptr)
      srv->close_all();
  public_.reset();
  admin_.reset();
  if (io_) {
    io_->stop();
    io_->join();
    io_.reset();
  }
}

} // namespace easymo
