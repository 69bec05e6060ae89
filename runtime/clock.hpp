// Wall-clock time behind an injectable function, and the civil-time helpers
// that schedules need (time zones via howardhinnant date/tz and the system's
// tzdata). Tests freeze and advance the clock instead of sleeping; the daily
// reconciliation at 06:00 Africa/Kigali is computed here.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <utility>

namespace easymo {

using wall_time = std::chrono::system_clock::time_point;

/// Where an actor reads the time of day. Production passes
/// system_wall_clock(); tests pass a function over a value they move.
using wall_clock = std::function<wall_time()>;

wall_clock system_wall_clock();

/// Whether tzdata knows the IANA zone `name` ("Africa/Kigali").
bool known_time_zone(const std::string& name);

/// The calendar day of `t` in `zone`, as "YYYY-MM-DD".
std::string local_day(wall_time t, const std::string& zone);

/// The day before `day` ("2026-11-20" -> "2026-11-19"); nothing for a
/// string that is not a valid date.
std::optional<std::string> previous_day(const std::string& day);

/// The day after `day`.
std::optional<std::string> next_day(const std::string& day);

/// Whether `day` is a valid "YYYY-MM-DD".
bool valid_day(const std::string& day);

/// [start, end) of `day` in `zone`, as instants.
std::pair<wall_time, wall_time> day_bounds(const std::string& day,
                                           const std::string& zone);

/// The first instant strictly after `now` whose local time in `zone` is
/// `hh:mm` (with DST, the first such instant; a skipped local time is taken
/// as the instant the clocks jump to).
wall_time next_local_time(wall_time now, int hh, int mm,
                          const std::string& zone);

/// "2026-11-20T04:00:00Z" (seconds precision, UTC).
std::string rfc3339_utc(wall_time t);

/// "2026-11-20 14:03:11" local to `zone` as an instant; nothing when it is
/// not that format.
std::optional<wall_time> parse_local(const std::string& text,
                                     const std::string& zone);

} // namespace easymo
