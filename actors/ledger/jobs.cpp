#include "actors/ledger/jobs.hpp"

#include "persistence/db/query.hpp"
#include "runtime/directory.hpp"

#include <caf/all.hpp>

#include <pqxx/pqxx>

namespace easymo::ledger {

namespace {

// Runs `fn` (returning caf::expected<T>) as a pool job and answers the
// current request with its value or error.
template <class T, class Fn>
caf::result<T> run_job(ledger_pointer self, const char* label, Fn fn) {
  auto pool = pool_of(self);
  if (!pool)
    return make_error(errc::unavailable, label);
  auto rp = self->make_response_promise<T>();
  db::query(self, pool, label, std::move(fn), self->state.opts.db_timeout)
    .then(
      [rp](caf::expected<T>& value) mutable {
        if (value)
          rp.deliver(std::move(*value));
        else
          rp.deliver(value.error());
      },
      [rp, label](caf::error& err) mutable {
        rp.deliver(make_error(job_error(err), label));
      });
  return rp;
}

template <class T>
caf::expected<T> found(std::optional<T> x, errc otherwise) {
  if (x)
    return std::move(*x);
  return make_error(otherwise);
}

} // namespace

caf::actor pool_of(ledger_pointer self) {
  if (self->state.pool)
    return self->state.pool;
  return directory::get(self->system(), directory::db_pool);
}

errc job_error(const caf::error& err) {
  if (db::is(err, db::errc::overloaded))
    return errc::overloaded;
  if (db::is(err, db::errc::query_failed))
    return errc::storage_failed;
  // db unavailable, a request timeout or a pool that died: the database
  // cannot be reached right now.
  return errc::unavailable;
}

std::function<std::vector<outcome>(pqxx::connection_base&)>
post_batch_job(std::vector<transfer_request> reqs, policy pol) {
  return [reqs = std::move(reqs), pol](pqxx::connection_base& c) {
    pqxx::work tx{c};
    auto outs = repo::post_batch(tx, reqs, pol);
    tx.commit();
    return outs;
  };
}

caf::result<int64_t> ensure_account(ledger_pointer self, account_spec& spec) {
  if (!valid(spec))
    return make_error(errc::invalid_account, spec.owner);
  return run_job<int64_t>(self, "ledger.account",
                          [spec](pqxx::connection_base& c) {
                            pqxx::work tx{c};
                            auto id = repo::ensure_account(tx, spec);
                            tx.commit();
                            return caf::expected<int64_t>{id};
                          });
}

caf::result<account_balance> get_balance(ledger_pointer self, int64_t account) {
  return run_job<account_balance>(
    self, "ledger.balance", [account](pqxx::connection_base& c) {
      pqxx::read_transaction tx{c};
      return found(repo::balance(tx, account), errc::account_not_found);
    });
}

caf::result<std::vector<transfer_record>>
get_movements(ledger_pointer self, int64_t account, uint32_t limit) {
  using records = std::vector<transfer_record>;
  return run_job<records>(self, "ledger.movements",
                          [account, limit](pqxx::connection_base& c) {
                            pqxx::read_transaction tx{c};
                            return caf::expected<records>{
                              repo::movements(tx, account, limit)};
                          });
}

caf::result<transfer_receipt> settle(ledger_pointer self, int64_t transfer,
                                     bool approving, std::string admin,
                                     std::string note, std::string cid) {
  return run_job<transfer_receipt>(
    self, approving ? "ledger.approve" : "ledger.reject",
    [=](pqxx::connection_base& c) -> caf::expected<transfer_receipt> {
      pqxx::work tx{c};
      auto out = approving ? repo::approve(tx, transfer, admin, cid)
                           : repo::reject(tx, transfer, admin, note, cid);
      tx.commit();
      if (!out.ok())
        return make_error(out.error, std::to_string(transfer));
      return transfer_receipt{out.key, out.transfer_id, out.status,
                              out.replayed};
    });
}

caf::result<transfer_record> find_by_key(ledger_pointer self, std::string key) {
  return run_job<transfer_record>(
    self, "ledger.by_key", [key](pqxx::connection_base& c) {
      pqxx::read_transaction tx{c};
      return found(repo::find_by_key(tx, key), errc::transfer_not_found);
    });
}

caf::result<transfer_record> find_by_reference(ledger_pointer self,
                                               std::string gateway,
                                               std::string ref) {
  return run_job<transfer_record>(
    self, "ledger.by_ref", [gateway, ref](pqxx::connection_base& c) {
      pqxx::read_transaction tx{c};
      return found(repo::find_by_reference(tx, gateway, ref),
                   errc::transfer_not_found);
    });
}

} // namespace easymo::ledger
