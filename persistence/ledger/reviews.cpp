#include "persistence/ledger/reviews.hpp"

#include "persistence/ledger/money.hpp"

#include <pqxx/pqxx>

#include <algorithm>

namespace easymo::ledger::repo {

nlohmann::json open_reviews(pqxx::transaction_base& tx, size_t limit) {
  auto n = static_cast<int64_t>(std::min(limit, reviews_page_max));
  auto rows = tx.exec_params(
    "SELECT t.id, t.idempotency_key, t.kind, t.amount, t.currency,"
    " t.debit_account_id, t.credit_account_id, d.owner, c.owner,"
    " coalesce(t.gateway, ''), coalesce(t.external_ref, ''), r.reason,"
    " to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
    " FROM ledger_reviews r JOIN ledger_transfers t ON t.id = r.transfer_id"
    " JOIN ledger_accounts d ON d.id = t.debit_account_id"
    " JOIN ledger_accounts c ON c.id = t.credit_account_id"
    " WHERE r.status = 'open' ORDER BY r.created_at, t.id LIMIT $1",
    n);
  auto out = nlohmann::json::array();
  for (auto row : rows) {
    auto cur = parse_currency(row[4].as<std::string>()).value_or(currency::RWF);
    auto amount = row[3].as<int64_t>();
    out.push_back({{"transfer_id", row[0].as<int64_t>()},
                   {"key", row[1].as<std::string>()},
                   {"kind", row[2].as<std::string>()},
                   {"amount", amount},
                   {"currency", std::string{code(cur)}},
                   {"display", display(amount, cur)},
                   {"debit_account", row[5].as<int64_t>()},
                   {"credit_account", row[6].as<int64_t>()},
                   {"debit_owner", row[7].as<std::string>()},
                   {"credit_owner", row[8].as<std::string>()},
                   {"gateway", row[9].as<std::string>()},
                   {"external_ref", row[10].as<std::string>()},
                   {"reason", row[11].as<std::string>()},
                   {"created_at", row[12].as<std::string>()}});
  }
  return out;
}

} // namespace easymo::ledger::repo
