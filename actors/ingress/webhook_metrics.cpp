#include "actors/ingress/webhook_metrics.hpp"

namespace easymo::ingress {

webhook_metrics& webhook_metrics::get() {
  static auto& reg = metrics::registry::global();
  static webhook_metrics instance{
    reg.counters("easymo_webhook_posts_total",
                 "POST /webhook answers by outcome", {"outcome"}),
    reg.counters("easymo_webhook_signature_failures_total",
                 "Webhooks refused for their X-Hub-Signature-256", {"reason"}),
    reg.counters("easymo_webhook_bad_bodies_total",
                 "Authentic webhooks refused with 400, by reason", {"reason"}),
    reg
      .histograms("easymo_webhook_events_per_post",
                  "Events (messages, statuses, unreadable items) per accepted "
                  "webhook",
                  {}, {0, 1, 2, 5, 10, 50, 100, 500, 1000})
      .with(),
  };
  return instance;
}

} // namespace easymo::ingress
