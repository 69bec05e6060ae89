#include "protocols/http/client_metrics.hpp"

namespace easymo::http::client_detail {

metrics::gauge& connections_open() {
  static auto& child = metrics::registry::global()
                         .gauges("easymo_http_client_connections_open",
                                 "Outbound HTTP connections currently open")
                         .with();
  return child;
}

void record_call(const std::string& label, std::string_view outcome,
                 double seconds) {
  static auto& requests = metrics::registry::global().counters(
    "easymo_http_client_requests_total",
    "Outbound HTTP calls by label and outcome (status code or error)",
    {"label", "outcome"});
  static auto& duration = metrics::registry::global().histograms(
    "easymo_http_client_request_duration_seconds",
    "Outbound HTTP call duration, queueing and connecting included",
    {"label"});
  requests.with({label, std::string{outcome}}).inc();
  duration.with({label}).observe(seconds);
}

} // namespace easymo::http::client_detail
