// The ledger's pure rules without a database: amounts and currencies,
// request validation, decisions against account states, holds, limits and
// the lock order.
#include "persistence/ledger/core.hpp"

#include <boost/test/unit_test.hpp>

#include <limits>

using namespace easymo::ledger;

namespace {

account_state wallet(int64_t id, int64_t balance, currency cur = currency::RWF) {
  account_state st;
  st.id = id;
  st.cur = cur;
  st.balance = balance;
  return st;
}

account_state clearing(int64_t id, currency cur = currency::RWF) {
  auto st = wallet(id, 0, cur);
  st.kind = account_kind::clearing;
  st.allow_negative = true;
  return st;
}

transfer_request req(int64_t debit, int64_t credit, int64_t amount,
                     currency cur = currency::RWF) {
  transfer_request r;
  r.key = "k";
  r.debit = debit;
  r.credit = credit;
  r.amount = amount;
  r.cur = cur;
  return r;
}

} // namespace

BOOST_AUTO_TEST_SUITE(ledger_money)

BOOST_AUTO_TEST_CASE(currencies_have_their_exponents) {
  BOOST_CHECK_EQUAL(exponent(currency::RWF), 0);
  BOOST_CHECK_EQUAL(exponent(currency::XOF), 0);
  BOOST_CHECK_EQUAL(exponent(currency::EUR), 2);
  BOOST_CHECK(parse_currency("XOF") == currency::XOF);
  BOOST_CHECK(!parse_currency("USD"));
  BOOST_CHECK(!parse_currency("rwf"));
}

BOOST_AUTO_TEST_CASE(major_units_parse_to_minor_units) {
  BOOST_CHECK(parse_major("5000", currency::RWF) == 5000);
  BOOST_CHECK(parse_major("12.50", currency::EUR) == 1250);
  BOOST_CHECK(parse_major("12.5", currency::EUR) == 1250);
  BOOST_CHECK(parse_major("0.01", currency::EUR) == 1);
  BOOST_CHECK(parse_major("1000000000000000", currency::RWF) == amount_minor_max);
  for (auto bad : {"", "0", "0.00", "-5", "+5", "5.", ".5", "5,000", "5 000",
                   "12.345", "1e3", "abc", "1000000000000001",
                   "99999999999999999999"})
    BOOST_CHECK_MESSAGE(!parse_major(bad, currency::EUR), bad);
  BOOST_CHECK(!parse_major("12.5", currency::RWF));
  BOOST_CHECK(!parse_major("10000000000000.01", currency::EUR));
}

BOOST_AUTO_TEST_CASE(minor_units_format_as_major_units) {
  BOOST_CHECK_EQUAL(format_major(5000, currency::RWF), "5000");
  BOOST_CHECK_EQUAL(format_major(1250, currency::EUR), "12.50");
  BOOST_CHECK_EQUAL(format_major(5, currency::EUR), "0.05");
  BOOST_CHECK_EQUAL(format_major(-1, currency::EUR), "-0.01");
  BOOST_CHECK_EQUAL(format_major(std::numeric_limits<int64_t>::min(),
                                 currency::XOF),
                    "-9223372036854775808");
  BOOST_CHECK_EQUAL(display(1234567, currency::RWF), "1,234,567 RWF");
  BOOST_CHECK_EQUAL(display(123450, currency::EUR), "1,234.50 EUR");
  BOOST_CHECK_EQUAL(display(-100000, currency::XOF), "-100,000 XOF");
  BOOST_CHECK_EQUAL(display(999, currency::RWF), "999 RWF");
  // format and parse are inverses for every positive amount.
  for (int64_t v : {1, 9, 10, 99, 100, 101, 123456789})
    for (auto c : {currency::RWF, currency::EUR})
      BOOST_CHECK(parse_major(format_major(v, c), c) == v);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(ledger_rules)

BOOST_AUTO_TEST_CASE(requests_are_validated_alone) {
  BOOST_CHECK(validate(req(1, 2, 5)) == errc::none);
  auto r = req(1, 2, 5);
  r.key = "";
  BOOST_CHECK(validate(r) == errc::invalid_key);
  r.key = std::string(201, 'k');
  BOOST_CHECK(validate(r) == errc::invalid_key);
  r.key = "bad\nkey";
  BOOST_CHECK(validate(r) == errc::invalid_key);
  BOOST_CHECK(validate(req(1, 2, 0)) == errc::invalid_amount);
  BOOST_CHECK(validate(req(1, 2, -3)) == errc::invalid_amount);
  BOOST_CHECK(validate(req(1, 2, amount_minor_max + 1)) == errc::invalid_amount);
  BOOST_CHECK(validate(req(0, 2, 5)) == errc::invalid_account);
  BOOST_CHECK(validate(req(2, 2, 5)) == errc::same_account);
  r = req(1, 2, 5);
  r.gateway = "momo";
  BOOST_CHECK(validate(r) == errc::invalid_reference);
  r.external_ref = "ref";
  BOOST_CHECK(validate(r) == errc::none);
  r.metadata = "[1]";
  BOOST_CHECK(validate(r) == errc::invalid_metadata);
  r.metadata = R"({"a":1})";
  BOOST_CHECK(validate(r) == errc::none);
}

BOOST_AUTO_TEST_CASE(a_transfer_moves_money_between_states) {
  auto a = wallet(1, 1000);
  auto b = wallet(2, 0);
  auto d = decide(req(1, 2, 400), a, b, {});
  BOOST_CHECK(d.error == errc::none);
  BOOST_CHECK(d.status == transfer_status::posted);
  BOOST_CHECK_EQUAL(a.balance, 600);
  BOOST_CHECK_EQUAL(b.balance, 400);
  BOOST_CHECK_EQUAL(d.debit.balance, -400);
  BOOST_CHECK_EQUAL(d.credit.balance, 400);
  BOOST_CHECK(d.debit.day_debited == 400);
}

BOOST_AUTO_TEST_CASE(refusals_leave_the_states_alone) {
  auto a = wallet(1, 300);
  auto b = wallet(2, 0);
  BOOST_CHECK(decide(req(1, 2, 301), a, b, {}).error == errc::insufficient_funds);
  auto e = wallet(2, 0, currency::EUR);
  BOOST_CHECK(decide(req(1, 2, 10), a, e, {}).error == errc::currency_mismatch);
  BOOST_CHECK(decide(req(1, 2, 10, currency::EUR), a, e, {}).error
              == errc::currency_mismatch);
  BOOST_CHECK_EQUAL(a.balance, 300);
  BOOST_CHECK_EQUAL(a.day_debited, 0);
  BOOST_CHECK_EQUAL(b.balance, 0);
}

BOOST_AUTO_TEST_CASE(clearing_accounts_may_go_negative_and_are_not_limited) {
  auto momo = clearing(1);
  auto a = wallet(2, 0);
  policy pol;
  pol.daily_limit_major = 10;
  auto d = decide(req(1, 2, 50), momo, a, pol);
  BOOST_CHECK(d.error == errc::none);
  BOOST_CHECK_EQUAL(momo.balance, -50);
  BOOST_CHECK(!d.debit.day_debited);
}

BOOST_AUTO_TEST_CASE(the_daily_limit_counts_todays_debits) {
  policy pol;
  pol.daily_limit_major = 100; // EUR: 10,000 cents
  auto a = wallet(1, 1'000'000, currency::EUR);
  auto b = wallet(2, 0, currency::EUR);
  BOOST_CHECK(decide(req(1, 2, 6'000, currency::EUR), a, b, pol).error
              == errc::none);
  BOOST_CHECK(decide(req(1, 2, 4'001, currency::EUR), a, b, pol).error
              == errc::daily_limit_exceeded);
  BOOST_CHECK(decide(req(1, 2, 4'000, currency::EUR), a, b, pol).error
              == errc::none);
  a.daily_limit = 20'000;
  BOOST_CHECK(decide(req(1, 2, 10'000, currency::EUR), a, b, pol).error
              == errc::none);
}

BOOST_AUTO_TEST_CASE(a_transfer_above_the_threshold_is_held) {
  policy pol;
  pol.review_threshold_major = 1'000;
  auto a = wallet(1, 5'000);
  auto b = wallet(2, 0);
  BOOST_CHECK(decide(req(1, 2, 1'000), a, b, pol).status
              == transfer_status::posted);
  auto d = decide(req(1, 2, 1'001), a, b, pol);
  BOOST_CHECK(d.status == transfer_status::pending);
  BOOST_CHECK_EQUAL(d.debit.held, 1'001);
  BOOST_CHECK_EQUAL(d.credit.balance, 0);
  BOOST_CHECK_EQUAL(a.balance, 4'000);
  BOOST_CHECK_EQUAL(a.available(), 2'999);
  // The hold is not spendable.
  BOOST_CHECK(decide(req(1, 2, 3'000), a, b, pol).error
              == errc::insufficient_funds);
  transfer_record t;
  t.amount = 1'001;
  t.status = transfer_status::pending;
  auto ok = approve_held(t, a, b);
  BOOST_CHECK(ok.status == transfer_status::posted);
  BOOST_CHECK_EQUAL(a.balance, 2'999);
  BOOST_CHECK_EQUAL(a.held, 0);
  BOOST_CHECK_EQUAL(b.balance, 2'001);
}

BOOST_AUTO_TEST_CASE(rejecting_a_hold_releases_money_and_todays_usage) {
  policy pol;
  pol.review_threshold_major = 100;
  auto a = wallet(1, 500);
  auto b = wallet(2, 0);
  BOOST_REQUIRE(decide(req(1, 2, 400), a, b, pol).status
                == transfer_status::pending);
  transfer_record t;
  t.amount = 400;
  t.status = transfer_status::pending;
  auto r = reject_held(t, a, true);
  BOOST_CHECK(r.status == transfer_status::voided);
  BOOST_CHECK_EQUAL(a.held, 0);
  BOOST_CHECK_EQUAL(a.balance, 500);
  BOOST_CHECK_EQUAL(a.day_debited, 0);
  BOOST_CHECK(r.debit.day_debited == 0);
  BOOST_REQUIRE(decide(req(1, 2, 400), a, b, pol).status
                == transfer_status::pending);
  // Yesterday's hold: today's usage is not touched.
  auto y = reject_held(t, a, false);
  BOOST_CHECK(!y.debit.day_debited);
  BOOST_CHECK_EQUAL(a.day_debited, 400);
}

BOOST_AUTO_TEST_CASE(a_credit_that_would_overflow_is_refused_not_wrapped) {
  constexpr auto max = std::numeric_limits<int64_t>::max();
  // The figures UBSan caught: 9223372036854775707 + 500.
  auto a = wallet(1, 1'000);
  auto revenue = wallet(2, max - 100);
  revenue.kind = account_kind::revenue;
  revenue.allow_negative = true;
  auto d = decide(req(1, 2, 500), a, revenue, {});
  BOOST_CHECK(d.error == errc::balance_overflow);
  BOOST_CHECK_EQUAL(a.balance, 1'000);
  BOOST_CHECK_EQUAL(a.day_debited, 0);
  BOOST_CHECK_EQUAL(revenue.balance, max - 100);
  // Exactly up to the bound still posts.
  BOOST_CHECK(decide(req(1, 2, 100), a, revenue, {}).error == errc::none);
  BOOST_CHECK_EQUAL(revenue.balance, max);
}

BOOST_AUTO_TEST_CASE(a_debit_that_would_underflow_is_refused_not_wrapped) {
  constexpr auto min = std::numeric_limits<int64_t>::min();
  auto momo = clearing(1);
  momo.balance = min + 10;
  auto a = wallet(2, 0);
  BOOST_CHECK(decide(req(1, 2, 11), momo, a, {}).error
              == errc::balance_overflow);
  BOOST_CHECK_EQUAL(momo.balance, min + 10);
  BOOST_CHECK_EQUAL(a.balance, 0);
  BOOST_CHECK(decide(req(1, 2, 10), momo, a, {}).error == errc::none);
  BOOST_CHECK_EQUAL(momo.balance, min);
}

BOOST_AUTO_TEST_CASE(approving_a_hold_that_would_overflow_keeps_it_held) {
  constexpr auto max = std::numeric_limits<int64_t>::max();
  policy pol;
  pol.review_threshold_major = 100;
  auto a = wallet(1, 1'000);
  auto b = wallet(2, 0);
  BOOST_REQUIRE(decide(req(1, 2, 500), a, b, pol).status
                == transfer_status::pending);
  b.balance = max - 499; // Credited meanwhile by others.
  transfer_record t;
  t.amount = 500;
  t.status = transfer_status::pending;
  auto d = approve_held(t, a, b);
  BOOST_CHECK(d.error == errc::balance_overflow);
  BOOST_CHECK(d.status == transfer_status::pending);
  BOOST_CHECK_EQUAL(a.held, 500);
  BOOST_CHECK_EQUAL(a.balance, 1'000);
  BOOST_CHECK_EQUAL(b.balance, max - 499);
  BOOST_CHECK_EQUAL(to_string(errc::balance_overflow), "balance_overflow");
}

BOOST_AUTO_TEST_CASE(accounts_lock_in_ascending_order_once_each) {
  std::vector<transfer_request> reqs{req(9, 3, 1), req(3, 9, 1), req(5, 1, 1)};
  BOOST_CHECK((lock_order(reqs) == std::vector<int64_t>{1, 3, 5, 9}));
  auto names = lock_names(reqs);
  BOOST_CHECK_EQUAL(names.size(), 3u);
  reqs[0].gateway = "momo";
  reqs[0].external_ref = "r";
  BOOST_CHECK_EQUAL(lock_names(reqs).size(), 4u);
  BOOST_CHECK_EQUAL(lock_names(reqs)[1], "ref:momo:r");
}

BOOST_AUTO_TEST_CASE(errors_have_names_that_round_trip) {
  for (int i = 1; i <= static_cast<int>(errc::balance_overflow); ++i) {
    auto code = static_cast<errc>(i);
    BOOST_CHECK(parse_errc(to_string(code)) == code);
  }
  auto err = make_error(errc::insufficient_funds, "k-1");
  BOOST_CHECK(code_of(err) == errc::insufficient_funds);
  BOOST_CHECK_EQUAL(render_error(err.code(), err.category(), err.context()),
                    "ledger:insufficient_funds (k-1)");
  BOOST_CHECK(code_of(caf::error{}) == errc::none);
  BOOST_CHECK(parse_transfer_kind("topup") == transfer_kind::topup);
  BOOST_CHECK(!parse_account_kind("bank"));
}

BOOST_AUTO_TEST_SUITE_END()
