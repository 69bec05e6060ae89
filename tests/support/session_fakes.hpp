// Stand-ins for the session loader and the effects committer in
// deterministic actor tests (caf/test/dsl.hpp), sharing one in-memory
// "database" of session rows.
//
// The loader answers at once from the rows. The committer keeps each item
// and its promise until the test settles it, so a test sees exactly what a
// session committed and when, and decides the outcome (committed as the
// real store would, or a duplicate, a conflict, an error).
#pragma once

#include "actors/session/protocol.hpp"
#include "persistence/sessions/store.hpp"

#include <caf/all.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace easymo::test {

struct fake_session_db {
  std::map<std::string, sessions::session_record> rows;
  /// wa_ids in the order the loader was asked for them.
  std::vector<std::string> loads;
};

using settle_atom = caf::atom_constant<caf::atom("settle")>;
using refuse_atom = caf::atom_constant<caf::atom("refuse")>;

struct pending_item {
  sessions::commit_item item;
  caf::response_promise rp;
};

struct fake_committer_state {
  std::shared_ptr<fake_session_db> db;
  std::vector<pending_item> pending;
  /// Every item ever received, in order.
  std::vector<sessions::commit_item> received;
  static inline const char* name = "fake_committer";
};

using fake_committer_actor = caf::stateful_actor<fake_committer_state>;

caf::behavior fake_loader(caf::event_based_actor* self,
                          std::shared_ptr<fake_session_db> db);

/// Takes commit items and keeps them pending. (settle_atom, n) settles the
/// first n as the real store would (committed, or conflict on a version
/// mismatch); (settle_atom, n, commit_status) forces an outcome;
/// (refuse_atom, caf::error) fails the first pending item.
caf::behavior fake_committer(fake_committer_actor* self,
                             std::shared_ptr<fake_session_db> db);

} // namespace easymo::test
