// Civil time for schedules: days in Africa/Kigali (UTC+2, no DST), day
// bounds, and the next 06:00, including a zone with DST transitions to show
// the rule for skipped and repeated local times.
#include "runtime/clock.hpp"

#include <boost/test/unit_test.hpp>

#include <date/date.h>

using namespace easymo;
using namespace std::chrono_literals;

namespace {

wall_time utc(int y, unsigned m, unsigned d, int hh, int mm, int ss = 0) {
  return date::sys_days{date::year{y} / m / d} + std::chrono::hours{hh}
         + std::chrono::minutes{mm} + std::chrono::seconds{ss};
}

} // namespace

BOOST_AUTO_TEST_CASE(a_kigali_day_starts_at_22_utc) {
  BOOST_CHECK_EQUAL(local_day(utc(2026, 11, 19, 21, 59, 59), "Africa/Kigali"),
                    "2026-11-19");
  BOOST_CHECK_EQUAL(local_day(utc(2026, 11, 19, 22, 0), "Africa/Kigali"),
                    "2026-11-20");
  auto [from, to] = day_bounds("2026-11-20", "Africa/Kigali");
  BOOST_CHECK_EQUAL(rfc3339_utc(from), "2026-11-19T22:00:00Z");
  BOOST_CHECK_EQUAL(rfc3339_utc(to), "2026-11-20T22:00:00Z");
}

BOOST_AUTO_TEST_CASE(days_step_across_months_and_years) {
  BOOST_CHECK_EQUAL(*previous_day("2026-03-01"), "2026-02-28");
  BOOST_CHECK_EQUAL(*previous_day("2028-03-01"), "2028-02-29");
  BOOST_CHECK_EQUAL(*next_day("2026-12-31"), "2027-01-01");
  BOOST_CHECK(!previous_day("2026-02-30"));
  BOOST_CHECK(!valid_day("2026-1-5"));
  BOOST_CHECK(!valid_day("yesterday"));
  BOOST_CHECK(valid_day("2026-11-20"));
}

BOOST_AUTO_TEST_CASE(the_next_six_oclock_in_kigali) {
  // 05:59:59 local is 03:59:59 UTC: the run is one second away.
  auto next = next_local_time(utc(2026, 11, 20, 3, 59, 59), 6, 0, "Africa/Kigali");
  BOOST_CHECK_EQUAL(rfc3339_utc(next), "2026-11-20T04:00:00Z");
  // At 06:00 exactly the next one is tomorrow's: strictly after now.
  auto after = next_local_time(utc(2026, 11, 20, 4, 0), 6, 0, "Africa/Kigali");
  BOOST_CHECK_EQUAL(rfc3339_utc(after), "2026-11-21T04:00:00Z");
}

BOOST_AUTO_TEST_CASE(dst_gaps_and_repeats_are_resolved) {
  // Europe/Paris skips 02:00-03:00 on 2026-03-29: 02:30 becomes 03:00 CEST.
  auto gap = next_local_time(utc(2026, 3, 28, 23, 0), 2, 30, "Europe/Paris");
  BOOST_CHECK_EQUAL(rfc3339_utc(gap), "2026-03-29T01:00:00Z");
  // 2026-10-25 has 02:30 twice; the first (CEST, UTC+2) counts.
  auto twice = next_local_time(utc(2026, 10, 24, 23, 0), 2, 30, "Europe/Paris");
  BOOST_CHECK_EQUAL(rfc3339_utc(twice), "2026-10-25T00:30:00Z");
}

BOOST_AUTO_TEST_CASE(statement_times_are_read_as_local_time) {
  auto t = parse_local("2026-11-20 14:03:11", "Africa/Kigali");
  BOOST_REQUIRE(t);
  BOOST_CHECK_EQUAL(rfc3339_utc(*t), "2026-11-20T12:03:11Z");
  BOOST_CHECK(!parse_local("20/11/2026", "Africa/Kigali"));
}

BOOST_AUTO_TEST_CASE(zones_are_checked_against_tzdata) {
  BOOST_CHECK(known_time_zone("Africa/Kigali"));
  BOOST_CHECK(!known_time_zone("Africa/Atlantis"));
}
