// The ledger actor's contract: the messages it takes and what it answers.
//
// The ledger is a service, not a conversation: the wallet domain, the gateway
// webhooks, reconciliation and the admin API all post through it, so it lives
// in actors/ledger rather than under actors/domains/wallet, and callers
// include only this header.
//
//   transfer_request                          -> transfer_receipt
//   (account_atom, account_spec)              -> int64_t account id (get or create)
//   (get_atom, balance_atom, int64_t account) -> account_balance
//   (get_atom, movements_atom, int64_t account, uint32_t limit)
//                                             -> std::vector<transfer_record>
//   (approve_atom, int64_t transfer, std::string admin, std::string cid)
//                                             -> transfer_receipt
//   (reject_atom, int64_t transfer, std::string admin, std::string note,
//    std::string cid)                         -> transfer_receipt
//   (get_atom, by_key_atom, std::string key)  -> transfer_record
//   (get_atom, by_ref_atom, std::string gateway, std::string ref)
//                                             -> transfer_record
//   (get_atom, info_atom)                     -> std::string (JSON counters)
//
// Every request may instead be answered with a caf::error of category
// "ledger" (ledger::errc, see persistence/ledger/core.hpp): a refusal such as
// insufficient_funds, or an operating error (unavailable when PostgreSQL is
// down, overloaded when the queue is full) after which the caller retries
// with the same idempotency key.
#pragma once

#include "persistence/ledger/core.hpp"
#include "persistence/ledger/repository.hpp"
#include "runtime/introspect.hpp"

#include <caf/atom.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace easymo::ledger {

using account_atom = caf::atom_constant<caf::atom("account")>;
using balance_atom = caf::atom_constant<caf::atom("balance")>;
using movements_atom = caf::atom_constant<caf::atom("movements")>;
using approve_atom = caf::atom_constant<caf::atom("approve")>;
using reject_atom = caf::atom_constant<caf::atom("reject")>;
using by_key_atom = caf::atom_constant<caf::atom("by_key")>;
using by_ref_atom = caf::atom_constant<caf::atom("by_ref")>;
/// Internal: the batch timer. Part of the interface only because a typed
/// actor can receive nothing else.
using batch_due_atom = caf::atom_constant<caf::atom("batch_due")>;

/// A transfer that exists: posted, or held for review (pending), or voided.
struct transfer_receipt {
  std::string key;
  int64_t transfer_id = 0;
  transfer_status status = transfer_status::posted;
  /// The key was seen before: this is the first request's transfer.
  bool replayed = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, transfer_receipt& x) {
  return f(caf::meta::type_name("transfer_receipt"), x.key, x.transfer_id,
           x.status, x.replayed);
}

/// The ledger's handle.
using ledger_actor = caf::typed_actor<
  caf::replies_to<transfer_request>::with<transfer_receipt>,
  caf::replies_to<account_atom, account_spec>::with<int64_t>,
  caf::replies_to<caf::get_atom, balance_atom, int64_t>::with<account_balance>,
  caf::replies_to<caf::get_atom, movements_atom, int64_t, uint32_t>::with<
    std::vector<transfer_record>>,
  caf::replies_to<approve_atom, int64_t, std::string, std::string>::with<
    transfer_receipt>,
  caf::replies_to<reject_atom, int64_t, std::string, std::string,
                  std::string>::with<transfer_receipt>,
  caf::replies_to<caf::get_atom, by_key_atom, std::string>::with<
    transfer_record>,
  caf::replies_to<caf::get_atom, by_ref_atom, std::string, std::string>::with<
    transfer_record>,
  caf::replies_to<caf::get_atom, info_atom>::with<std::string>,
  caf::reacts_to<batch_due_atom>>;

} // namespace easymo::ledger
