// The wallet domain actor's contract. It speaks the domain protocol
// (actors/domains/protocol.hpp), registered as domain_actor_name("wallet"):
//
//   (decide_atom, decision_request) -> decision | error
//   (get_atom, info_atom)           -> std::string (JSON counters)
//
// Unlike home and profile it does not only decide: to answer a balance, the
// last movements, a confirmed transfer, a top-up or a withdrawal it asks
//   the ledger (actors/ledger/protocol.hpp): account_atom, balance,
//     movements, transfer_request;
//   a payment gateway's actor (actors/payments/protocol.hpp): start_payment,
// and its decision carries what they answered. It writes nothing itself
// and never waits: each step is a request(...).then, the decision a
// response promise.
//
// Exactly once: every effect that moves money carries a key derived from
// the inbound event, so when the session retries an event (its decision
// failed, or its commit did) the ledger or the gateway actor answers what
// the first attempt did instead of doing it again:
//   P2P transfer       ledger key p2p_key(wa_id, event_id)
//   top-up, withdrawal start_payment::reference payment_reference(...)
// A decision fails (an error the session retries) only on operating errors:
// the ledger, the database or a gateway actor unreachable or overloaded. A
// refusal (funds, limits, a bad number) is a decision with its explanation.
#pragma once

#include "actors/domains/protocol.hpp"

#include <cstdint>
#include <string>

namespace easymo::wallet {

/// The ledger idempotency key of the P2P transfer confirmed by inbound
/// event `event_id` of `wa_id`.
std::string p2p_key(const std::string& wa_id, int64_t event_id);

/// The payment reference (a UUID v4) of the top-up or withdrawal
/// (`withdrawal`) that inbound event `event_id` of `wa_id` starts.
std::string payment_reference(const std::string& wa_id, int64_t event_id,
                              bool withdrawal);

} // namespace easymo::wallet
