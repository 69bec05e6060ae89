// Structured logging: one JSON object per line on stderr.
//
// Every string that reaches the log is scrubbed first: phone-number-like digit
// runs are masked (2507****3456) and registered secrets are redacted, so a
// careless call site cannot leak either.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace easymo::log {

enum class level : int { debug = 0, info = 1, warn = 2, error = 3, off = 4 };

/// Parses "debug", "info", "warn", "error" or "off".
bool parse_level(std::string_view text, level& out);

/// Sets the minimum level and the file descriptor lines are written to.
void configure(level min, int fd = 2);

/// Returns whether a line at `lvl` would be written.
bool enabled(level lvl);

/// Registers a secret; it is replaced by "[redacted]" wherever it appears.
/// Secrets shorter than 4 characters are ignored to avoid redacting noise.
void add_secret(std::string secret);

/// Forgets every registered secret (tests only).
void clear_secrets();

/// Masks a phone number: keeps the first and last four digits.
std::string mask_phone(std::string_view phone);

/// Masks digit runs of 9 to 15 characters and redacts secrets.
std::string scrub(std::string_view text);

/// Writes one line. `cid` is the correlation id (a wamid or a request id).
void write(level lvl, std::string_view component, std::string_view msg,
           const nlohmann::json& fields = nullptr, std::string_view cid = {});

inline void debug(std::string_view component, std::string_view msg,
                  const nlohmann::json& fields = nullptr,
                  std::string_view cid = {}) {
  if (enabled(level::debug))
    write(level::debug, component, msg, fields, cid);
}

inline void info(std::string_view component, std::string_view msg,
                 const nlohmann::json& fields = nullptr,
                 std::string_view cid = {}) {
  if (enabled(level::info))
    write(level::info, component, msg, fields, cid);
}

inline void warn(std::string_view component, std::string_view msg,
                 const nlohmann::json& fields = nullptr,
                 std::string_view cid = {}) {
  if (enabled(level::warn))
    write(level::warn, component, msg, fields, cid);
}

inline void error(std::string_view component, std::string_view msg,
                  const nlohmann::json& fields = nullptr,
                  std::string_view cid = {}) {
  if (enabled(level::error))
    write(level::error, component, msg, fields, cid);
}

/// Renders one log line without writing it (used by write and by tests).
std::string format_line(level lvl, std::string_view component,
                        std::string_view msg, const nlohmann::json& fields,
                        std::string_view cid);

} // namespace easymo::log
