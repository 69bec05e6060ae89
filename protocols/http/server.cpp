#include "protocols/http/server.hpp"

#include "protocols/http/listener.hpp"
#include "protocols/http/server_core.hpp"
#include "runtime/log.hpp"

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <thread>

namespace easymo::http {

namespace {

// Waiting for idle polls: it happens once per shutdown, and a condition
// variable would put a lock on every answer of the hot path instead.
constexpr std::chrono::milliseconds idle_poll_interval{2};

template <class Done>
bool poll_until(std::chrono::nanoseconds timeout, Done done) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (done())
      return true;
    if (std::chrono::steady_clock::now() >= deadline)
      return false;
    std::this_thread::sleep_for(idle_poll_interval);
  }
}

server_options checked(server_options opts) {
  auto fail = [](const std::string& what) {
    throw std::invalid_argument("http server options: " + what);
  };
  if (opts.pipelined_max == 0 || opts.pipelined_max > pipelined_responses_max)
    fail("pipelined_max must be between 1 and "
         + std::to_string(pipelined_responses_max));
  if (opts.header_bytes_max == 0
      || opts.header_bytes_max > std::numeric_limits<std::uint32_t>::max())
    fail("header_bytes_max out of range");
  if (opts.body_bytes_max == 0)
    fail("body_bytes_max must be positive");
  if (opts.connections_max == 0)
    fail("connections_max must be positive");
  if (opts.read_timeout <= opts.read_timeout.zero()
      || opts.idle_timeout <= opts.idle_timeout.zero()
      || opts.write_timeout <= opts.write_timeout.zero())
    fail("timeouts must be positive");
  if (opts.tls_cert_file.empty() != opts.tls_key_file.empty())
    fail("tls_cert_file and tls_key_file go together");
  if (opts.name.empty())
    fail("name must not be empty");
  return opts;
}

} // namespace

server::server(io_pool& pool, server_options options, handler on_request)
  : core_(std::make_shared<detail::server_core>(checked(std::move(options)),
                                                std::move(on_request))),
    listener_(std::make_shared<detail::listener>(pool.context(), core_)) {
  listener_->start();
  log::info("http", "listening",
            {{"listener", core_->opts.name},
             {"host", core_->opts.host},
             {"port", listener_->port()},
             {"tls", core_->opts.tls()}});
}

server::~server() {
  stop_accepting();
  close_all();
}

std::uint16_t server::port() const {
  return listener_->port();
}

const server_options& server::options() const {
  return core_->opts;
}

void server::stop_accepting() {
  // Set before the connections look at it, so a busy connection that
  // finishes an answer right now already sees it and closes.
  if (core_->stopping.exchange(true, std::memory_order_acq_rel))
    return;
  listener_->stop();
  for (auto& conn : core_->live())
    conn->stop();
  log::info("http", "stopped accepting",
            {{"listener", core_->opts.name}, {"in_flight", in_flight()}});
}

std::size_t server::in_flight() const {
  return core_->in_flight.load(std::memory_order_acquire);
}

std::size_t server::connections() const {
  return core_->connections.load(std::memory_order_acquire);
}

bool server::wait_idle(std::chrono::nanoseconds timeout) const {
  return poll_until(timeout, [this] { return in_flight() == 0; });
}

bool server::drain(std::chrono::nanoseconds timeout) {
  stop_accepting();
  return poll_until(timeout, [this] {
    return in_flight() == 0 && connections() == 0;
  });
}

void server::close_all() {
  for (auto& conn : core_->live())
    conn->abort();
}

} // namespace easymo::http
