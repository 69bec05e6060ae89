#include "protocols/whatsapp/window.hpp"

namespace easymo::whatsapp {

wall_clock::time_point window_expires_at(wall_clock::time_point last_inbound) {
  return last_inbound + service_window;
}

window_verdict check_window(bool is_template,
                            std::optional<wall_clock::time_point> expires_at,
                            wall_clock::time_point now) {
  if (is_template)
    return window_verdict::template_message;
  if (!expires_at)
    return window_verdict::missing;
  // The window is half-open: at the 24-hour mark it has closed.
  return now < *expires_at ? window_verdict::open : window_verdict::expired;
}

} // namespace easymo::whatsapp
