// The outbound part of the configuration: the Graph API, the outbound HTTP
// client, the outbox dispatcher, every gateway's circuit breaker and the
// sandbox sink.
// Kept apart from config.cpp so each area's keys sit together.
#include "runtime/config.hpp"

#include "actors/breaker/policy.hpp"

#include <caf/config_option_adder.hpp>
#include <caf/config_option_set.hpp>

#include <cassert>

namespace easymo {

namespace {

std::optional<std::string> bad(const std::string& key, const std::string& why) {
  return "config: bad value for 'easymo." + key + "': " + why;
}

// The same keys for every gateway's breaker: breaker-<gateway>-<name>.
void add_breaker(caf::config_option_adder& g, breaker_settings& b,
                 const std::string& gateway) {
  auto key = [&](const char* name) { return "breaker-" + gateway + "-" + name; };
  g.add(b.window_calls, key("window-calls"),
        "calls in the sliding window while closed")
    .add(b.calls_min, key("calls-min"), "calls before any rate is computed")
    .add(b.failure_rate_percent, key("failure-rate-percent"),
         "failure rate (1-100) that opens the breaker")
    .add(b.slow_call_duration, key("slow-call-duration"),
         "a call longer than this is slow")
    .add(b.slow_call_rate_percent, key("slow-call-rate-percent"),
         "slow-call rate (1-100) that opens the breaker")
    .add(b.open_wait, key("open-wait"), "time open before half-open")
    .add(b.half_open_calls, key("half-open-calls"),
         "trial calls permitted while half-open")
    .add(b.failures, key("failures"),
         "what counts as a failure: 5xx, 4xx, NNN, timeout, transport");
}

std::optional<std::string> check_breaker(const breaker_settings& b,
                                         const std::string& gateway) {
  auto key = [&](const char* name) { return "breaker-" + gateway + "-" + name; };
  if (b.window_calls == 0 || b.window_calls > 10000)
    return bad(key("window-calls"), "expected 1 to 10000");
  if (b.calls_min == 0)
    return bad(key("calls-min"), "expected a positive count");
  if (b.failure_rate_percent == 0 || b.failure_rate_percent > 100)
    return bad(key("failure-rate-percent"), "expected 1 to 100");
  if (b.slow_call_rate_percent == 0 || b.slow_call_rate_percent > 100)
    return bad(key("slow-call-rate-percent"), "expected 1 to 100");
  if (b.slow_call_duration.count() <= 0 || b.open_wait.count() <= 0)
    return bad(key("open-wait"), "durations must be positive");
  if (b.half_open_calls == 0)
    return bad(key("half-open-calls"), "expected a positive count");
  if (!breaker::parse_failure_policy(b.failures))
    return bad(key("failures"), "expected a list of 5xx, 4xx, a status, "
                                "timeout, transport");
  return std::nullopt;
}

std::optional<std::string> check_outbox(const settings& s) {
  if (s.outbox_sends_in_flight_max == 0 || s.outbox_sends_in_flight_max > 10000)
    return bad("outbox-sends-in-flight-max", "expected 1 to 10000");
  if (s.outbox_batch_rows_max == 0 || s.outbox_batch_rows_max > 4096)
    return bad("outbox-batch-rows-max", "expected 1 to 4096");
  if (s.outbox_queue_rows_max == 0)
    return bad("outbox-queue-rows-max", "expected a positive count");
  if (s.outbox_sweep_interval.count() <= 0)
    return bad("outbox-sweep-interval", "must be positive");
  if (s.outbox_flush_delay_max.count() < 0)
    return bad("outbox-flush-delay-max", "must not be negative");
  // A row in flight must never look abandoned, or a live send is repeated.
  if (s.outbox_sending_stale_after < 2 * s.whatsapp_request_timeout)
    return bad("outbox-sending-stale-after",
               "expected at least twice whatsapp-request-timeout");
  if (s.outbox_attempts_max == 0 || s.outbox_attempts_max > 1000)
    return bad("outbox-attempts-max", "expected 1 to 1000");
  if (s.outbox_retry_backoff_min.count() <= 0
      || s.outbox_retry_backoff_max < s.outbox_retry_backoff_min)
    return bad("outbox-retry-backoff-max",
               "expected 0 < outbox-retry-backoff-min <= "
               "outbox-retry-backoff-max");
  if (s.outbox_pair_backoff_max < std::chrono::seconds(1))
    return bad("outbox-pair-backoff-max", "expected at least 1s");
  return std::nullopt;
}

} // namespace

const breaker_settings& settings::breaker_of(std::string_view gateway) const {
  if (gateway == "momo")
    return breaker_momo;
  if (gateway == "paydunya")
    return breaker_paydunya;
  if (gateway == "revolut")
    return breaker_revolut;
  if (gateway == "slack")
    return breaker_slack;
  assert(gateway == "whatsapp");
  return breaker_whatsapp;
}

breaker_settings& settings::breaker_of(std::string_view gateway) {
  return const_cast<breaker_settings&>(
    static_cast<const settings&>(*this).breaker_of(gateway));
}

void add_delivery_options(caf::config_option_set& opts, settings& s) {
  caf::config_option_adder g{opts, "easymo"};
  g.add(s.whatsapp_api_url, "whatsapp-api-url",
        "Graph API base URL (live mode)")
    .add(s.whatsapp_api_version, "whatsapp-api-version", "Graph API version")
    .add(s.whatsapp_phone_number_id, "whatsapp-phone-number-id",
         "the business number's id (required in live mode)")
    .add(s.whatsapp_request_timeout, "whatsapp-request-timeout",
         "deadline of one send")
    .add(s.outbound_io_threads, "outbound-io-threads",
         "threads of the outbound HTTP client")
    .add(s.outbound_connections_per_host_max,
         "outbound-connections-per-host-max",
         "keep-alive connections per gateway host")
    .add(s.outbound_queued_requests_max, "outbound-queued-requests-max",
         "calls waiting for a connection per host")
    .add(s.outbox_sends_in_flight_max, "outbox-sends-in-flight-max",
         "messages being sent at once")
    .add(s.outbox_batch_rows_max, "outbox-batch-rows-max",
         "rows per claim, sweep and result flush")
    .add(s.outbox_flush_delay_max, "outbox-flush-delay-max",
         "how long a result waits for its group commit")
    .add(s.outbox_queue_rows_max, "outbox-queue-rows-max",
         "committed rows queued before notifications are left to the sweep")
    .add(s.outbox_sweep_interval, "outbox-sweep-interval",
         "how often due and orphaned rows are looked for")
    .add(s.outbox_sending_stale_after, "outbox-sending-stale-after",
         "time in 'sending' after which a row is presumed orphaned")
    .add(s.outbox_attempts_max, "outbox-attempts-max", "sends per row")
    .add(s.outbox_retry_backoff_min, "outbox-retry-backoff-min",
         "first retry backoff")
    .add(s.outbox_retry_backoff_max, "outbox-retry-backoff-max",
         "cap of the exponential retry backoff")
    .add(s.outbox_pair_backoff_max, "outbox-pair-backoff-max",
         "cap of the 4^n-second pair-rate backoff")
    .add(s.sandbox_statuses, "sandbox-statuses",
         "sandbox sink posts sent/delivered status webhooks");
  for (auto gateway : breaker_gateways)
    add_breaker(g, s.breaker_of(gateway), std::string{gateway});
}

std::optional<std::string> check_delivery(const settings& s) {
  if (s.live() && s.whatsapp_phone_number_id.empty())
    return bad("whatsapp-phone-number-id", "required in live mode");
  if (s.whatsapp_api_url.rfind("https://", 0) != 0
      && s.whatsapp_api_url.rfind("http://", 0) != 0)
    return bad("whatsapp-api-url", "expected an http:// or https:// URL");
  if (s.whatsapp_api_version.empty())
    return bad("whatsapp-api-version", "must not be empty");
  if (s.whatsapp_request_timeout.count() <= 0)
    return bad("whatsapp-request-timeout", "must be positive");
  if (s.outbound_io_threads == 0 || s.outbound_io_threads > 64)
    return bad("outbound-io-threads", "expected 1 to 64");
  if (s.outbound_connections_per_host_max == 0)
    return bad("outbound-connections-per-host-max", "expected a positive count");
  if (s.outbound_queued_requests_max == 0)
    return bad("outbound-queued-requests-max", "expected a positive count");
  // The sink's URL is built from the admin port before the listener binds.
  if (!s.live() && s.admin_port == 0)
    return bad("admin-port", "sandbox mode needs a fixed port (the sink's URL)");
  if (auto err = check_outbox(s))
    return err;
  for (auto gateway : breaker_gateways)
    if (auto err = check_breaker(s.breaker_of(gateway), std::string{gateway}))
      return err;
  return std::nullopt;
}

} // namespace easymo
