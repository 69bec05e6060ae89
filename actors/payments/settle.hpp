// What every gateway actor does once the gateway has answered: store the
// intent's new state, and move money in the ledger. Shared so that each
// gateway's actor only speaks its gateway's protocol.
//
// Money moves only here, and always with the intent's derived key
// (transfer_key / refund_key), so a callback, a poll, a webhook replay and an
// operator confirming the same payment all end in one ledger transfer: the
// second attempt is answered `replayed` by the ledger and changes nothing.
#pragma once

#include "actors/ledger/protocol.hpp"
#include "actors/payments/protocol.hpp"
#include "persistence/db/query.hpp"
#include "protocols/gateway/common.hpp"
#include "runtime/directory.hpp"

#include <caf/event_based_actor.hpp>

#include <chrono>
#include <functional>
#include <string>

namespace easymo::payments {

/// The actors a gateway actor works with. Null handles are looked up in the
/// directory on every use, so a restarted pool or ledger is picked up; tests
/// pass fixed ones.
struct services {
  caf::actor pool;
  caf::actor ledger;
  /// The gateway's breaker (a fake in tests); null: the one registered under the
  /// gateway's name in breaker::names (MoMo USSD and the Open API share
  /// MTN's).
  caf::actor gateway;
};

/// Bound on one ledger request: its own database job plus a queue wait.
constexpr auto ledger_timeout = std::chrono::seconds(30);

caf::actor pool_of(caf::event_based_actor* self, const services& s);
caf::actor ledger_of(caf::event_based_actor* self, const services& s);

/// Called once at the end of a settlement step; an empty error is success.
using done_fn = std::function<void(const caf::error&)>;

/// Runs `fn` as a pool job and continues with on_value(T&), or calls
/// `on_error` when the pool is missing, refuses or times out.
template <class Fn, class OnValue>
void db_job(caf::event_based_actor* self, const services& s, std::string label,
            Fn fn, OnValue on_value, done_fn on_error) {
  auto pool = pool_of(self, s);
  if (!pool) {
    on_error(make_error(errc::storage_failed, label));
    return;
  }
  db::query(self, pool, std::move(label), std::move(fn))
    .then(std::move(on_value),
          [on_error](caf::error& err) { on_error(err); });
}

/// Credits the wallet of collection `x` with `verified`, the payment as the
/// gateway itself reported it, then marks the intent succeeded. A gateway
/// amount or currency that differs from the intent credits nothing and
/// fails the intent: reconciliation reports it, an operator settles it.
void credit(caf::event_based_actor* self, const services& s, const intent& x,
            const gateway::record& verified, done_fn done);

/// Debits the wallet of disbursement `x` into the gateway's clearing
/// account, before the gateway is asked to pay out, and records the
/// transfer on the intent. A refusal (funds, daily limit) fails the intent.
void debit(caf::event_based_actor* self, const services& s, const intent& x,
           std::function<void(caf::expected<ledger::transfer_receipt>)> done);

/// Gives a failed disbursement's debit back and marks the intent failed.
void refund(caf::event_based_actor* self, const services& s, const intent& x,
            const std::string& reason, const std::string& gateway_status,
            done_fn done);

/// Marks the intent failed (a collection the gateway refused or the user
/// declined; nothing was moved).
void fail(caf::event_based_actor* self, const services& s, const intent& x,
          const std::string& reason, const std::string& gateway_status,
          done_fn done);

/// Acts on a collection's status as the gateway itself reported it:
/// succeeded credits, failed fails, pending changes nothing.
void settle_collection(caf::event_based_actor* self, const services& s,
                       const intent& x, const gateway::record& verified,
                       const std::string& reason, done_fn done);

/// Marks an open intent past its expiry as expired (we stop asking;
/// reconciliation still compares it).
void expire(caf::event_based_actor* self, const services& s, const intent& x,
            done_fn done);

/// Marks the intent pending with what the gateway gave back.
void mark_pending(caf::event_based_actor* self, const services& s,
                  const intent& x, const std::string& gateway_ref,
                  const std::string& checkout_url,
                  const std::string& gateway_status, done_fn done);

/// Loads the intent of `gateway` whose reference (or, with `by_gateway_ref`,
/// gateway reference) is `ref`; continues with nothing when there is none.
void load_intent(caf::event_based_actor* self, const services& s,
                 const std::string& gateway, const std::string& ref,
                 bool by_gateway_ref,
                 std::function<void(std::optional<intent>)> found,
                 done_fn on_error);

/// The reference of the intent `req` starts: the caller's own (see
/// start_payment::reference) or a fresh random UUID v4; nothing when the
/// caller's is not a UUID v4.
std::optional<std::string> reference_for(const start_payment& req);

/// Stores a new intent (written before any gateway call), or finds the one
/// a retried start stored before (`replayed`: the caller answers from it
/// and calls nobody).
void store_intent(caf::event_based_actor* self, const services& s, intent x,
                  std::chrono::seconds ttl, std::function<void(intent&)> stored,
                  done_fn on_error);

} // namespace easymo::payments
