#include "protocols/gateway/common.hpp"

#include <nlohmann/json.hpp>

#include <cmath>

namespace easymo::gateway {

answer classify(int http_status) {
  if (http_status >= 200 && http_status < 300)
    return answer::ok;
  if (http_status == 401 || http_status == 403)
    return answer::unauthorized;
  if (http_status == 404)
    return answer::not_found;
  if (http_status == 409)
    return answer::conflict;
  if (http_status == 408 || http_status == 425 || http_status == 429
      || http_status >= 500)
    return answer::retry_later;
  return answer::refused;
}

const char* to_string(answer a) {
  switch (a) {
    case answer::ok:
      return "ok";
    case answer::unauthorized:
      return "unauthorized";
    case answer::not_found:
      return "not_found";
    case answer::conflict:
      return "conflict";
    case answer::retry_later:
      return "retry_later";
    default:
      return "refused";
  }
}

std::optional<int64_t> amount_major(const nlohmann::json& value,
                                    ledger::currency cur) {
  if (value.is_string())
    return ledger::parse_major(value.get_ref<const std::string&>(), cur);
  if (value.is_number_unsigned() || value.is_number_integer()) {
    auto major = value.get<int64_t>();
    if (major <= 0)
      return std::nullopt;
    return ledger::parse_major(std::to_string(major), cur);
  }
  if (value.is_number_float()) {
    auto x = value.get<double>();
    // 2^53: beyond it a double no longer holds every integer.
    if (!(x > 0) || x >= 9007199254740992.0 || std::floor(x) != x)
      return std::nullopt;
    return ledger::parse_major(std::to_string(static_cast<int64_t>(x)), cur);
  }
  return std::nullopt;
}

std::optional<int64_t> amount_minor(const nlohmann::json& value) {
  if (value.is_number_unsigned() || value.is_number_integer()) {
    auto minor = value.get<int64_t>();
    if (minor <= 0 || minor > ledger::amount_minor_max)
      return std::nullopt;
    return minor;
  }
  if (value.is_string()) {
    // parse_major of a currency without decimals reads plain digits.
    return ledger::parse_major(value.get_ref<const std::string&>(),
                               ledger::currency::RWF);
  }
  return std::nullopt;
}

std::string string_at(const nlohmann::json& obj, std::string_view key) {
  if (!obj.is_object())
    return {};
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string())
    return {};
  return it->get<std::string>();
}

const char* to_string(pay_status s) {
  switch (s) {
    case pay_status::pending:
      return "pending";
    case pay_status::succeeded:
      return "succeeded";
    default:
      return "failed";
  }
}

} // namespace easymo::gateway
