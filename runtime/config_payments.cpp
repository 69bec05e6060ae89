// The payments part of the configuration: gateways, their endpoints, the
// poller, reconciliation, and which gateway needs which secret.
#include "runtime/config.hpp"

#include "runtime/clock.hpp"

#include <caf/config_option_adder.hpp>

#include <array>
#include <sstream>

namespace easymo {

namespace {

constexpr std::array<std::string_view, 4> known_gateways{"momo_ussd", "momo",
                                                          "paydunya", "revolut"};

bool known_gateway(std::string_view name) {
  for (auto g : known_gateways)
    if (g == name)
      return true;
  return false;
}

bool valid_time_of_day(const std::string& text) {
  if (text.size() != 5 || text[2] != ':')
    return false;
  for (auto i : {0, 1, 3, 4})
    if (text[static_cast<size_t>(i)] < '0' || text[static_cast<size_t>(i)] > '9')
      return false;
  auto hh = std::stoi(text.substr(0, 2));
  auto mm = std::stoi(text.substr(3, 2));
  return hh < 24 && mm < 60;
}

bool is_http_url(const std::string& url) {
  return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
}

} // namespace

bool settings::gateway_enabled(std::string_view gateway) const {
  for (auto& g : gateways())
    if (g == gateway)
      return true;
  return false;
}

std::vector<std::string> settings::gateways() const {
  std::vector<std::string> out;
  std::stringstream in{payments_gateways};
  std::string item;
  while (std::getline(in, item, ',')) {
    auto first = item.find_first_not_of(' ');
    auto last = item.find_last_not_of(' ');
    if (first != std::string::npos)
      out.push_back(item.substr(first, last - first + 1));
  }
  return out;
}

bool secret_needed(const settings& s, const char* needed_by) {
  std::string_view need{needed_by};
  if (need == "optional")
    return false;
  if (need == "paydunya-live")
    return s.gateway_enabled("paydunya") && s.live();
  if (need == "paydunya-test")
    return s.gateway_enabled("paydunya") && !s.live();
  return s.gateway_enabled(need);
}

std::string gateway_of_need(const char* needed_by) {
  std::string need{needed_by};
  if (need == "paydunya-live")
    return "paydunya (live mode: the live key set)";
  if (need == "paydunya-test")
    return "paydunya (sandbox mode: the test key set)";
  return need;
}

void app_config::add_payment_options() {
  opt_group{custom_options_, "easymo"}
    .add(s.payments_gateways, "payments-gateways",
         "comma-separated: momo_ussd, momo, paydunya, revolut")
    .add(s.public_url, "public-url",
         "how gateways and users reach the public listener")
    .add(s.payments_intent_ttl, "payments-intent-ttl",
         "how long a payment is awaited before it expires")
    .add(s.payments_gateway_timeout, "payments-gateway-timeout",
         "deadline of one gateway call")
    .add(s.payments_ratelimit_per_ip, "payments-ratelimit-per-ip",
         "requests per client address per window on /payments/* (0: off)")
    .add(s.payments_ratelimit_window, "payments-ratelimit-window",
         "the window of payments-ratelimit-per-ip")
    .add(s.momo_merchant_code, "momo-merchant-code", "MoMoPay merchant code")
    .add(s.momo_receiver_phone, "momo-receiver-phone",
         "P2P receiver when there is no merchant code")
    .add(s.momo_qr_ttl, "momo-qr-ttl", "lifetime of a signed QR link")
    .add(s.momo_report_url, "momo-report-url",
         "where the MoMo statement (CSV) of a day is fetched")
    .add(s.momo_base_url, "momo-base-url", "MTN MoMo Open API root")
    .add(s.momo_target_environment, "momo-target-environment",
         "X-Target-Environment: sandbox or mtnrwanda")
    .add(s.momo_poll_interval, "momo-poll-interval",
         "first delay between status checks of a pending MoMo payment")
    .add(s.momo_poll_batch_max, "momo-poll-batch-max",
         "MoMo payments checked per poll")
    .add(s.momo_token_refresh_margin, "momo-token-refresh-margin",
         "refresh a MoMo token this long before it expires")
    .add(s.checkout_poll_interval, "checkout-poll-interval",
         "first delay between read-backs of an unsettled PayDunya or Revolut "
         "payment")
    .add(s.paydunya_base_url, "paydunya-base-url",
         "PayDunya API root; empty: by mode")
    .add(s.revolut_base_url, "revolut-base-url", "Revolut Merchant API root")
    .add(s.revolut_api_version, "revolut-api-version",
         "Revolut-Api-Version header")
    .add(s.reconciliation_at, "reconciliation-at",
         "daily reconciliation time, HH:MM local")
    .add(s.reconciliation_timezone, "reconciliation-timezone",
         "IANA time zone of reconciliation-at and of a day")
    .add(s.reconciliation_retry_interval, "reconciliation-retry-interval",
         "delay before an incomplete day is tried again")
    .add(s.reconciliation_attempts_max, "reconciliation-attempts-max",
         "tries of one incomplete day before it waits for an operator");
}

std::optional<std::string> app_config::check_payment_values() const {
  auto bad = [](const char* key, const std::string& why) {
    return std::optional<std::string>{"config: bad value for 'easymo."
                                      + std::string{key} + "': " + why};
  };
  for (auto& g : s.gateways())
    if (!known_gateway(g))
      return bad("payments-gateways", "unknown gateway '" + g + "'");
  if (!is_http_url(s.public_url))
    return bad("public-url", "expected an http(s) URL");
  if (s.payments_intent_ttl.count() <= 0 || s.momo_qr_ttl.count() <= 0
      || s.payments_gateway_timeout.count() <= 0)
    return bad("payments-intent-ttl", "durations must be positive");
  // Sandbox mode falls back to a placeholder code (sandbox_merchant_code)
  // so that `tools/run` works with no configuration at all.
  if (s.live() && s.gateway_enabled("momo_ussd") && s.momo_merchant_code.empty()
      && s.momo_receiver_phone.empty())
    return bad("momo-merchant-code",
               "momo_ussd needs a merchant code or a receiver phone");
  if (!known_time_zone(s.reconciliation_timezone))
    return bad("reconciliation-timezone", "unknown time zone '"
                                            + s.reconciliation_timezone + "'");
  if (s.payments_ratelimit_window.count() <= 0)
    return bad("payments-ratelimit-window", "must be positive");
  if (s.momo_poll_interval.count() <= 0)
    return bad("momo-poll-interval", "must be positive");
  if (s.checkout_poll_interval.count() <= 0)
    return bad("checkout-poll-interval", "must be positive");
  if (s.momo_poll_batch_max == 0 || s.momo_poll_batch_max > 1000)
    return bad("momo-poll-batch-max", "expected 1 to 1000");
  if (!valid_time_of_day(s.reconciliation_at))
    return bad("reconciliation-at", "expected HH:MM");
  if (s.reconciliation_retry_interval.count() <= 0)
    return bad("reconciliation-retry-interval", "must be positive");
  if (s.reconciliation_attempts_max == 0)
    return bad("reconciliation-attempts-max", "expected a positive count");
  return std::nullopt;
}

} // namespace easymo
