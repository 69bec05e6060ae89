// The sessions' SQL: loading session state in batches, and committing the
// effects of many sessions' decisions in one transaction. Plain functions
// over a pqxx connection, run by the db pool's workers (they block).
//
// One commit is the exactly-once step of the inbound path (ARCHITECTURE.md,
// step 7): for each item, the event's processed mark, the session's new
// state, the outbox rows and the side effects are written together or not
// at all. The mark is set only on an event still `received`, inside the
// transaction, so a duplicate or replayed event writes nothing; the outbox's
// (event_id, seq) key is the second guard.
#pragma once

#include "actors/domains/protocol.hpp"

#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace pqxx {
class connection_base;
} // namespace pqxx

namespace easymo::sessions {

/// What a session is rebuilt from.
struct session_record {
  domains::flow_state flow;
  /// The profile's name ("" when not set).
  std::string name;
  /// sessions.version; 0 when the user has no row yet.
  int64_t version = 0;
  /// The user's last message, unix seconds; 0 when unknown.
  int64_t last_inbound = 0;
};

enum class item_kind : uint8_t {
  /// A message handled by its session: mark processed, write the state,
  /// the replies and the side effects.
  process,
  /// A message given up on after its retries: mark failed, send the
  /// apology.
  fail,
  /// A throttled message that earns the "slow down" reply: the reply only
  /// (the event stays throttled).
  slow_down,
  /// An event with nothing to write but its processed mark (statuses).
  mark,
};

struct commit_item {
  item_kind kind = item_kind::process;
  int64_t event_id = 0;
  std::string wa_id;
  /// process: the version the decision was based on, and the new state.
  int64_t expected_version = 0;
  domains::flow_state next;
  /// The event's time (unix seconds): the start of the 24-hour window the
  /// replies rely on, and the session's new last inbound time.
  int64_t inbound_at = 0;
  /// Graph API bodies of the replies, in order: seq is the index.
  std::vector<std::string> messages;
  domains::side_effects effects;
};

enum class commit_status : uint8_t {
  /// Written.
  committed,
  /// The event was already handled (processed, failed, or its replies are
  /// in the outbox): nothing written.
  duplicate,
  /// The session moved past expected_version: nothing written; reload and
  /// decide again.
  conflict,
};

const char* to_string(commit_status s);

struct commit_outcome {
  commit_status status = commit_status::committed;
  /// process, committed: the session's new version.
  int64_t version = 0;
};

/// An outbox row written by a commit, for the outbox dispatcher.
struct committed_reply {
  int64_t id = 0;
  std::string wa_id;
  std::string message;
  /// Unix seconds.
  int64_t window_expires_at = 0;
};

struct commit_result {
  /// One per item, in order.
  std::vector<commit_outcome> outcomes;
  std::vector<committed_reply> replies;
};

/// The 24-hour customer-service window, in seconds.
constexpr int64_t service_window_s = 24 * 60 * 60;

/// Session state for each wa_id, in order; users without a row get
/// defaults (version 0) and the language of their profile, if any.
std::vector<session_record> load(pqxx::connection_base& conn,
                                 const std::vector<std::string>& wa_ids);

/// How new outbox rows are written.
enum class outbox_claim {
  /// 'pending': the outbox dispatcher's sweep finds them.
  none,
  /// 'sending' with their first attempt counted: the caller hands them to
  /// the dispatcher right after COMMIT, which sends them without claiming
  /// them first (actors/outbox/protocol.hpp, "The fast path").
  dispatcher,
};

/// Writes `items` in one transaction and commits. Throws on a database
/// error (nothing is written then).
commit_result commit(pqxx::connection_base& conn,
                     const std::vector<commit_item>& items,
                     outbox_claim claim = outbox_claim::none);

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, session_record& x) {
  return f(caf::meta::type_name("session_record"), x.flow, x.name, x.version,
           x.last_inbound);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, commit_item& x) {
  return f(caf::meta::type_name("commit_item"), x.kind, x.event_id, x.wa_id,
           x.expected_version, x.next, x.inbound_at, x.messages, x.effects);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, commit_outcome& x) {
  return f(caf::meta::type_name("commit_outcome"), x.status, x.version);
}

} // namespace easymo::sessions
