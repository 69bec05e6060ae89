// The conversation part of the supervision tree (ARCHITECTURE.md):
//
//   sessions (rest_for_one)
//     effects committer · session loader · shard[0..S)
//
// rest_for_one because the later children find the earlier ones by name:
// a restarted committer or loader takes the shards (and with them every
// session, which then reloads its state) along.
#pragma once

#include "actors/domains/locales.hpp"
#include "actors/router/router.hpp"
#include "runtime/config.hpp"
#include "runtime/supervisor/protocol.hpp"

#include <memory>
#include <optional>
#include <string>

namespace easymo::session {

/// What conversations read from config/locales, loaded once at start.
struct conversation_assets {
  std::shared_ptr<const domains::catalog> texts;
  std::shared_ptr<const router::keyword_table> keywords;
};

/// Loads the texts and the keywords from `s.locales_dir`; a one-line error
/// names the file and the key at fault.
std::optional<std::string> load_assets(const settings& s,
                                       conversation_assets& out);

/// Adds the sessions' children to `spec` (its name, strategy and restart
/// limits are the caller's).
supervision::supervisor_spec sessions_tree(const settings& s,
                                           const conversation_assets& assets,
                                           supervision::supervisor_spec spec);

} // namespace easymo::session
