#include "actors/payments/settle.hpp"

#include "protocols/crypto/digest.hpp"
#include "runtime/log.hpp"

#include <caf/all.hpp>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

namespace easymo::payments {

namespace {

using ids_fn = std::function<void(int64_t clearing, int64_t wallet)>;

// The clearing account of the intent's gateway and the user's wallet, both
// in the intent's currency, created on first use.
void accounts(caf::event_based_actor* self, const services& s, const intent& x,
              ids_fn next, done_fn on_error) {
  auto ledger = ledger_of(self, s);
  if (!ledger) {
    on_error(ledger::make_error(ledger::errc::unavailable, "no ledger"));
    return;
  }
  ledger::account_spec clearing{ledger::account_kind::clearing, x.gateway,
                                x.cur};
  ledger::account_spec wallet{ledger::account_kind::wallet, x.wa_id, x.cur};
  auto fail = [on_error](caf::error& err) { on_error(err); };
  self->request(ledger, ledger_timeout, ledger::account_atom::value, clearing)
    .then(
      [=](int64_t clearing_id) {
        self->request(ledger, ledger_timeout, ledger::account_atom::value, wallet)
          .then([=](int64_t wallet_id) { next(clearing_id, wallet_id); }, fail);
      },
      fail);
}

std::string metadata_of(const intent& x) {
  return nlohmann::json{{"intent", x.id}, {"reference", x.reference}}.dump();
}

enum class money_move { credit, debit, refund };

using receipt_fn = std::function<void(caf::expected<ledger::transfer_receipt>)>;

// The intent's one movement of each kind, between its wallet and its
// gateway's clearing account, under the key derived from the intent: a
// credit (top-up), a debit (withdrawal) or a refund of that debit.
void move_money(caf::event_based_actor* self, const services& s,
                const intent& x, money_move m, std::string external_ref,
                receipt_fn done) {
  auto on_error = [done](const caf::error& err) { done(err); };
  accounts(
    self, s, x,
    [=](int64_t clearing, int64_t wallet) {
      ledger::transfer_request req;
      bool refund = m == money_move::refund;
      req.key = refund ? refund_key(x.gateway, x.reference)
                       : transfer_key(x.gateway, x.reference);
      req.kind = m == money_move::credit   ? ledger::transfer_kind::topup
                 : m == money_move::debit  ? ledger::transfer_kind::withdrawal
                                           : ledger::transfer_kind::refund;
      bool to_wallet = m != money_move::debit;
      req.debit = to_wallet ? clearing : wallet;
      req.credit = to_wallet ? wallet : clearing;
      req.amount = x.amount;
      req.cur = x.cur;
      // A refund carries no gateway reference: the debit it undoes holds it.
      if (!refund) {
        req.gateway = x.gateway;
        req.external_ref = external_ref;
      }
      req.metadata = metadata_of(x);
      req.correlation_id = x.correlation_id;
      auto ledger = ledger_of(self, s);
      if (!ledger) {
        done(ledger::make_error(ledger::errc::unavailable, req.key));
        return;
      }
      self->request(ledger, ledger_timeout, std::move(req))
        .then([done](ledger::transfer_receipt& r) { done(std::move(r)); },
              [done](caf::error& err) { done(std::move(err)); });
    },
    on_error);
}

} // namespace

caf::actor pool_of(caf::event_based_actor* self, const services& s) {
  return s.pool ? s.pool : directory::get(self->system(), directory::db_pool);
}

caf::actor ledger_of(caf::event_based_actor* self, const services& s) {
  return s.ledger ? s.ledger : directory::get(self->system(), directory::ledger);
}

void credit(caf::event_based_actor* self, const services& s, const intent& x,
            const gateway::record& verified, done_fn done) {
  if (verified.amount != x.amount || verified.cur != x.cur) {
    auto why = "the gateway reports " + ledger::display(verified.amount,
                                                        verified.cur);
    log::error("payments", "gateway amount differs from the intent, not credited",
               {{"gateway", x.gateway}, {"reference", x.reference},
                {"intent", ledger::display(x.amount, x.cur)},
                {"reported", ledger::display(verified.amount, verified.cur)}},
               x.correlation_id);
    fail(self, s, x, why, verified.raw_status, std::move(done));
    return;
  }
  move_money(self, s, x, money_move::credit, verified.reference,
             [self, s, x, verified, done](caf::expected<ledger::transfer_receipt> r) {
               if (!r) {
                 done(r.error());
                 return;
               }
               db_job(
                 self, s, "payments.succeeded",
                 [id = x.id, ref = verified.reference, t = r->transfer_id,
                  raw = verified.raw_status](pqxx::connection_base& c) {
                   pqxx::work tx{c};
                   auto changed = repo::mark_succeeded(tx, id, ref, t, raw);
                   tx.commit();
                   return changed;
                 },
                 [done](bool) { done({}); }, done);
             });
}

void debit(caf::event_based_actor* self, const services& s, const intent& x,
           std::function<void(caf::expected<ledger::transfer_receipt>)> done) {
  move_money(self, s, x, money_move::debit, x.reference,
             [self, s, x, done](caf::expected<ledger::transfer_receipt> r) {
               if (!r) {
                 auto code = ledger::code_of(r.error());
                 // An operating error leaves the intent for the poller to
                 // retry; a refusal is final.
                 if (code != ledger::errc::unavailable
                     && code != ledger::errc::overloaded
                     && code != ledger::errc::storage_failed)
                   fail(self, s, x, ledger::to_string(code), "",
                        [](const caf::error&) {});
                 done(r.error());
                 return;
               }
               auto receipt = *r;
               db_job(
                 self, s, "payments.debited",
                 [id = x.id, t = receipt.transfer_id](pqxx::connection_base& c) {
                   pqxx::work tx{c};
                   repo::set_transfer(tx, id, t);
                   tx.commit();
                 },
                 [done, receipt](std::monostate&) { done(receipt); },
                 [done](const caf::error& err) { done(err); });
             });
}

void refund(caf::event_based_actor* self, const services& s, const intent& x,
            const std::string& reason, const std::string& gateway_status,
            done_fn done) {
  move_money(self, s, x, money_move::refund, "",
             [=](caf::expected<ledger::transfer_receipt> r) {
               if (!r) {
                 done(r.error());
                 return;
               }
               db_job(
                 self, s, "payments.refunded",
                 [id = x.id, reason, gateway_status,
                  t = r->transfer_id](pqxx::connection_base& c) {
                   pqxx::work tx{c};
                   auto changed = repo::mark_failed(tx, id, reason,
                                                    gateway_status, t);
                   tx.commit();
                   return changed;
                 },
                 [done](bool) { done({}); }, done);
             });
}

void fail(caf::event_based_actor* self, const services& s, const intent& x,
          const std::string& reason, const std::string& gateway_status,
          done_fn done) {
  db_job(
    self, s, "payments.failed",
    [id = x.id, reason, gateway_status](pqxx::connection_base& c) {
      pqxx::work tx{c};
      auto changed = repo::mark_failed(tx, id, reason, gateway_status, 0);
      tx.commit();
      return changed;
    },
    [done](bool) { done({}); }, done);
}

void settle_collection(caf::event_based_actor* self, const services& s,
                       const intent& x, const gateway::record& verified,
                       const std::string& reason, done_fn done) {
  switch (verified.status) {
    case gateway::pay_status::succeeded:
      credit(self, s, x, verified, std::move(done));
      return;
    case gateway::pay_status::failed:
      fail(self, s, x, reason.empty() ? verified.raw_status : reason,
           verified.raw_status, std::move(done));
      return;
    default:
      done({});
  }
}

void expire(caf::event_based_actor* self, const services& s, const intent& x,
            done_fn done) {
  db_job(
    self, s, "payments.expired",
    [id = x.id](pqxx::connection_base& c) {
      pqxx::work tx{c};
      auto changed = repo::mark_expired(tx, id);
      tx.commit();
      return changed;
    },
    [done](bool) { done({}); }, done);
}

void mark_pending(caf::event_based_actor* self, const services& s,
                  const intent& x, const std::string& gateway_ref,
                  const std::string& checkout_url,
                  const std::string& gateway_status, done_fn done) {
  db_job(
    self, s, "payments.pending",
    [id = x.id, gateway_ref, checkout_url,
     gateway_status](pqxx::connection_base& c) {
      pqxx::work tx{c};
      repo::mark_pending(tx, id, gateway_ref, checkout_url, gateway_status);
      tx.commit();
    },
    [done](std::monostate&) { done({}); }, done);
}

void load_intent(caf::event_based_actor* self, const services& s,
                 const std::string& gateway, const std::string& ref,
                 bool by_gateway_ref,
                 std::function<void(std::optional<intent>)> found,
                 done_fn on_error) {
  db_job(
    self, s, "payments.load",
    [gateway, ref, by_gateway_ref](pqxx::connection_base& c) {
      pqxx::read_transaction tx{c};
      return by_gateway_ref ? repo::by_gateway_ref(tx, gateway, ref)
                            : repo::by_reference(tx, gateway, ref);
    },
    [found](std::optional<intent>& x) { found(std::move(x)); }, on_error);
}

std::optional<std::string> reference_for(const start_payment& req) {
  if (req.reference.empty())
    return crypto::uuid_v4();
  if (!crypto::is_uuid_v4(req.reference))
    return std::nullopt;
  return req.reference;
}

void store_intent(caf::event_based_actor* self, const services& s, intent x,
                  std::chrono::seconds ttl, std::function<void(intent&)> stored,
                  done_fn on_error) {
  db_job(
    self, s, "payments.store",
    [x = std::move(x), ttl](pqxx::connection_base& c) {
      pqxx::work tx{c};
      auto out = repo::insert_or_find(tx, x, ttl);
      tx.commit();
      return out;
    },
    [stored](intent& x) { stored(x); }, on_error);
}

caf::error make_error(errc code, std::string context) {
  return caf::error{static_cast<uint8_t>(code), error_category,
                    caf::make_message(std::move(context))};
}

std::string render_error(uint8_t code, caf::atom_value,
                         const caf::message& context) {
  static constexpr const char* names[] = {
    "none",       "invalid_request",     "unsupported",
    "refused_by_gateway", "gateway_unavailable", "storage_failed",
    "ledger_refused"};
  std::string out = "payments:";
  out += code < std::size(names) ? names[code] : "unknown";
  if (context.match_elements<std::string>()
      && !context.get_as<std::string>(0).empty())
    out += " (" + context.get_as<std::string>(0) + ")";
  return out;
}

} // namespace easymo::payments
