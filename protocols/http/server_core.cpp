#include "protocols/http/server_core.hpp"

#include "protocols/http/tls.hpp"

namespace easymo::http::detail {

namespace {

std::shared_ptr<boost::asio::ssl::context>
tls_context_for(const server_options& opts) {
  if (!opts.tls())
    return nullptr;
  return make_server_tls_context(opts.tls_cert_file, opts.tls_key_file);
}

} // namespace

server_core::server_core(server_options options, handler on_request)
  : opts(std::move(options)),
    on_request(std::move(on_request)),
    metrics(listener_metrics_for(opts.name)),
    tls(tls_context_for(opts)) {
}

server_core::registry::iterator
server_core::add(std::weak_ptr<connection> conn) {
  std::lock_guard guard{mtx_};
  return conns_.insert(conns_.end(), std::move(conn));
}

void server_core::remove(registry::iterator pos) {
  std::lock_guard guard{mtx_};
  conns_.erase(pos);
}

std::vector<std::shared_ptr<connection>> server_core::live() {
  std::vector<std::shared_ptr<connection>> out;
  std::lock_guard guard{mtx_};
  out.reserve(conns_.size());
  for (auto& weak : conns_)
    if (auto conn = weak.lock())
      out.push_back(std::move(conn));
  return out;
}

} // namespace easymo::http::detail
