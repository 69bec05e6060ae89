// The audit trail and the schema's own defences, on a real PostgreSQL: the
// database itself must refuse to rewrite history and to record impossible
// money, whatever the code above it does.
#include "persistence/ledger/repository.hpp"
#include "tests/support/ledger.hpp"
#include "tests/support/pg.hpp"

#include <boost/test/unit_test.hpp>
#include <pqxx/pqxx>

#include <set>

using namespace easymo;

namespace {

struct audit_fixture {
  test::scoped_database db{"ledger_audit"};
  pqxx::connection conn{db.url()};
  int64_t momo = test::clearing(conn, "momo");
  int64_t alice = test::wallet(conn, "250788000031");
  int64_t euro = test::wallet(conn, "250788000031", ledger::currency::EUR);

  int64_t audit_rows() {
    return test::scalar(conn, "SELECT count(*) FROM audit_log");
  }

  // Runs `sql` in its own transaction and returns the SQLSTATE it failed
  // with (pqxx 6.4 leaves some empty: then the message), or "" on success.
  std::string failure_of(const std::string& sql) {
    try {
      pqxx::work tx{conn};
      tx.exec(sql);
      tx.commit();
      return {};
    } catch (const pqxx::sql_error& e) {
      return e.sqlstate().empty() ? std::string{e.what()} : e.sqlstate();
    }
  }

  bool refused_as_append_only(const std::string& sql) {
    auto why = failure_of(sql);
    BOOST_TEST_MESSAGE(sql << ": " << why);
    return why.find("append-only") != std::string::npos;
  }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(ledger_audit, audit_fixture)

BOOST_AUTO_TEST_CASE(audit_log_refuses_update_delete_and_truncate) {
  BOOST_REQUIRE(test::fund(conn, momo, alice, 500, "a-1").ok());
  auto before = audit_rows();
  BOOST_REQUIRE_GT(before, 0);
  BOOST_CHECK(refused_as_append_only("UPDATE audit_log SET correlation_id = 'x'"));
  BOOST_CHECK(refused_as_append_only("DELETE FROM audit_log"));
  BOOST_CHECK(refused_as_append_only("TRUNCATE audit_log"));
  BOOST_CHECK_EQUAL(audit_rows(), before);
}

BOOST_AUTO_TEST_CASE(money_tables_refuse_truncate) {
  BOOST_REQUIRE(test::fund(conn, momo, alice, 500, "a-2").ok());
  BOOST_CHECK(refused_as_append_only("TRUNCATE ledger_transfers CASCADE"));
  BOOST_CHECK(refused_as_append_only("TRUNCATE ledger_accounts CASCADE"));
  BOOST_CHECK_EQUAL(test::scalar(conn, "SELECT count(*) FROM ledger_transfers"),
                    1);
}

BOOST_AUTO_TEST_CASE(every_write_is_audited_with_its_correlation_id) {
  auto req = test::request("a-3", momo, alice, 700, ledger::currency::RWF,
                           ledger::transfer_kind::topup);
  req.correlation_id = "wamid.HBgM123";
  auto out = test::post(conn, req);
  BOOST_REQUIRE(out.ok());
  pqxx::read_transaction tx{conn};
  auto row = tx.exec1(
    "SELECT operation, correlation_id, new_row ->> 'amount' FROM audit_log"
    " WHERE table_name = 'ledger_transfers'");
  BOOST_CHECK_EQUAL(row[0].as<std::string>(), "INSERT");
  BOOST_CHECK_EQUAL(row[1].as<std::string>(), "wamid.HBgM123");
  BOOST_CHECK_EQUAL(row[2].as<std::string>(), "700");
  auto accounts = tx.exec(
    "SELECT changed_fields, (new_row ->> 'balance')::bigint"
    " - (old_row ->> 'balance')::bigint FROM audit_log"
    " WHERE table_name = 'ledger_accounts' AND operation = 'UPDATE'"
    " ORDER BY id");
  BOOST_REQUIRE_EQUAL(accounts.size(), 2u);
  // Each account change names the columns it changed and moves the amount.
  std::set<int64_t> moves;
  for (auto r : accounts) {
    BOOST_CHECK(r[0].as<std::string>().find("balance") != std::string::npos);
    BOOST_CHECK(r[0].as<std::string>().find("version") != std::string::npos);
    moves.insert(r[1].as<int64_t>());
  }
  BOOST_CHECK(moves == (std::set<int64_t>{-700, 700}));
}

BOOST_AUTO_TEST_CASE(an_approval_is_audited_under_the_admins_correlation_id) {
  ledger::policy pol;
  pol.review_threshold_major = 100;
  auto held = test::post(conn, test::request("a-4", momo, alice, 5'000), pol);
  BOOST_REQUIRE(held.ok());
  {
    pqxx::work tx{conn};
    BOOST_REQUIRE(ledger::repo::approve(tx, held.transfer_id, "ops", "admin-7").ok());
    tx.commit();
  }
  pqxx::read_transaction tx{conn};
  auto row = tx.exec1("SELECT correlation_id, changed_fields::text FROM audit_log"
                      " WHERE table_name = 'ledger_transfers'"
                      " AND operation = 'UPDATE'");
  BOOST_CHECK_EQUAL(row[0].as<std::string>(), "admin-7");
  BOOST_CHECK_EQUAL(row[1].as<std::string>(), "{posted_at,status}");
  BOOST_CHECK_EQUAL(
    tx.exec1("SELECT count(*) FROM audit_log WHERE table_name = 'ledger_reviews'"
             " AND operation = 'UPDATE' AND correlation_id = 'admin-7'")[0]
      .as<int>(),
    1);
}

BOOST_AUTO_TEST_CASE(the_schema_refuses_an_overdraft_the_code_let_through) {
  BOOST_REQUIRE(test::fund(conn, momo, alice, 500, "a-5").ok());
  BOOST_CHECK_EQUAL(failure_of("UPDATE ledger_accounts SET balance = -1 WHERE id = "
                               + std::to_string(alice)),
                    "23514");
  BOOST_CHECK_EQUAL(failure_of("UPDATE ledger_accounts SET held = 501 WHERE id = "
                               + std::to_string(alice)),
                    "23514");
  // A wallet can never be made to allow negative balances.
  BOOST_CHECK_EQUAL(failure_of("UPDATE ledger_accounts SET allow_negative = true"
                               " WHERE id = " + std::to_string(alice)),
                    "23514");
  BOOST_CHECK_EQUAL(test::balance_of(conn, alice), 500);
}

BOOST_AUTO_TEST_CASE(the_schema_refuses_a_transfer_across_currencies) {
  auto sql = "INSERT INTO ledger_transfers (idempotency_key, kind,"
             " debit_account_id, credit_account_id, amount, currency, status)"
             " VALUES ('x-1', 'p2p', "
             + std::to_string(alice) + ", " + std::to_string(euro)
             + ", 10, 'RWF', 'pending')";
  BOOST_CHECK_EQUAL(failure_of(sql), "23503");
  // The code refuses it first, and stores why.
  auto out = test::post(conn, test::request("x-2", alice, euro, 10));
  BOOST_CHECK(out.error == ledger::errc::currency_mismatch);
}

BOOST_AUTO_TEST_SUITE_END()
