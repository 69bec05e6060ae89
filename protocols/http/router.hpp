// Exact-path routing with uniform 404 and 405 answers and per-route metrics.
//
// A router is cheap to copy (copies share the route table) and converts to a
// `handler`, so it can be passed straight to a server. Routes are registered
// before the server starts; the table is read without locks afterwards.
#pragma once

#include "protocols/http/responder.hpp"

#include <boost/beast/http/verb.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace easymo::http {

class router {
public:
  router();

  /// Registers `h` for `method` on `path` (exact match, query ignored).
  /// Registering the same method and path twice replaces the handler.
  router& add(beast_http::verb method, std::string path, handler h);

  /// Dispatches `req`: the route's handler, or 404 / 405 as JSON.
  void operator()(request_ptr req, responder res) const;

  /// The Allow header value for `path`, empty when the path is unknown.
  std::string allowed(std::string_view path) const;

private:
  struct table;
  std::shared_ptr<table> table_;
};

} // namespace easymo::http
