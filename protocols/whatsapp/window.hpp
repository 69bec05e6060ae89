// The 24-hour customer-service window. After a user's last message a
// business may answer freely for 24 hours; outside that window Meta accepts
// only template messages (and refuses others with error 131047). The rule is
// pure so sessions (which set the window) and the dispatcher (which enforces
// it when a message finally leaves, possibly after retries) agree.
#pragma once

#include <chrono>
#include <optional>

#include <nlohmann/json_fwd.hpp>

namespace easymo::whatsapp {

using wall_clock = std::chrono::system_clock;

/// How long the window stays open after the user's last inbound message.
constexpr std::chrono::hours service_window{24};

/// When the window opened by a message received at `last_inbound` closes:
/// the value sessions store in outbox.window_expires_at.
wall_clock::time_point window_expires_at(wall_clock::time_point last_inbound);

enum class window_verdict {
  /// A template: allowed at any time.
  template_message,
  /// A free-form message inside the window.
  open,
  /// A free-form message whose window has closed: do not send.
  expired,
  /// A free-form message without a window (the row says template, the body
  /// does not): a bug in the sender, and Meta could refuse it. Do not send.
  missing,
};

/// Whether a message may be sent at `now`. `expires_at` is the end of the
/// window the message relies on; none means the sender declared it a
/// template (outbox rows with window_expires_at NULL).
window_verdict check_window(bool is_template,
                            std::optional<wall_clock::time_point> expires_at,
                            wall_clock::time_point now);

} // namespace easymo::whatsapp
