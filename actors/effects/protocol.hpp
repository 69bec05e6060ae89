// The effects committer's contract: group commit of sessions' decisions.
//
// Each session sends the effects of one event (its new state, its replies
// as Graph API bodies, its side effects) and waits. The committer writes
// the items of many sessions in one transaction (sessions::commit), answers
// each with its outcome after COMMIT, and then hands the new outbox rows to
// the outbox dispatcher (directory::outbox).
//
//   (sessions::commit_item)   -> sessions::commit_outcome | error(db::errc)
//   (get_atom, info_atom)     -> std::string
//
// An error means nothing of the item was written; the session retries the
// same item (transient errors) or crashes and is restarted.
#pragma once

#include "actors/session/protocol.hpp"
#include "persistence/sessions/store.hpp"
#include "runtime/introspect.hpp"

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

namespace easymo::effects {

using committer_actor = caf::typed_actor<
  caf::replies_to<sessions::commit_item>::with<sessions::commit_outcome>,
  caf::reacts_to<session::batch_due_atom>,
  caf::replies_to<caf::get_atom, info_atom>::with<std::string>>;

} // namespace easymo::effects
