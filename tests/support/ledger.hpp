// Ledger helpers for tests: accounts, funding and requests in one line each.
#pragma once

#include "persistence/ledger/repository.hpp"

#include <pqxx/pqxx>

#include <string>
#include <vector>

namespace easymo::test {

/// Creates (or finds) an account in its own committed transaction.
int64_t make_account(pqxx::connection_base& c, ledger::account_kind kind,
                     const std::string& owner,
                     ledger::currency cur = ledger::currency::RWF);

/// A user's wallet, e.g. wallet(c, "250788000001").
int64_t wallet(pqxx::connection_base& c, const std::string& wa_id,
               ledger::currency cur = ledger::currency::RWF);

/// The clearing account of a gateway.
int64_t clearing(pqxx::connection_base& c, const std::string& gateway,
                 ledger::currency cur = ledger::currency::RWF);

/// A request with the fields most tests need.
ledger::transfer_request request(std::string key, int64_t debit, int64_t credit,
                                 int64_t amount,
                                 ledger::currency cur = ledger::currency::RWF,
                                 ledger::transfer_kind kind
                                 = ledger::transfer_kind::p2p);

/// Posts one request in its own committed transaction.
ledger::outcome post(pqxx::connection_base& c,
                     const ledger::transfer_request& req,
                     const ledger::policy& pol = {});

/// Posts a top-up of `amount` from `from` (a clearing account) to `to`.
ledger::outcome fund(pqxx::connection_base& c, int64_t from, int64_t to,
                     int64_t amount, const std::string& key,
                     const ledger::policy& pol = {});

/// The account's balance (0 if it does not exist).
int64_t balance_of(pqxx::connection_base& c, int64_t account);

/// The account's held amount.
int64_t held_of(pqxx::connection_base& c, int64_t account);

/// check_invariants in a read transaction of its own.
std::vector<std::string> invariant_violations(pqxx::connection_base& c);

/// One integer from `sql`.
int64_t scalar(pqxx::connection_base& c, const std::string& sql);

} // namespace easymo::test
