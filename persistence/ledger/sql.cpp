#include "persistence/ledger/sql.hpp"

#include <cassert>
#include <map>

namespace easymo::ledger::sql {

namespace {

std::string quote_or_null(pqxx::transaction_base& tx, const std::string& s) {
  return s.empty() ? std::string{"NULL"} : tx.quote(s);
}

currency currency_of(const pqxx::field& f) {
  auto c = parse_currency(f.as<std::string>());
  // The schema's foreign key only admits the currencies the code knows.
  assert(c.has_value());
  return c.value_or(currency::RWF);
}

} // namespace

transfer_request request_from_row(const pqxx::row& row) {
  transfer_request req;
  req.key = row[2].as<std::string>();
  req.kind = parse_transfer_kind(row[4].as<std::string>())
               .value_or(transfer_kind::adjustment);
  req.debit = row[5].as<int64_t>();
  req.credit = row[6].as<int64_t>();
  req.amount = row[7].as<int64_t>();
  // A rejection may name a currency the accounts did not have; it was valid
  // as a request, so it parses.
  req.cur = currency_of(row[8]);
  req.gateway = row[9].as<std::string>();
  req.external_ref = row[10].as<std::string>();
  return req;
}

account_state account_from_row(const pqxx::row& row) {
  account_state st;
  st.id = row[0].as<int64_t>();
  st.kind = parse_account_kind(row[1].as<std::string>())
              .value_or(account_kind::wallet);
  st.cur = currency_of(row[2]);
  st.allow_negative = row[3].as<bool>();
  st.balance = row[4].as<int64_t>();
  st.held = row[5].as<int64_t>();
  if (!row[6].is_null())
    st.daily_limit = row[6].as<int64_t>();
  st.day_debited = row[7].as<int64_t>();
  return st;
}

transfer_record record_from_row(const pqxx::row& row, int first) {
  auto at = [&](int i) { return row[first + i]; };
  transfer_record t;
  t.id = at(0).as<int64_t>();
  t.key = at(1).as<std::string>();
  t.kind = parse_transfer_kind(at(2).as<std::string>())
             .value_or(transfer_kind::adjustment);
  t.debit = at(3).as<int64_t>();
  t.credit = at(4).as<int64_t>();
  t.amount = at(5).as<int64_t>();
  t.cur = currency_of(at(6));
  t.status = parse_transfer_status(at(7).as<std::string>())
               .value_or(transfer_status::pending);
  t.gateway = at(8).as<std::string>();
  t.external_ref = at(9).as<std::string>();
  t.metadata = at(10).as<std::string>();
  t.correlation_id = at(11).as<std::string>();
  t.created_at = at(12).as<std::string>();
  return t;
}

std::string set_correlation(pqxx::transaction_base& tx,
                            const std::string& cid) {
  // is_local = true: the id ends with the transaction (or the savepoint).
  return "SELECT set_config('easymo.correlation_id', " + tx.quote(cid)
         + ", true);";
}

std::string account_update(const account_change& c) {
  if (c.balance == 0 && c.held == 0 && !c.day_debited)
    return {};
  // Relative updates for money: the CHECK constraints then judge the result
  // the database computes, not a number the code computed.
  std::string out = "UPDATE ledger_accounts SET balance = balance + "
                    + std::to_string(c.balance) + ", held = held + "
                    + std::to_string(c.held);
  if (c.day_debited)
    out += ", usage_day = " EASYMO_LEDGER_TODAY ", day_debited = "
           + std::to_string(*c.day_debited);
  out += ", version = version + 1, updated_at = now() WHERE id = "
         + std::to_string(c.account) + ";";
  return out;
}

namespace {

std::string transfer_values(pqxx::transaction_base& tx,
                            const transfer_request& req, int64_t id,
                            transfer_status status) {
  return "(" + std::to_string(id) + ", " + tx.quote(req.key) + ", '"
         + to_string(req.kind) + "', " + std::to_string(req.debit) + ", "
         + std::to_string(req.credit) + ", " + std::to_string(req.amount)
         + ", '" + std::string{code(req.cur)} + "', '" + to_string(status)
         + "', " + quote_or_null(tx, req.gateway) + ", "
         + quote_or_null(tx, req.external_ref) + ", "
         + (req.metadata.empty() ? std::string{"'{}'"} : tx.quote(req.metadata))
         + ", " + quote_or_null(tx, req.correlation_id) + ", "
         + (status == transfer_status::posted ? "now()" : "NULL") + ")";
}

constexpr const char* insert_transfer_head =
  "INSERT INTO ledger_transfers (id, idempotency_key, kind,"
  " debit_account_id, credit_account_id, amount, currency, status, gateway,"
  " external_ref, metadata, correlation_id, posted_at) VALUES ";

constexpr const char* insert_review_head =
  "INSERT INTO ledger_reviews (transfer_id, reason) VALUES ";

std::string review_values(int64_t id) {
  return "(" + std::to_string(id) + ", 'above_review_threshold')";
}

} // namespace

std::string transfer_statements(pqxx::transaction_base& tx,
                                const transfer_request& req, int64_t id,
                                const decision& d) {
  auto out = set_correlation(tx, req.correlation_id) + insert_transfer_head
             + transfer_values(tx, req, id, d.status) + ";";
  if (d.status == transfer_status::pending)
    out += insert_review_head + review_values(id) + ";";
  return out + account_update(d.debit) + account_update(d.credit);
}

std::string batch_statements(pqxx::transaction_base& tx,
                             const std::vector<decided>& all) {
  assert(!all.empty());
  std::string transfers = insert_transfer_head;
  std::string reviews;
  // Net change per account; day_debited is absolute, so the last one wins.
  std::map<int64_t, account_change> net;
  for (auto& x : all) {
    if (&x != &all.front())
      transfers += ", ";
    transfers += transfer_values(tx, *x.req, x.id, x.d->status);
    if (x.d->status == transfer_status::pending)
      reviews += (reviews.empty() ? insert_review_head : ", ")
                 + review_values(x.id);
    for (auto* c : {&x.d->debit, &x.d->credit}) {
      auto& sum = net[c->account];
      sum.account = c->account;
      sum.balance += c->balance;
      sum.held += c->held;
      if (c->day_debited)
        sum.day_debited = c->day_debited;
    }
  }
  // Account updates come last so the accounts' audit rows follow the
  // transfers that caused them; they run under the batch's correlation id.
  std::string out = set_correlation(tx, "ledger-batch:" + std::to_string(all.front().id))
                    + transfers + ";" + (reviews.empty() ? "" : reviews + ";");
  for (auto& [id, change] : net)
    out += account_update(change);
  return out;
}

std::string insert_rejections(
  pqxx::transaction_base& tx,
  const std::vector<std::pair<const transfer_request*, errc>>& refusals) {
  assert(!refusals.empty());
  std::string out = "INSERT INTO ledger_rejections (idempotency_key, reason,"
                    " kind, debit_account_id, credit_account_id, amount,"
                    " currency, gateway, external_ref, correlation_id) VALUES ";
  for (auto& [req, reason] : refusals) {
    if (req != refusals.front().first)
      out += ", ";
    out += "(" + tx.quote(req->key) + ", '" + to_string(reason) + "', '"
           + to_string(req->kind) + "', " + std::to_string(req->debit) + ", "
           + std::to_string(req->credit) + ", " + std::to_string(req->amount)
           + ", '" + std::string{code(req->cur)} + "', "
           + quote_or_null(tx, req->gateway) + ", "
           + quote_or_null(tx, req->external_ref) + ", "
           + quote_or_null(tx, req->correlation_id) + ")";
  }
  return out + ";";
}

} // namespace easymo::ledger::sql
