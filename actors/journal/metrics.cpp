#include "actors/journal/metrics.hpp"

namespace easymo::journal {

namespace {

metrics::counter& counter(const char* name, const char* help) {
  return metrics::registry::global().counters(name, help).with();
}

} // namespace

journal_metrics& journal_metrics::get() {
  static auto& reg = metrics::registry::global();
  static journal_metrics instance{
    reg
      .histograms("easymo_journal_batch_rows",
                  "Rows per journal transaction (events and audit rows)", {},
                  {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096})
      .with(),
    reg
      .histograms("easymo_journal_commit_seconds",
                  "Time from handing a batch to the pool until its COMMIT")
      .with(),
    reg.counters("easymo_inbound_events_total",
                 "Webhook events committed for the first time, by kind",
                 {"kind"}),
    counter("easymo_inbound_duplicates_total",
            "Webhook events already in the journal (redeliveries)"),
    counter("easymo_inbound_throttled_total",
            "Webhook events committed as throttled (over a rate limit)"),
    counter("easymo_journal_failed_batches_total",
            "Journal batches whose transaction did not commit"),
    counter("easymo_journal_refused_total",
            "Appends refused because the journal queue was full"),
    counter("easymo_journal_audits_dropped_total",
            "Audit-only rows dropped because the journal queue was full"),
    reg.gauges("easymo_journal_queued_requests",
               "Requests waiting for a journal batch")
      .with(),
  };
  return instance;
}

} // namespace easymo::journal
