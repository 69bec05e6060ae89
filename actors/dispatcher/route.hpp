// What the dispatcher does with one committed event, as pure code: read the
// stored payload (protocols/whatsapp/parse.hpp wrote it) and decide where the
// event goes. The actor only looks the destination up and sends.
#pragma once

#include "actors/journal/protocol.hpp"
#include "actors/outbox/protocol.hpp"
#include "actors/session/protocol.hpp"
#include "protocols/whatsapp/events.hpp"

#include <caf/actor_clock.hpp>

#include <string>
#include <unordered_map>
#include <variant>

namespace easymo::dispatcher {

/// A stored payload nobody can act on: the event is marked failed.
struct unreadable {
  std::string reason;
};

/// A session::work for the user's shard (process, or slow_down for a
/// throttled message), a status for the outbox, or an unreadable payload.
using route = std::variant<session::work, outbox::status_report, unreadable>;

/// Decides the route of `e` from its kind, status and payload. Never throws:
/// any payload, however broken, yields a route.
route route_of(const journal::committed_event& e);

/// The session's view of a stored message.
session::inbound_event inbound_of(const journal::committed_event& e,
                                  const whatsapp::message& m);

/// At most one "slow down" reply per user per interval. Bounded: once it
/// remembers `users_max` users within one interval, further users get no
/// reply (they are over the limit anyway) until entries expire.
class slow_down_window {
public:
  using time_point = caf::actor_clock::time_point;

  slow_down_window() = default;
  slow_down_window(caf::timespan interval, size_t users_max);

  /// Whether `wa_id` may get a reply at `now`.
  bool due(const std::string& wa_id, time_point now);
  /// Records a reply sent to `wa_id` at `now`.
  void note(const std::string& wa_id, time_point now);
  size_t size() const { return last_.size(); }

private:
  void forget_expired(time_point now);

  caf::timespan interval_{std::chrono::minutes(1)};
  size_t users_max_ = 100000;
  std::unordered_map<std::string, time_point> last_;
};

} // namespace easymo::dispatcher
