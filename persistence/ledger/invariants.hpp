// The ledger's invariants, checked in SQL against the whole database. The
// property test and the benchmark run them after their load; an operator may
// run them too (they only read).
#pragma once

#include <string>
#include <vector>

namespace pqxx {
class transaction_base;
} // namespace pqxx

namespace easymo::ledger {

/// Returns one line per violation; empty when the ledger is sound:
///  - money is conserved: the balances of each currency sum to zero (every
///    account starts at zero and every transfer moves money, not makes it);
///  - no account that may not go negative has a negative balance or less
///    than its holds;
///  - every balance equals its posted credits minus its posted debits, and
///    every hold equals its pending debits;
///  - the audit trail has exactly one row per change of each financial table
///    (inserts per row, updates per account version and per settled review),
///    no DELETE rows, and each account's last audit row is its current state.
std::vector<std::string> check_invariants(pqxx::transaction_base& tx);

} // namespace easymo::ledger
