// The journal's metrics, registered once per process.
#pragma once

#include "runtime/metrics.hpp"

namespace easymo::journal {

struct journal_metrics {
  /// Rows per transaction (events plus audit rows).
  metrics::histogram& batch_rows;
  /// Time from handing a batch to the pool until COMMIT returned.
  metrics::histogram& commit_seconds;
  /// New events committed, by kind.
  metrics::counter_family& events;
  metrics::counter& duplicates;
  metrics::counter& throttled;
  metrics::counter& failed_batches;
  metrics::counter& refused;
  metrics::counter& audits_dropped;
  metrics::gauge& queued;

  static journal_metrics& get();
};

} // namespace easymo::journal
