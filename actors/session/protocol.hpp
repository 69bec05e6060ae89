// The sessions' contract: S shard actors, each the owner and supervisor of
// the session actors of the users that hash to it, and one session actor
// per live user.
//
// The dispatcher sends each event to its user's shard; the shard queues a
// user's events and hands them to the session one at a time, in arrival
// order, so a session never sees two at once. The session routes, asks a
// domain, commits through the effects committer and reports back.
//
// Shard messages:
//   (work)                                  an event for one of its users
//   (done_atom, std::string wa_id, int64_t event_id)
//                                           a session finished the event
//   (sweep_atom)                            passivation timer
//   (get_atom, info_atom) -> std::string
//
// Session messages:
//   (work)                                  from its shard only
//   (retry_atom)                            its own backoff timer
//   (get_atom, info_atom) -> std::string
//
// Loader messages (typed, see loader_actor):
//   (load_atom, std::string wa_id) -> sessions::session_record
#pragma once

#include "actors/domains/protocol.hpp"
#include "persistence/sessions/store.hpp"
#include "runtime/introspect.hpp"

#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <string>

namespace easymo::session {

using done_atom = caf::atom_constant<caf::atom("done")>;
using sweep_atom = caf::atom_constant<caf::atom("sweep")>;
using retry_atom = caf::atom_constant<caf::atom("retry")>;
using load_atom = caf::atom_constant<caf::atom("load")>;
using batch_due_atom = caf::atom_constant<caf::atom("batch_due")>;

/// A journaled inbound message as sessions see it: the inbound_events row
/// with the parts of Meta's payload that routing and domains read.
struct inbound_event {
  /// inbound_events.id
  int64_t id = 0;
  std::string wamid;
  std::string wa_id;
  /// Meta's timestamp, unix seconds (0 when it had none).
  int64_t timestamp = 0;
  domains::inbound_message message;
};

enum class work_kind : uint8_t {
  /// Route, decide, commit.
  process,
  /// A throttled message: commit the "slow down" reply only.
  slow_down,
  /// Retries are exhausted: mark the event failed and apologise.
  fail,
};

struct work {
  work_kind kind = work_kind::process;
  inbound_event event;
  /// 1 for the first try; the shard counts crashes.
  uint8_t attempt = 1;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, inbound_event& x) {
  return f(caf::meta::type_name("inbound_event"), x.id, x.wamid, x.wa_id,
           x.timestamp, x.message);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, work& x) {
  return f(caf::meta::type_name("session_work"), x.kind, x.event, x.attempt);
}

/// The batched session loader.
using loader_actor = caf::typed_actor<
  caf::replies_to<load_atom, std::string>::with<sessions::session_record>,
  caf::reacts_to<batch_due_atom>,
  caf::replies_to<caf::get_atom, info_atom>::with<std::string>>;

} // namespace easymo::session
