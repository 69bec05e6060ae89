#include "runtime/log.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <shared_mutex>
#include <vector>

namespace easymo::log {

namespace {

// Digit runs shorter than this are ordinary numbers (amounts, counts, ports).
constexpr size_t phone_digits_min = 9;
constexpr size_t phone_digits_max = 15;
constexpr size_t secret_chars_min = 4;

std::atomic<int> min_level{static_cast<int>(level::info)};
std::atomic<int> out_fd{2};
std::mutex write_mtx;
std::shared_mutex secrets_mtx;
std::vector<std::string> secrets;

const char* level_name(level lvl) {
  switch (lvl) {
    case level::debug:
      return "debug";
    case level::info:
      return "info";
    case level::warn:
      return "warn";
    case level::error:
      return "error";
    default:
      return "off";
  }
}

std::string now_rfc3339() {
  using namespace std::chrono;
  auto now = system_clock::now();
  auto secs = time_point_cast<seconds>(now);
  auto ms = duration_cast<milliseconds>(now - secs).count();
  std::time_t t = system_clock::to_time_t(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  auto n = std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof(buf) - n, ".%03dZ", static_cast<int>(ms));
  return buf;
}

void redact_secrets(std::string& text) {
  std::shared_lock guard{secrets_mtx};
  for (const auto& secret : secrets) {
    for (auto pos = text.find(secret); pos != std::string::npos;
         pos = text.find(secret, pos)) {
      text.replace(pos, secret.size(), "[redacted]");
      pos += 10;
    }
  }
}

nlohmann::json scrub_json(const nlohmann::json& value) {
  if (value.is_string())
    return scrub(value.get_ref<const std::string&>());
  if (value.is_object() || value.is_array()) {
    auto copy = value;
    for (auto& item : copy)
      item = scrub_json(item);
    return copy;
  }
  return value;
}

} // namespace

bool parse_level(std::string_view text, level& out) {
  static constexpr std::pair<std::string_view, level> names[] = {
    {"debug", level::debug}, {"info", level::info}, {"warn", level::warn},
    {"error", level::error}, {"off", level::off}};
  for (auto [name, lvl] : names) {
    if (name == text) {
      out = lvl;
      return true;
    }
  }
  return false;
}

void configure(level min, int fd) {
  min_level = static_cast<int>(min);
  out_fd = fd;
}

bool enabled(level lvl) {
  return static_cast<int>(lvl) >= min_level.load(std::memory_order_relaxed);
}

void add_secret(std::string secret) {
  if (secret.size() < secret_chars_min)
    return;
  std::unique_lock guard{secrets_mtx};
  secrets.push_back(std::move(secret));
}

void clear_secrets() {
  std::unique_lock guard{secrets_mtx};
  secrets.clear();
}

std::string mask_phone(std::string_view phone) {
  std::string out{phone};
  size_t first = out.find_first_of("0123456789");
  if (first == std::string::npos)
    return out;
  size_t digits = out.size() - first;
  if (digits <= 8)
    return std::string(out.size(), '*');
  for (size_t i = first + 4; i < out.size() - 4; ++i)
    out[i] = '*';
  return out;
}

std::string scrub(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] < '0' || text[i] > '9') {
      out.push_back(text[i++]);
      continue;
    }
    size_t j = i;
    while (j < text.size() && text[j] >= '0' && text[j] <= '9')
      ++j;
    auto run = text.substr(i, j - i);
    if (run.size() >= phone_digits_min && run.size() <= phone_digits_max)
      out += mask_phone(run);
    else
      out.append(run);
    i = j;
  }
  redact_secrets(out);
  return out;
}

std::string format_line(level lvl, std::string_view component,
                        std::string_view msg, const nlohmann::json& fields,
                        std::string_view cid) {
  nlohmann::json line;
  line["ts"] = now_rfc3339();
  line["level"] = level_name(lvl);
  line["component"] = std::string{component};
  line["msg"] = scrub(msg);
  if (!cid.empty())
    line["cid"] = scrub(cid);
  if (fields.is_object()) {
    for (auto& [key, value] : fields.items())
      if (!line.contains(key))
        line[key] = scrub_json(value);
  }
  auto text = line.dump(-1, ' ', false,
                        nlohmann::json::error_handler_t::replace);
  text.push_back('\n');
  return text;
}

void write(level lvl, std::string_view component, std::string_view msg,
           const nlohmann::json& fields, std::string_view cid) {
  if (!enabled(lvl))
    return;
  auto text = format_line(lvl, component, msg, fields, cid);
  std::lock_guard guard{write_mtx};
  const char* p = text.data();
  size_t left = text.size();
  while (left > 0) {
    auto n = ::write(out_fd.load(), p, left);
    if (n <= 0)
      return; // Nowhere left to report a failing log sink.
    p += n;
    left -= static_cast<size_t>(n);
  }
}

} // namespace easymo::log
