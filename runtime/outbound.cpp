#include "runtime/outbound.hpp"

#include "protocols/http/client.hpp"
#include "protocols/http/io_pool.hpp"

namespace easymo {

outbound::outbound(const settings& s)
  : io_(std::make_unique<http::io_pool>(s.outbound_io_threads, "easymo-out")) {
  http::client_options opts;
  opts.connections_per_host_max = s.outbound_connections_per_host_max;
  opts.queued_requests_max = s.outbound_queued_requests_max;
  opts.request_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
    s.whatsapp_request_timeout);
  client_ = std::make_shared<http::client>(io_->context(), opts);
  io_->start();
}

outbound::~outbound() {
  shutdown();
  // The client must go before its io_context; its last handlers may still
  // hold its state, which they release when the pool drops them.
  client_.reset();
  io_->stop();
  io_->join();
}

void outbound::shutdown() {
  if (client_)
    client_->shutdown();
}

} // namespace easymo
