#include "actors/dispatcher/route.hpp"

#include "protocols/whatsapp/parse.hpp"

#include <type_traits>

namespace easymo::dispatcher {

namespace {

// What routing and domains read from each content type; the rest stays in
// the stored payload.
void read_content(const whatsapp::message_content& content,
                  domains::inbound_message& out) {
  std::visit(
    [&out](const auto& c) {
      using T = std::decay_t<decltype(c)>;
      if constexpr (std::is_same_v<T, whatsapp::text_content>) {
        out.text = c.body;
      } else if constexpr (std::is_same_v<T, whatsapp::interactive_content>) {
        out.text = c.title;
        out.reply_id = c.id;
      } else if constexpr (std::is_same_v<T, whatsapp::button_content>) {
        out.text = c.text;
        out.reply_id = c.payload;
      } else if constexpr (std::is_same_v<T, whatsapp::media_content>) {
        out.text = c.caption;
      }
    },
    content);
}

bool is_status(const std::string& kind) {
  return kind.rfind("status.", 0) == 0;
}

} // namespace

session::inbound_event inbound_of(const journal::committed_event& e,
                                  const whatsapp::message& m) {
  session::inbound_event out;
  out.id = e.id;
  out.wamid = e.key;
  // The journal's wa_id is the one the dedup and the rate limit used.
  out.wa_id = e.wa_id.empty() ? m.from : e.wa_id;
  out.timestamp = m.timestamp;
  out.message.event_id = e.id;
  out.message.kind = m.type;
  out.message.contact_name = m.profile_name;
  read_content(m.content, out.message);
  return out;
}

route route_of(const journal::committed_event& e) {
  if (is_status(e.kind)) {
    auto report = outbox::parse_status(e.payload);
    if (!report)
      return unreadable{"not a status item the outbox understands"};
    return std::move(*report);
  }
  whatsapp::stored_event stored;
  std::string reason;
  if (!whatsapp::decode_stored(e.payload, stored, reason))
    return unreadable{std::move(reason)};
  auto* msg = std::get_if<whatsapp::message>(&stored);
  if (msg == nullptr)
    return unreadable{"a status payload under a message kind"};
  session::work job;
  job.kind = e.status == journal::event_status::throttled
               ? session::work_kind::slow_down
               : session::work_kind::process;
  job.event = inbound_of(e, *msg);
  if (job.event.wa_id.empty())
    return unreadable{"a message without a sender"};
  return job;
}

slow_down_window::slow_down_window(caf::timespan interval, size_t users_max)
  : interval_(interval), users_max_(users_max) {
}

bool slow_down_window::due(const std::string& wa_id, time_point now) {
  auto it = last_.find(wa_id);
  if (it != last_.end())
    return now - it->second >= interval_;
  if (last_.size() >= users_max_)
    forget_expired(now);
  return last_.size() < users_max_;
}

void slow_down_window::note(const std::string& wa_id, time_point now) {
  last_[wa_id] = now;
}

void slow_down_window::forget_expired(time_point now) {
  for (auto it = last_.begin(); it != last_.end();)
    it = now - it->second >= interval_ ? last_.erase(it) : std::next(it);
}

} // namespace easymo::dispatcher
