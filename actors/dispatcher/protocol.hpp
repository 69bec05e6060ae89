// The event dispatcher's contract: step 5 of the inbound path
// (ARCHITECTURE.md). It takes the name directory::dispatcher, so the journal
// hands it every event it commits for the first time, and it routes each one
// to its owner:
//
//   - a message `received`     -> (session::work{process}) to its user's
//                                 shard (session::shard_name(shard_of(wa_id)))
//   - a message `throttled`    -> (session::work{slow_down}) to the shard, at
//                                 most once per user per slow_down_interval;
//                                 the others stay throttled, untouched
//   - a status "status.<...>"  -> (outbox::status_report) to directory::outbox,
//                                 then a `mark` item to the effects committer
//                                 so the replay does not read it again
//   - a payload that cannot be read -> a `fail` item to the committer (the
//                                 event is marked failed, never retried)
//
// At start it replays the events committed but never processed (status
// `received`) in id order, through the db pool, once every shard is
// registered. Events committed after it registered reach it live, so the
// replay stops at the last id that existed when it began. Anything routed
// twice (a replayed event also queued live) is harmless: the shard drops
// repeats it holds, and the commit finds the event processed. Later, a
// periodic sweep routes again the events still `received` long after their
// commit (dispatcher.hpp), the same way.
//
// Messages:
//   (journal::dispatch_batch)    from the journal, no answer
//   (get_atom, info_atom)     -> std::string (JSON counters, for the console)
// Internal timers (sent to itself):
//   (replay_atom)                the next replay step
//   (retry_atom)                 route parked events again
//   (sweep_atom)                 start a sweep of stuck events
#pragma once

#include "actors/journal/protocol.hpp"
#include "runtime/introspect.hpp"

#include <caf/atom.hpp>

namespace easymo::dispatcher {

using replay_atom = caf::atom_constant<caf::atom("replay")>;
using retry_atom = caf::atom_constant<caf::atom("retry")>;
using sweep_atom = caf::atom_constant<caf::atom("sweep")>;

} // namespace easymo::dispatcher
