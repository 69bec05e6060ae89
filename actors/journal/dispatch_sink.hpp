// The dispatcher that stands in until sessions exist (issue 4).
//
// The journal sends every newly committed event to directory::dispatcher.
// Sessions will take that name and route each event to its owner. Until then
// this sink only counts what arrives and touches nothing: events stay
// `received` in inbound_events, where store::fetch_unprocessed (the journal
// replay) finds them for the sessions to process.
#pragma once

#include "actors/journal/protocol.hpp"
#include "runtime/supervisor/protocol.hpp"

#include <caf/stateful_actor.hpp>

#include <map>
#include <string>

namespace easymo::journal {

struct dispatch_sink_state {
  uint64_t batches = 0;
  /// Events received, by inbound_events.status ("received", "throttled").
  std::map<std::string, uint64_t> events;

  static inline const char* name = "dispatch.sink";
};

using dispatch_sink_actor = caf::stateful_actor<dispatch_sink_state>;

/// Takes (dispatch_batch) and answers (get_atom, info_atom).
caf::behavior dispatch_sink(dispatch_sink_actor* self);

/// The sink's child spec: it registers as directory::dispatcher.
supervision::child_spec dispatch_sink_child();

} // namespace easymo::journal
