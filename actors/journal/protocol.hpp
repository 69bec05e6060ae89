// The journal's contract: the durability step of the inbound path.
//
// The ingress hands the journal the events of one webhook request; the
// journal commits them to `inbound_events`, together with the request's
// `webhook_audit_log` row, in a group commit shared with concurrent requests,
// and answers only after COMMIT. Each event committed for the first time is
// then sent to the dispatcher (directory::dispatcher), which routes it to its
// owner; events already in the table (Meta redeliveries) are not.
//
// Journal messages:
//   (append_request)          -> append_result | error(journal::errc)
//       An append with no records writes only its audit row; nobody waits
//       for those (the ingress sends them for requests it refused).
//   (append_request, completion)
//       The same from outside any actor (an HTTP io thread): the journal
//       calls the completion once, on its own thread, instead of answering.
//   (get_atom, info_atom)     -> std::string (JSON, for the console)
//
// Dispatcher messages (sent by the journal, no answer):
//   (dispatch_batch)          the events committed by one transaction
#pragma once

#include "runtime/introspect.hpp"
#include "runtime/once.hpp"

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace easymo::journal {

/// inbound_events.status. Only `received` events wait for processing.
enum class event_status : uint8_t { received, throttled, rejected, processed };

const char* to_string(event_status s);

/// One event to commit.
struct record {
  /// inbound_events.wamid: with `kind`, the dedup key.
  std::string key;
  std::string kind;
  std::string wa_id;
  /// JSON text stored as jsonb.
  std::string payload;
  /// `received`, or `rejected` for items that could not be read. The
  /// journal turns `received` into `throttled` when the limiter says so.
  event_status status = event_status::received;
  /// Whether the per-user rate limit applies (inbound user messages).
  bool rate_limited = false;
};

/// What the ingress knows of one request for its webhook_audit_log row.
struct audit_entry {
  std::string request_id;
  uint16_t http_status = 200;
  bool signature_valid = true;
  uint32_t body_bytes = 0;
  /// Items in the body, and how many of them were unreadable.
  uint32_t events = 0;
  uint32_t rejected = 0;
  /// When the request's last byte was read (steady clock, ns since epoch).
  int64_t received_ns = 0;
};

struct append_request {
  std::vector<record> records;
  audit_entry audit;
};

/// The journal's answer once the request's transaction committed.
struct append_result {
  /// Events stored for the first time by this request.
  uint32_t inserted = 0;
  /// Events already stored (redeliveries, or repeats within the batch).
  uint32_t duplicates = 0;
  /// Of the inserted events, those stored as throttled.
  uint32_t throttled = 0;
};

/// Where an append sent from outside any actor gets its answer: called
/// exactly once. If every copy is dropped unanswered (the journal stopped
/// with the request queued), the last one answers errc::unavailable, so an
/// HTTP client gets a 503 and never waits for nothing.
class completion : public once_callback<caf::expected<append_result>> {
public:
  completion() = default;
  explicit completion(function f);
};

/// A committed event, as the dispatcher receives it and as the replay reads
/// it back from the table.
struct committed_event {
  int64_t id = 0;
  std::string key;
  std::string kind;
  std::string wa_id;
  std::string payload;
  event_status status = event_status::received;
};

/// The new events of one transaction, in batch order.
struct dispatch_batch {
  std::vector<committed_event> events;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, record& x) {
  return f(caf::meta::type_name("journal_record"), x.key, x.kind, x.wa_id,
           x.payload, x.status, x.rate_limited);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, audit_entry& x) {
  return f(caf::meta::type_name("audit_entry"), x.request_id, x.http_status,
           x.signature_valid, x.body_bytes, x.events, x.rejected,
           x.received_ns);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, append_request& x) {
  return f(caf::meta::type_name("append_request"), x.records, x.audit);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, append_result& x) {
  return f(caf::meta::type_name("append_result"), x.inserted, x.duplicates,
           x.throttled);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, committed_event& x) {
  return f(caf::meta::type_name("committed_event"), x.id, x.key, x.kind,
           x.wa_id, x.payload, x.status);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, dispatch_batch& x) {
  return f(caf::meta::type_name("dispatch_batch"), x.events);
}

enum class errc : uint8_t {
  /// The database could not commit (down, or the statement failed): the
  /// ingress answers 503 and Meta redelivers.
  unavailable = 1,
  /// Too many requests are waiting for a commit already.
  overloaded,
};

constexpr caf::atom_value error_category = caf::atom("journal");

caf::error make_error(errc code, std::string context = {});

std::string render_error(uint8_t code, caf::atom_value category,
                         const caf::message& context);

} // namespace easymo::journal

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(easymo::journal::completion)
