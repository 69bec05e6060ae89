// Internal to the HTTP client: its Prometheus metrics.
#pragma once

#include "runtime/metrics.hpp"

#include <string>
#include <string_view>

namespace easymo::http::client_detail {

/// easymo_http_client_connections_open: sockets connected and not yet closed.
metrics::gauge& connections_open();

/// Counts one finished call by label and outcome (a status code or an error
/// name) and records how long it took, queueing included.
void record_call(const std::string& label, std::string_view outcome,
                 double seconds);

} // namespace easymo::http::client_detail
