// The journal's SQL: one group commit, and the replay query. Plain functions
// over a pqxx connection, run by the db pool's workers (they block).
#pragma once

#include "actors/journal/protocol.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace pqxx {
class connection_base;
} // namespace pqxx

namespace easymo::journal::store {

/// The requests of one batch, in arrival order, as the journal hands them to
/// a worker. Immutable while the worker runs.
struct commit_input {
  std::vector<append_request> requests;
  /// Per request: milliseconds from its arrival to the start of the commit.
  std::vector<uint32_t> latency_ms;
};

struct commit_output {
  /// Per request, per record: the new row's id, or 0 when the event was
  /// already stored (or appears earlier in the same batch).
  std::vector<std::vector<int64_t>> ids;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, commit_output& x) {
  return f(caf::meta::type_name("commit_output"), x.ids);
}

/// Inserts every new event and one audit row per request in a single
/// transaction, then commits. Rows are inserted in (wamid, kind) order, so
/// concurrent batches with overlapping keys wait for each other instead of
/// deadlocking. Throws on any database error (nothing is committed then).
commit_output commit(pqxx::connection_base& conn, const commit_input& in);

/// Committed events still waiting for processing (status `received`), with
/// ids above `after_id`, committed at least `min_age` ago, oldest first: the
/// journal replay at start-up and the dispatcher's sweep of stuck events
/// read them in pages of `limit`.
std::vector<committed_event>
fetch_unprocessed(pqxx::connection_base& conn, int64_t after_id, size_t limit,
                  std::chrono::milliseconds min_age = {});

/// The highest event id committed so far (0 for an empty table): where a
/// replay that starts now may stop, since later events are dispatched live.
int64_t last_event_id(pqxx::connection_base& conn);

/// Appends `text` to a PostgreSQL array literal as one quoted element.
void append_array_element(std::string& literal, std::string_view text);

} // namespace easymo::journal::store
