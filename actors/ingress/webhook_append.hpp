// What the webhook route hands the journal: the request's events as journal
// records, and its audit row. Pure code, between protocols/whatsapp and the
// journal's protocol.
#pragma once

#include "actors/journal/protocol.hpp"
#include "protocols/whatsapp/webhook.hpp"

#include <cstdint>
#include <string>

namespace easymo::ingress {

/// What the route knows about the request itself.
struct request_facts {
  std::string request_id;
  uint32_t body_bytes = 0;
  /// When its last byte was read (steady clock, ns since epoch).
  int64_t received_ns = 0;
};

/// The append for an accepted webhook: one record per event, in body order
/// (payloads are moved out of `body`), and the audit entry of a 200. Inbound
/// messages are subject to the per-user limit; statuses are not, and items
/// that could not be read are stored as rejected.
journal::append_request accepted_append(whatsapp::parsed_webhook& body,
                                        const request_facts& facts);

/// The audit-only append for a webhook refused with 401 or 400.
journal::append_request refused_append(const whatsapp::post_verdict& verdict,
                                       const request_facts& facts);

} // namespace easymo::ingress
