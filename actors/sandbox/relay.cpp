// Playing the phone: the statuses a delivered message causes go back as
// signed webhooks to our own /webhook, one POST at a time.
#include "actors/outbox/protocol.hpp"
#include "actors/sandbox/sink.hpp"
#include "runtime/log.hpp"

#include <caf/all.hpp>

namespace easymo::sandbox::detail {

namespace {

/// A webhook must not wait long on our own listener.
constexpr std::chrono::milliseconds post_timeout{5'000};

outbox::status_report report_of(const whatsapp::status_item& item) {
  outbox::status_report r;
  r.wamid = item.wamid;
  r.status = item.status;
  r.timestamp = item.timestamp;
  r.recipient = item.recipient;
  r.biz_opaque_callback_data = item.callback_data;
  return r;
}

void hand_to_outbox(sink_actor* self, std::vector<whatsapp::status_item>& items) {
  for (auto& item : items)
    if (!outbox::notify_status(self->system(), report_of(item)))
      ++self->state.statuses_lost;
  items.clear();
}

} // namespace

void relay_statuses(sink_actor* self) {
  auto& st = self->state;
  if (st.direct || !st.opts.post) {
    hand_to_outbox(self, st.statuses);
    return;
  }
  if (!st.posting.empty() || st.statuses.empty())
    return;
  // Each message has two statuses: a webhook covers a batch of messages.
  auto n = std::min(st.statuses.size(), 2 * st.opts.batch_rows_max);
  st.posting.assign(std::make_move_iterator(st.statuses.begin()),
                    std::make_move_iterator(st.statuses.begin()
                                            + static_cast<ptrdiff_t>(n)));
  st.statuses.erase(st.statuses.begin(),
                    st.statuses.begin() + static_cast<ptrdiff_t>(n));
  http::client_request req;
  req.method = boost::beast::http::verb::post;
  req.url = st.opts.webhook_url;
  req.body = whatsapp::status_webhook(st.opts.phone_number_id, st.posting);
  req.headers = {{"Content-Type", "application/json"},
                 {"X-Hub-Signature-256",
                  whatsapp::webhook_signature(req.body, st.opts.app_secret)}};
  req.timeout = post_timeout;
  req.label = "sandbox.webhook";
  auto me = caf::actor_cast<caf::actor>(self);
  st.opts.post(std::move(req), [me](std::optional<http::client_error> err,
                                    http::client_response res) {
    caf::anon_send(me, posted_atom::value, err ? -1 : res.status);
  });
}

void on_posted(sink_actor* self, int status) {
  auto& st = self->state;
  if (status >= 200 && status < 300) {
    st.statuses_posted += st.posting.size();
    st.posting.clear();
  } else if (status == 404) {
    // No webhook route in this build: the phone's statuses still reach the
    // outbox, through its own door.
    log::info("sandbox", "no /webhook route; statuses go to the outbox directly");
    st.direct = true;
    hand_to_outbox(self, st.posting);
  } else {
    // Meta would redeliver; a sandbox only loses a status, never a message.
    log::warn("sandbox", "status webhook not accepted, statuses dropped",
              {{"http_status", status}, {"statuses", st.posting.size()}});
    st.statuses_lost += st.posting.size();
    st.posting.clear();
  }
  relay_statuses(self);
}

} // namespace easymo::sandbox::detail
