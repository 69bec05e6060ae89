// Internal to the ledger actor: its database jobs and their error mapping.
// Each function starts one pool job and answers through a response promise,
// so no handler ever blocks the scheduler.
#pragma once

#include "actors/ledger/ledger.hpp"

#include <functional>

namespace pqxx {
class connection_base;
} // namespace pqxx

namespace easymo::ledger {

/// The pool to send jobs to (see ledger_state::pool); null if none runs.
caf::actor pool_of(ledger_pointer self);

/// What a failed job means for the caller: the database is down or the job
/// timed out (unavailable), the pool is full (overloaded), or the
/// transaction failed (storage_failed). In every case nothing may have been
/// committed, or all of it; a retry with the same key tells which.
errc job_error(const caf::error& err);

/// The job that posts one batch in one transaction.
std::function<std::vector<outcome>(pqxx::connection_base&)>
post_batch_job(std::vector<transfer_request> reqs, policy pol);

caf::result<int64_t> ensure_account(ledger_pointer self, account_spec& spec);

caf::result<account_balance> get_balance(ledger_pointer self, int64_t account);

caf::result<std::vector<transfer_record>>
get_movements(ledger_pointer self, int64_t account, uint32_t limit);

caf::result<transfer_receipt> settle(ledger_pointer self, int64_t transfer,
                                     bool approving, std::string admin,
                                     std::string note, std::string cid);

caf::result<transfer_record> find_by_key(ledger_pointer self, std::string key);

caf::result<transfer_record> find_by_reference(ledger_pointer self,
                                               std::string gateway,
                                               std::string ref);

} // namespace easymo::ledger
