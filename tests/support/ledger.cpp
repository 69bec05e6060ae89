#include "tests/support/ledger.hpp"

#include "persistence/ledger/invariants.hpp"

namespace easymo::test {

int64_t make_account(pqxx::connection_base& c, ledger::account_kind kind,
                     const std::string& owner, ledger::currency cur) {
  pqxx::work tx{c};
  auto id = ledger::repo::ensure_account(tx, {kind, owner, cur});
  tx.commit();
  return id;
}

int64_t wallet(pqxx::connection_base& c, const std::string& wa_id,
               ledger::currency cur) {
  return make_account(c, ledger::account_kind::wallet, wa_id, cur);
}

int64_t clearing(pqxx::connection_base& c, const std::string& gateway,
                 ledger::currency cur) {
  return make_account(c, ledger::account_kind::clearing, gateway, cur);
}

ledger::transfer_request request(std::string key, int64_t debit, int64_t credit,
                                 int64_t amount, ledger::currency cur,
                                 ledger::transfer_kind kind) {
  ledger::transfer_request req;
  req.key = std::move(key);
  req.kind = kind;
  req.debit = debit;
  req.credit = credit;
  req.amount = amount;
  req.cur = cur;
  return req;
}

ledger::outcome post(pqxx::connection_base& c,
                     const ledger::transfer_request& req,
                     const ledger::policy& pol) {
  pqxx::work tx{c};
  auto out = ledger::repo::post(tx, req, pol);
  tx.commit();
  return out;
}

ledger::outcome fund(pqxx::connection_base& c, int64_t from, int64_t to,
                     int64_t amount, const std::string& key,
                     const ledger::policy& pol) {
  return post(c, request(key, from, to, amount, ledger::currency::RWF,
                         ledger::transfer_kind::topup),
              pol);
}

int64_t balance_of(pqxx::connection_base& c, int64_t account) {
  pqxx::read_transaction tx{c};
  auto b = ledger::repo::balance(tx, account);
  return b ? b->balance : 0;
}

int64_t held_of(pqxx::connection_base& c, int64_t account) {
  pqxx::read_transaction tx{c};
  auto b = ledger::repo::balance(tx, account);
  return b ? b->held : 0;
}

std::vector<std::string> invariant_violations(pqxx::connection_base& c) {
  pqxx::read_transaction tx{c};
  return ledger::check_invariants(tx);
}

int64_t scalar(pqxx::connection_base& c, const std::string& sql) {
  pqxx::read_transaction tx{c};
  return tx.exec1(sql)[0].as<int64_t>();
}

} // namespace easymo::test
