// The outbox dispatcher's contract: how outbound WhatsApp messages leave.
//
// == Rows (persistence/migrations/0040_outbox.sql) ==
// Sessions insert `outbox` rows inside the transaction that commits their
// new state: status 'pending', `message` = the complete Graph API request
// body (build it with protocols/whatsapp/outbound.hpp), window_expires_at =
// the user's last inbound time + 24 h (whatsapp::window_expires_at), or
// NULL for templates. Nothing else is needed for a message to go out: the
// dispatcher's periodic sweep finds every due pending row.
//
// == The fast path: committed ==
// Right after COMMIT, the committer sends the rows it inserted:
//
//   (committed)  no answer
//
// and the dispatcher sends them without reading or writing the table first:
// those rows were inserted already claimed for it (status 'sending',
// attempts 1; sessions::outbox_claim), so the sweep, another node or a
// duplicate notification can never send them twice, and a claim UPDATE per
// batch is saved. Results are written in batches (group commit). The
// committer asks whether a dispatcher runs before each batch; without one
// it inserts 'pending' rows and notifies nobody. Rows the dispatcher cannot
// queue (queue_rows_max, stopping) go back to 'pending' for the sweep. A
// notification lost because the dispatcher died between the commit and the
// notification leaves its rows 'sending' until outbox-sending-stale-after
// (below): latency, not lost messages.
//
// == Statuses ==
// Meta's status webhooks arrive as journal events of kind
// "status.<sent|delivered|read|failed>" whose payload is the status item,
// wrapped as the journal stores it ({"status":{...},"metadata":{...}}; a
// bare item is read too). The event dispatcher (actors/dispatcher) calls
// parse_status() on the payload and sends
//
//   (status_report)  no answer
//
// A report moves its row forward only: pending/sending < sent < delivered
// < read < failed < dead; a late 'delivered' never undoes 'read'. Reports
// find their row by the id in biz_opaque_callback_data (the dispatcher puts
// the row id there on every send, and Meta echoes it), else by wamid.
//
// == Retries and the dead-letter queue ==
// 429 / 130429 (throughput), 5xx, timeouts, transport errors and an open
// breaker are retried with capped exponential backoff and jitter; 131056
// (pair rate limit) waits 4^n seconds (n = attempts so far, from 0);
// attempts are bounded (outbox-attempts-max), but an open breaker does not
// use one up. Permanent refusals (other 4xx codes such as 131026
// undeliverable or 100 invalid parameter), exhausted attempts and an
// expired 24-hour window for a non-template go to `dlq` with a reason, and
// the row becomes 'dead'. POST /admin/dlq/replay puts rows back to pending.
//
// == The send/crash window (where duplicates can happen) ==
// A row is 'sending' from its claim (for committed rows: their INSERT)
// until the result of its HTTP call is committed. If the process dies in between, the row stays 'sending';
// after outbox-sending-stale-after the sweep claims it again and sends it
// again, although Meta may have accepted the first copy. That window (the
// call plus the result flush, usually milliseconds) is the only source of
// duplicate sends. Each such re-send is counted in
// easymo_outbound_resent_total, and both copies carry the same
// biz_opaque_callback_data (the row id), so they can be traced.
//
// == Admin (answered through the responder) ==
//   (counts_atom, request_ptr, responder)  GET /admin/outbox
//       {"counts":{"pending":n,...},"dlq":n,"dispatcher":{...}}
//   (dlq_atom, request_ptr, responder)     GET /admin/dlq?after=<id>&limit=<n>
//       {"dead":[{"id","outbox_id","wa_id","reason","error","created_at",
//                 "replayed_at"}]} oldest first
//   (replay_atom, request_ptr, responder)  POST /admin/dlq/replay
//       {"id":<dlq id>} or {"all":true} -> {"replayed":n}
//   (get_atom, info_atom) -> std::string
#pragma once

#include "runtime/http_messages.hpp"
#include "runtime/introspect.hpp"

#include <caf/actor_system.hpp>
#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/optional.hpp>
#include <caf/replies_to.hpp>
#include <caf/timestamp.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace easymo::outbox {

/// One row as its committer inserted it.
struct outbox_row {
  int64_t id = 0;
  std::string wa_id;
  /// The Graph API request body, as JSON text.
  std::string message;
  /// outbox.window_expires_at; none for templates.
  caf::optional<caf::timestamp> window_expires_at;
};

/// The rows one transaction inserted, sent right after its COMMIT.
struct committed {
  std::vector<outbox_row> rows;
};

/// One status webhook item about a message we sent.
struct status_report {
  /// Meta's id of our message.
  std::string wamid;
  /// "sent", "delivered", "read" or "failed".
  std::string status;
  /// Unix seconds, as Meta stamped it.
  int64_t timestamp = 0;
  /// The user's wa_id.
  std::string recipient;
  /// The item's `errors` array as JSON text ("[]" when none).
  std::string errors = "[]";
  /// Echoed from the send: the outbox row id, in decimal.
  std::string biz_opaque_callback_data;
};

/// Reads a journal status event's payload (one item of a webhook's
/// `statuses` array). Nothing when it is not a status item we understand:
/// no id, or a status other than sent/delivered/read/failed.
std::optional<status_report> parse_status(const std::string& payload_json);

/// The row id carried in biz_opaque_callback_data, if it is one of ours.
std::optional<int64_t> row_id_of(const status_report& report);

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, outbox_row& x) {
  return f(caf::meta::type_name("outbox_row"), x.id, x.wa_id, x.message,
           x.window_expires_at);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, committed& x) {
  return f(caf::meta::type_name("outbox_committed"), x.rows);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, status_report& x) {
  return f(caf::meta::type_name("status_report"), x.wamid, x.status,
           x.timestamp, x.recipient, x.errors, x.biz_opaque_callback_data);
}

using counts_atom = caf::atom_constant<caf::atom("counts")>;
using dlq_atom = caf::atom_constant<caf::atom("dlq")>;
using replay_atom = caf::atom_constant<caf::atom("replay")>;
/// Internal timers: part of the interface only because a typed actor can
/// receive nothing else.
using sweep_atom = caf::atom_constant<caf::atom("sweep")>;
using flush_due_atom = caf::atom_constant<caf::atom("flushdue")>;

/// The dispatcher's handle.
using outbox_actor = caf::typed_actor<
  caf::reacts_to<committed>, caf::reacts_to<status_report>,
  caf::reacts_to<counts_atom, http::request_ptr, http::responder>,
  caf::reacts_to<dlq_atom, http::request_ptr, http::responder>,
  caf::reacts_to<replay_atom, http::request_ptr, http::responder>,
  caf::replies_to<caf::get_atom, info_atom>::with<std::string>,
  caf::reacts_to<sweep_atom>, caf::reacts_to<flush_due_atom>>;

/// Sends `rows` to the outbox registered as directory::outbox; false when
/// none runs (the sweep will send the rows).
bool notify_committed(caf::actor_system& sys, committed rows);

/// Sends `report` to the outbox; false when none runs (the report is lost,
/// and the row keeps its last status).
bool notify_status(caf::actor_system& sys, status_report report);

} // namespace easymo::outbox
