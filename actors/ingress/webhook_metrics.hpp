// Metrics of the Meta webhook routes. The route updates them on io threads
// (relaxed atomics); the ingress actor reports them in its info.
#pragma once

#include "runtime/metrics.hpp"

namespace easymo::ingress {

struct webhook_metrics {
  /// POST /webhook answers: stored, unauthorized, bad_request, unavailable.
  metrics::counter_family& posts;
  /// Signature failures by reason: missing, malformed, mismatch.
  metrics::counter_family& signature_failures;
  /// Bodies refused with 400, by reason (malformed_json, too_deep, ...).
  metrics::counter_family& bad_bodies;
  /// Events per accepted body (messages, statuses and rejected items).
  metrics::histogram& events_per_post;

  static webhook_metrics& get();
};

} // namespace easymo::ingress
