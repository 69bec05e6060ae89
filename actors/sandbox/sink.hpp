// The sandbox sink actor (contract in protocol.hpp). Accepted messages are
// stored by group commit, like the journal does for inbound ones: requests
// queue until batch_rows_max of them wait or the first has waited
// batch_delay_max, then one INSERT stores them all and every request is
// answered. Status webhooks go out one POST at a time, each carrying the
// statuses of up to a batch of messages, as Meta batches them.
#pragma once

#include "actors/sandbox/protocol.hpp"
#include "protocols/http/client.hpp"
#include "protocols/whatsapp/graph_answers.hpp"
#include "runtime/supervisor/protocol.hpp"

#include <caf/stateful_actor.hpp>

#include <functional>
#include <vector>

namespace easymo::sandbox {

/// Starts one HTTP call; the outcome arrives once, on any thread.
using post_fn = std::function<void(http::client_request, http::client_callback)>;

struct sink_options {
  /// The bearer token the sink accepts (EASYMO_WHATSAPP_TOKEN).
  std::string token;
  std::string phone_number_id;
  /// Signs the status webhooks (EASYMO_WHATSAPP_APP_SECRET).
  std::string app_secret;
  std::string webhook_url;
  /// Play the phone: post sent and delivered statuses.
  bool statuses = true;
  size_t batch_rows_max = 256;
  caf::timespan batch_delay_max = std::chrono::milliseconds(2);
  caf::timespan db_timeout = std::chrono::seconds(15);
  /// How webhooks are posted (the shared http::client in the daemon).
  post_fn post;
};

/// The sandbox settings of `s`; `post` is left to the caller.
sink_options options_from(const settings& s);

struct accepted_message {
  std::string to;
  std::string wamid;
  /// The body as received, JSON text.
  std::string body;
  /// biz_opaque_callback_data when it is an outbox row id, else 0.
  int64_t outbox_id = 0;
  std::string callback_data;
  http::responder res;
};

struct sink_state {
  sink_options opts;
  std::vector<accepted_message> queue;
  bool storing = false;
  bool timer_armed = false;
  std::vector<whatsapp::status_item> statuses;
  std::vector<whatsapp::status_item> posting;
  /// This build has no /webhook: statuses go to the outbox directly.
  bool direct = false;
  uint64_t received = 0;
  uint64_t refused = 0;
  uint64_t stored = 0;
  uint64_t store_failures = 0;
  uint64_t statuses_posted = 0;
  uint64_t statuses_lost = 0;

  static inline const char* name = "sandbox.sink";
};

using sink_actor = caf::stateful_actor<sink_state>;

caf::behavior sink(sink_actor* self, sink_options opts);

/// A permanent child that starts the sink as directory::sandbox.
supervision::child_spec sink_child(sink_options opts);

namespace detail {
/// Internal: a status POST ended (carries the HTTP status, -1 for none).
using posted_atom = caf::atom_constant<caf::atom("posted")>;
/// Posts the next batch of statuses if none is on its way (relay.cpp).
void relay_statuses(sink_actor* self);
/// The POST of `posting` ended with `status` (-1: no response).
void on_posted(sink_actor* self, int status);
/// Answers GET /admin/sandbox/messages (store.cpp).
void answer_messages(sink_actor* self, const http::request& req,
                     http::responder res);
} // namespace detail

} // namespace easymo::sandbox
