// Configuration: CAF's INI file with an `easymo` group, environment overrides,
// and secrets that come only from the environment.
//
// CAF 0.17 silently ignores unknown keys and drops values of the wrong type, so
// load() validates the raw file against the registered options first and
// reports the first problem as one line that names the key.
#pragma once

#include <caf/actor_system_config.hpp>
#include <caf/timespan.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace easymo {

/// Exit codes of easymod (sysexits.h where one fits).
namespace exit_code {
constexpr int ok = 0;
constexpr int startup_failed = 1;
constexpr int usage = 64;
constexpr int supervisor_gave_up = 70; // EX_SOFTWARE
constexpr int config = 78;             // EX_CONFIG
} // namespace exit_code

/// One circuit breaker's settings (keys breaker-<gateway>-*; see
/// actors/breaker/core.hpp for their meaning).
struct breaker_settings {
  size_t window_calls = 20;
  size_t calls_min = 10;
  size_t failure_rate_percent = 50;
  caf::timespan slow_call_duration = std::chrono::seconds(5);
  size_t slow_call_rate_percent = 100;
  caf::timespan open_wait = std::chrono::seconds(30);
  size_t half_open_calls = 3;
  std::string failures = "5xx,429,timeout,transport";
};

/// The defaults of the payment gateways' and Slack's breakers: they see far
/// fewer calls than WhatsApp's, so a shorter window decides sooner.
inline breaker_settings gateway_breaker_defaults() {
  breaker_settings b;
  b.window_calls = 10;
  b.calls_min = 5;
  return b;
}

/// The gateways that have a breaker, in the order the admin API lists them.
inline constexpr std::string_view breaker_gateways[] = {
  "whatsapp", "momo", "paydunya", "revolut", "slack"};

/// Every setting of the daemon, with its default. `config/easymo.example.ini`
/// documents each key; a test keeps the two in step.
struct settings {
  // -- general ---------------------------------------------------------------
  std::string mode = "sandbox";
  std::string log_level = "info";
  std::string node_name = "easymod";
  caf::timespan drain_timeout = std::chrono::seconds(10);

  // -- HTTP listeners --------------------------------------------------------
  std::string http_host = "0.0.0.0";
  uint16_t http_port = 8080;
  std::string admin_host = "127.0.0.1";
  uint16_t admin_port = 9090;
  size_t io_threads = 1;
  size_t http_connections_max = 10000;
  size_t http_body_bytes_max = 3 * 1024 * 1024;
  size_t http_header_bytes_max = 8 * 1024;
  caf::timespan http_read_timeout = std::chrono::seconds(30);
  caf::timespan http_idle_timeout = std::chrono::seconds(60);
  std::string http_tls_cert_file;
  std::string http_tls_key_file;
  /// Comma-separated addresses of reverse proxies in front of the public
  /// listener, whose X-Forwarded-For names the client (protocols/http/
  /// forwarded.hpp); empty: none, the peer is the client.
  std::string http_trusted_proxies;

  // -- outbound WhatsApp: Graph API, outbox, breaker, sandbox sink -----------
  std::string whatsapp_api_url = "https://graph.facebook.com";
  std::string whatsapp_api_version = "v21.0";
  std::string whatsapp_phone_number_id;
  caf::timespan whatsapp_request_timeout = std::chrono::seconds(10);
  size_t outbound_io_threads = 1;
  size_t outbound_connections_per_host_max = 64;
  size_t outbound_queued_requests_max = 1024;
  size_t outbox_sends_in_flight_max = 64;
  size_t outbox_batch_rows_max = 256;
  caf::timespan outbox_flush_delay_max = std::chrono::milliseconds(2);
  size_t outbox_queue_rows_max = 20000;
  caf::timespan outbox_sweep_interval = std::chrono::seconds(1);
  caf::timespan outbox_sending_stale_after = std::chrono::seconds(120);
  size_t outbox_attempts_max = 10;
  caf::timespan outbox_retry_backoff_min = std::chrono::milliseconds(500);
  caf::timespan outbox_retry_backoff_max = std::chrono::seconds(60);
  caf::timespan outbox_pair_backoff_max = std::chrono::seconds(1800);
  breaker_settings breaker_whatsapp;
  bool sandbox_statuses = true;

  // -- the payment gateways' and Slack's breakers (keys breaker-<gateway>-*)
  breaker_settings breaker_momo = gateway_breaker_defaults();
  breaker_settings breaker_paydunya = gateway_breaker_defaults();
  breaker_settings breaker_revolut = gateway_breaker_defaults();
  breaker_settings breaker_slack = gateway_breaker_defaults();

  // -- PostgreSQL ------------------------------------------------------------
  std::string database_url = "postgresql:///easymo";
  size_t db_pool_size = 4;
  size_t db_queue_jobs_max = 10000;
  caf::timespan db_connect_timeout = std::chrono::seconds(2);
  caf::timespan db_retry_backoff_max = std::chrono::seconds(5);
  caf::timespan db_query_timeout = std::chrono::seconds(10);
  caf::timespan db_startup_timeout = std::chrono::seconds(30);
  std::string migrations_dir = EASYMO_SOURCE_DIR "/persistence/migrations";

  // -- conversations: sessions, effects committer, texts --------------------
  size_t session_shards = 4;
  caf::timespan session_idle_timeout = std::chrono::minutes(10);
  size_t session_event_attempts_max = 3;
  size_t session_queue_events_max = 100;
  size_t session_batch_items_max = 256;
  caf::timespan session_batch_delay_max = std::chrono::milliseconds(1);
  size_t session_batches_in_flight_max = 2;
  size_t session_queue_items_max = 10000;
  caf::timespan slow_down_reply_interval = std::chrono::minutes(1);
  size_t replay_events_per_second = 1000;
  caf::timespan replay_sweep_interval = std::chrono::minutes(1);
  caf::timespan replay_stuck_after = std::chrono::minutes(2);
  std::string locales_dir = EASYMO_SOURCE_DIR "/config/locales";

  // -- ledger (amounts in major units of each transfer's currency) ----------
  int64_t ledger_review_threshold = 100000;
  int64_t ledger_daily_limit = 1000000;
  size_t ledger_batch_transfers_max = 256;
  caf::timespan ledger_batch_delay_max = std::chrono::milliseconds(2);
  size_t ledger_batches_in_flight_max = 2;
  size_t ledger_queue_transfers_max = 10000;

  // -- Redis (optional on one node) -----------------------------------------
  std::string redis_url;

  // -- webhook journal and rate limits --------------------------------------
  size_t journal_batch_rows_max = 256;
  caf::timespan journal_batch_delay_max = std::chrono::milliseconds(1);
  size_t journal_batches_inflight_max = 2;
  size_t journal_queue_requests_max = 10000;
  size_t ratelimit_user_per_minute = 10;
  size_t ratelimit_global_per_second = 1000;
  size_t ratelimit_buckets_max = 100000;

  // -- payments (config_payments.cpp) ---------------------------------------
  /// Comma-separated gateways users may pay through.
  std::string payments_gateways = "momo_ussd";
  /// How gateways and users reach the public listener (callbacks, QR links).
  std::string public_url = "http://127.0.0.1:8080";
  caf::timespan payments_intent_ttl = std::chrono::hours(24);
  caf::timespan payments_gateway_timeout = std::chrono::seconds(10);
  /// Requests per client address per window on the public /payments/*
  /// routes (0: no limit).
  size_t payments_ratelimit_per_ip = 5;
  caf::timespan payments_ratelimit_window = std::chrono::minutes(15);
  std::string momo_merchant_code;
  std::string momo_receiver_phone;
  caf::timespan momo_qr_ttl = std::chrono::hours(1);
  std::string momo_report_url;
  std::string momo_base_url = "https://sandbox.momodeveloper.mtn.com";
  std::string momo_target_environment = "sandbox";
  caf::timespan momo_poll_interval = std::chrono::seconds(15);
  size_t momo_poll_batch_max = 50;
  caf::timespan momo_token_refresh_margin = std::chrono::seconds(60);
  caf::timespan checkout_poll_interval = std::chrono::seconds(60);
  std::string paydunya_base_url;
  std::string revolut_base_url = "https://sandbox-merchant.revolut.com";
  std::string revolut_api_version = "2024-09-01";
  std::string reconciliation_at = "06:00";
  std::string reconciliation_timezone = "Africa/Kigali";
  caf::timespan reconciliation_retry_interval = std::chrono::minutes(30);
  size_t reconciliation_attempts_max = 48;

  // -- supervision -----------------------------------------------------------
  size_t restart_intensity = 5;
  caf::timespan restart_period = std::chrono::seconds(10);

  // -- secrets: environment only, never in the file, never logged ----------
  std::string whatsapp_app_secret;
  std::string whatsapp_verify_token;
  std::string whatsapp_token;
  std::string admin_token;
  std::string payments_url_secret;
  std::string momo_collection_subscription_key;
  std::string momo_collection_api_user;
  std::string momo_collection_api_key;
  std::string momo_disbursement_subscription_key;
  std::string momo_disbursement_api_user;
  std::string momo_disbursement_api_key;
  std::string momo_report_token;
  std::string paydunya_master_key;
  std::string paydunya_private_key;
  std::string paydunya_token;
  std::string paydunya_test_private_key;
  std::string paydunya_test_token;
  std::string revolut_secret_key;
  /// Comma-separated: two are active while a signing secret rotates.
  std::string revolut_webhook_secrets;
  std::string slack_webhook_url;

  bool live() const { return mode == "live"; }

  /// The number messages are sent from; sandbox mode needs none configured.
  std::string phone_number_id() const {
    return whatsapp_phone_number_id.empty() && !live() ? "sandbox"
                                                       : whatsapp_phone_number_id;
  }

  /// Whether `gateway` is listed in payments-gateways.
  bool gateway_enabled(std::string_view gateway) const;

  /// The enabled gateways, in the order listed.
  std::vector<std::string> gateways() const;

  /// The breaker settings of `gateway`, one of breaker_gateways.
  const breaker_settings& breaker_of(std::string_view gateway) const;
  breaker_settings& breaker_of(std::string_view gateway);
};

/// A secret loaded from the environment: the variable and where it is stored.
struct secret_spec {
  const char* env;
  const char* key; // The name it would have in the easymo group.
  std::string settings::*field;
  const char* sandbox_default; // nullptr: required in every mode.
  /// A gateway's secret: required (in every mode, without a default) only
  /// while that gateway is enabled, and never otherwise. "paydunya-live" and
  /// "paydunya-test" name PayDunya's key set of each mode. nullptr: a secret
  /// of the daemon itself.
  const char* needed_by = nullptr;
};

/// The secrets easymod reads from the environment.
const std::vector<secret_spec>& secret_specs();

/// CAF's config with the `easymo` group bound to a settings struct.
class app_config : public caf::actor_system_config {
public:
  app_config();

  settings s;

  /// Loads `ini_path` (if not empty), then the environment. Returns a one-line
  /// error that names the offending key, or nothing on success.
  std::optional<std::string> load(const std::string& ini_path,
                                  char** envp = nullptr);

  /// The registered options of the `easymo` group, as full names.
  std::vector<std::string> easymo_keys() const;

private:
  std::optional<std::string> validate_file(const std::string& ini_path);
  std::optional<std::string> apply_environment(char** envp);
  std::optional<std::string> load_secrets(char** envp);
  std::optional<std::string> check_values() const;
  std::optional<std::string> check_payment_values() const;
  void add_payment_options();
};

/// Registers the outbound keys (WhatsApp, outbox, breakers, sandbox) on
/// the `easymo` group; runtime/config_delivery.cpp.
void add_delivery_options(caf::config_option_set& opts, settings& s);

/// Checks the outbound settings; a one-line error naming the key.
std::optional<std::string> check_delivery(const settings& s);

/// Whether the secret spec's `needed_by` applies to `s`.
bool secret_needed(const settings& s, const char* needed_by);

/// The gateway a `needed_by` names ("paydunya-live" -> "paydunya").
std::string gateway_of_need(const char* needed_by);

/// The environment variable that overrides `easymo.<name>`:
/// "http-port" becomes "EASYMO_HTTP_PORT".
std::string env_name_for(const std::string& name);

} // namespace easymo
