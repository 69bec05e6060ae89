#include "runtime/clock.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <sstream>

namespace easymo {

namespace {

std::optional<date::year_month_day> parse_ymd(const std::string& day) {
  if (day.size() != 10 || day[4] != '-' || day[7] != '-')
    return std::nullopt;
  std::istringstream in{day};
  date::year_month_day ymd{};
  in >> date::parse("%Y-%m-%d", ymd);
  if (in.fail() || !ymd.ok())
    return std::nullopt;
  return ymd;
}

std::string format_ymd(date::year_month_day ymd) {
  return date::format("%Y-%m-%d", ymd);
}

// A local time as an instant; a time in a DST gap becomes the moment the
// clocks jump to, an ambiguous one the earlier of the two.
wall_time to_instant(const date::time_zone* tz, date::local_seconds local) {
  auto info = tz->get_info(local);
  if (info.result == date::local_info::nonexistent)
    return info.second.begin;
  return std::chrono::time_point_cast<wall_time::duration>(
    date::sys_seconds{local.time_since_epoch() - info.first.offset});
}

} // namespace

wall_clock system_wall_clock() {
  return [] { return std::chrono::system_clock::now(); };
}

bool known_time_zone(const std::string& name) {
  try {
    return date::locate_zone(name) != nullptr;
  } catch (const std::exception&) {
    return false;
  }
}

std::string local_day(wall_time t, const std::string& zone) {
  auto zt = date::make_zoned(zone, std::chrono::floor<std::chrono::seconds>(t));
  return format_ymd(
    date::year_month_day{date::floor<date::days>(zt.get_local_time())});
}

std::optional<std::string> previous_day(const std::string& day) {
  auto ymd = parse_ymd(day);
  if (!ymd)
    return std::nullopt;
  return format_ymd(date::year_month_day{date::sys_days{*ymd} - date::days{1}});
}

std::optional<std::string> next_day(const std::string& day) {
  auto ymd = parse_ymd(day);
  if (!ymd)
    return std::nullopt;
  return format_ymd(date::year_month_day{date::sys_days{*ymd} + date::days{1}});
}

bool valid_day(const std::string& day) {
  return parse_ymd(day).has_value();
}

std::pair<wall_time, wall_time> day_bounds(const std::string& day,
                                           const std::string& zone) {
  auto ymd = parse_ymd(day).value();
  auto tz = date::locate_zone(zone);
  auto start = date::local_days{ymd};
  return {to_instant(tz, date::local_seconds{start}),
          to_instant(tz, date::local_seconds{start + date::days{1}})};
}

wall_time next_local_time(wall_time now, int hh, int mm,
                          const std::string& zone) {
  auto tz = date::locate_zone(zone);
  auto local_now = tz->to_local(std::chrono::floor<std::chrono::seconds>(now));
  auto today = date::floor<date::days>(local_now);
  auto at = std::chrono::hours{hh} + std::chrono::minutes{mm};
  for (auto d = today;; d += date::days{1}) {
    auto candidate = to_instant(tz, date::local_seconds{d} + at);
    if (candidate > now)
      return candidate;
  }
}

std::string rfc3339_utc(wall_time t) {
  return date::format("%Y-%m-%dT%H:%M:%SZ",
                      std::chrono::floor<std::chrono::seconds>(t));
}

std::optional<wall_time> parse_local(const std::string& text,
                                     const std::string& zone) {
  std::istringstream in{text};
  date::local_seconds local{};
  in >> date::parse("%Y-%m-%d %H:%M:%S", local);
  if (in.fail())
    return std::nullopt;
  return to_instant(date::locate_zone(zone), local);
}

} // namespace easymo
