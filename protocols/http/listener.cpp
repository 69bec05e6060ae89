#include "protocols/http/listener.hpp"

#include "protocols/http/stream_session.hpp"
#include "runtime/log.hpp"

#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include <exception>

namespace easymo::http::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

namespace {

// Out of descriptors or kernel memory, accept fails at once and would fail
// again in a busy loop; pausing lets closing connections free resources.
constexpr std::chrono::milliseconds accept_retry_delay{100};

bool out_of_resources(const boost::system::error_code& ec) {
  return ec == asio::error::no_descriptors || ec == asio::error::no_memory
         || ec == asio::error::no_buffer_space
         || ec == boost::system::errc::too_many_files_open_in_system;
}

void discard(tcp::socket& socket) {
  boost::system::error_code ignored;
  socket.close(ignored);
}

} // namespace

listener::listener(asio::io_context& ctx, std::shared_ptr<server_core> core)
  : ctx_(ctx), core_(std::move(core)), acceptor_(ctx), retry_timer_(ctx) {
  tcp::endpoint endpoint{asio::ip::make_address(core_->opts.host),
                         core_->opts.port};
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(tcp::acceptor::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
  port_ = acceptor_.local_endpoint().port();
}

void listener::start() {
  std::lock_guard guard{mtx_};
  do_accept();
}

void listener::stop() {
  std::lock_guard guard{mtx_};
  if (stopped_)
    return;
  stopped_ = true;
  error_code ignored;
  acceptor_.close(ignored);
  retry_timer_.cancel();
}

// Called with mtx_ held.
void listener::do_accept() {
  if (stopped_)
    return;
  // Each connection gets its own strand, so its handlers never run
  // concurrently even with several io threads.
  acceptor_.async_accept(asio::make_strand(ctx_),
                         beast::bind_front_handler(&listener::on_accept,
                                                   shared_from_this()));
}

void listener::on_accept(error_code ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted)
    return;
  if (ec && out_of_resources(ec)) {
    log::warn("http", "accept failed; pausing",
              {{"listener", core_->opts.name}, {"error", ec.message()}});
    std::lock_guard guard{mtx_};
    if (stopped_)
      return;
    retry_timer_.expires_after(accept_retry_delay);
    retry_timer_.async_wait(
      beast::bind_front_handler(&listener::on_retry, shared_from_this()));
    return;
  }
  if (ec) {
    // The peer gave up before we accepted (ECONNABORTED and the like).
    log::debug("http", "accept failed",
               {{"listener", core_->opts.name}, {"error", ec.message()}});
  } else {
    // An allocation failure must not end the accept loop.
    try {
      admit(std::move(socket));
    } catch (const std::exception& e) {
      log::error("http", "cannot start a connection",
                 {{"listener", core_->opts.name}, {"what", e.what()}});
    }
  }
  std::lock_guard guard{mtx_};
  do_accept();
}

void listener::on_retry(error_code ec) {
  if (ec == asio::error::operation_aborted)
    return;
  std::lock_guard guard{mtx_};
  do_accept();
}

void listener::admit(tcp::socket socket) {
  {
    // Accepted just as stop() ran: the stop promised to refuse it.
    std::lock_guard guard{mtx_};
    if (stopped_)
      return discard(socket);
  }
  // Small answers must leave at once, not wait for Nagle's algorithm.
  error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  auto open = core_->connections.fetch_add(1, std::memory_order_acq_rel);
  if (open >= core_->opts.connections_max) {
    core_->connections.fetch_sub(1, std::memory_order_acq_rel);
    return refuse(std::move(socket));
  }
  if (core_->tls)
    start_session<tls_stream>(std::move(socket));
  else
    start_session<plain_stream>(std::move(socket));
}

template <class Stream>
void listener::start_session(tcp::socket socket) {
  std::shared_ptr<stream_session<Stream>> started;
  try {
    started = std::make_shared<stream_session<Stream>>(core_,
                                                       std::move(socket));
  } catch (...) {
    core_->connections.fetch_sub(1, std::memory_order_acq_rel);
    throw;
  }
  // From here the session's destructor gives the slot back.
  started->run();
}

void listener::refuse(tcp::socket socket) {
  core_->metrics.rejected(reject_reason::connections_max);
  log::debug("http", "connection refused over the cap",
             {{"listener", core_->opts.name},
              {"connections_max", core_->opts.connections_max}});
  if (core_->tls)
    return discard(socket);
  if (core_->refusals.fetch_add(1, std::memory_order_acq_rel)
      >= refusals_pending_max) {
    core_->refusals.fetch_sub(1, std::memory_order_acq_rel);
    return discard(socket);
  }
  std::shared_ptr<stream_session<plain_stream>> refused;
  try {
    refused = std::make_shared<stream_session<plain_stream>>(
      core_, std::move(socket));
  } catch (...) {
    core_->refusals.fetch_sub(1, std::memory_order_acq_rel);
    throw;
  }
  core_->metrics.rejected_route().count(503);
  refused->refuse(json_error(beast_http::status::service_unavailable,
                             "too many connections"));
}

} // namespace easymo::http::detail
