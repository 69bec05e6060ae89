#include "runtime/config.hpp"

#include "protocols/http/forwarded.hpp"
#include "runtime/log.hpp"

#include <caf/config_option_set.hpp>
#include <caf/config_value.hpp>
#include <caf/settings.hpp>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <variant>

namespace easymo {

namespace {

constexpr std::string_view group_name = "easymo";

std::string str(caf::string_view text) {
  return std::string(text.data(), text.size());
}

std::optional<std::string> env_lookup(char** envp, const std::string& name) {
  if (envp == nullptr) {
    if (auto value = std::getenv(name.c_str()))
      return std::string{value};
    return std::nullopt;
  }
  for (auto p = envp; *p != nullptr; ++p) {
    auto len = name.size();
    if (std::strncmp(*p, name.c_str(), len) == 0 && (*p)[len] == '=')
      return std::string{*p + len + 1};
  }
  return std::nullopt;
}

bool is_secret_key(const std::string& full_name) {
  for (auto& spec : secret_specs())
    if (full_name == std::string{group_name} + "." + spec.key)
      return true;
  return false;
}

// Walks a parsed INI dictionary and calls f(full_name, value) for each leaf.
template <class F>
std::optional<std::string> for_each_leaf(const caf::settings& xs,
                                         const std::string& prefix, F& f) {
  for (auto& [key, value] : xs) {
    auto name = prefix.empty() ? key : prefix + "." + key;
    if (auto dict = caf::get_if<caf::settings>(&value)) {
      if (auto err = for_each_leaf(*dict, name, f))
        return err;
    } else if (auto err = f(name, value)) {
      return err;
    }
  }
  return std::nullopt;
}

} // namespace

const std::vector<secret_spec>& secret_specs() {
  static const std::vector<secret_spec> specs{
    {"EASYMO_WHATSAPP_APP_SECRET", "whatsapp-app-secret",
     &settings::whatsapp_app_secret, "sandbox-app-secret"},
    {"EASYMO_WHATSAPP_VERIFY_TOKEN", "whatsapp-verify-token",
     &settings::whatsapp_verify_token, "sandbox-verify-token"},
    {"EASYMO_WHATSAPP_TOKEN", "whatsapp-token", &settings::whatsapp_token,
     "sandbox-token"},
    {"EASYMO_ADMIN_TOKEN", "admin-token", &settings::admin_token,
     "sandbox-admin-token"},
    {"EASYMO_PAYMENTS_URL_SECRET", "payments-url-secret",
     &settings::payments_url_secret, "sandbox-payments-url-secret"},
    {"EASYMO_MOMO_COLLECTION_SUBSCRIPTION_KEY",
     "momo-collection-subscription-key",
     &settings::momo_collection_subscription_key, nullptr, "momo"},
    {"EASYMO_MOMO_COLLECTION_API_USER", "momo-collection-api-user",
     &settings::momo_collection_api_user, nullptr, "momo"},
    {"EASYMO_MOMO_COLLECTION_API_KEY", "momo-collection-api-key",
     &settings::momo_collection_api_key, nullptr, "momo"},
    // Withdrawals through MoMo are off without the disbursement product.
    {"EASYMO_MOMO_DISBURSEMENT_SUBSCRIPTION_KEY",
     "momo-disbursement-subscription-key",
     &settings::momo_disbursement_subscription_key, nullptr, "optional"},
    {"EASYMO_MOMO_DISBURSEMENT_API_USER", "momo-disbursement-api-user",
     &settings::momo_disbursement_api_user, nullptr, "optional"},
    {"EASYMO_MOMO_DISBURSEMENT_API_KEY", "momo-disbursement-api-key",
     &settings::momo_disbursement_api_key, nullptr, "optional"},
    {"EASYMO_MOMO_REPORT_TOKEN", "momo-report-token",
     &settings::momo_report_token, nullptr, "optional"},
    {"EASYMO_PAYDUNYA_MASTER_KEY", "paydunya-master-key",
     &settings::paydunya_master_key, nullptr, "paydunya"},
    {"EASYMO_PAYDUNYA_PRIVATE_KEY", "paydunya-private-key",
     &settings::paydunya_private_key, nullptr, "paydunya-live"},
    {"EASYMO_PAYDUNYA_TOKEN", "paydunya-token", &settings::paydunya_token,
     nullptr, "paydunya-live"},
    {"EASYMO_PAYDUNYA_TEST_PRIVATE_KEY", "paydunya-test-private-key",
     &settings::paydunya_test_private_key, nullptr, "paydunya-test"},
    {"EASYMO_PAYDUNYA_TEST_TOKEN", "paydunya-test-token",
     &settings::paydunya_test_token, nullptr, "paydunya-test"},
    {"EASYMO_REVOLUT_SECRET_KEY", "revolut-secret-key",
     &settings::revolut_secret_key, nullptr, "revolut"},
    {"EASYMO_REVOLUT_WEBHOOK_SECRETS", "revolut-webhook-secrets",
     &settings::revolut_webhook_secrets, nullptr, "revolut"},
    // Without it, reconciliation alerts go to the log only.
    {"EASYMO_SLACK_WEBHOOK_URL", "slack-webhook-url",
     &settings::slack_webhook_url, nullptr, "optional"},
  };
  return specs;
}

std::string env_name_for(const std::string& name) {
  std::string out = "EASYMO_";
  for (char c : name)
    out.push_back(c == '-' || c == '.' ? '_' : static_cast<char>(std::toupper(
                                                 static_cast<unsigned char>(c))));
  return out;
}

app_config::app_config() {
  // CAF's default work-stealing workers poll with short sleeps. Under
  // webhook load on two cores they took about 16% more CPU per request than
  // the sharing policy, and they never quite rest (docs/PERFORMANCE.md,
  // Ingress), so sharing is the default even without a config file; a file
  // may still choose 'stealing'.
  set("scheduler.policy", caf::atom("sharing"));
  opt_group{custom_options_, "easymo"}
    .add(s.mode, "mode", "sandbox (local sink, default secrets) or live")
    .add(s.log_level, "log-level", "debug, info, warn, error or off")
    .add(s.node_name, "node-name", "name of this node in logs and the cluster")
    .add(s.drain_timeout, "drain-timeout",
         "bound on draining in-flight work at shutdown")
    .add(s.http_host, "http-host", "address of the public listener")
    .add(s.http_port, "http-port", "port of the public listener")
    .add(s.admin_host, "admin-host", "address of the admin listener")
    .add(s.admin_port, "admin-port", "port of the admin listener")
    .add(s.io_threads, "io-threads", "Beast io threads")
    .add(s.http_connections_max, "http-connections-max",
         "open connections per listener")
    .add(s.http_body_bytes_max, "http-body-bytes-max", "request body limit")
    .add(s.http_header_bytes_max, "http-header-bytes-max",
         "request header limit")
    .add(s.http_read_timeout, "http-read-timeout",
         "time to read one whole request")
    .add(s.http_idle_timeout, "http-idle-timeout",
         "keep-alive idle time before closing")
    .add(s.http_tls_cert_file, "http-tls-cert-file",
         "PEM certificate chain of the public listener (empty: plain HTTP)")
    .add(s.http_tls_key_file, "http-tls-key-file",
         "PEM private key of the public listener")
    .add(s.http_trusted_proxies, "http-trusted-proxies",
         "reverse proxies whose X-Forwarded-For names the client")
    .add(s.database_url, "database-url", "libpq connection string or URL")
    .add(s.db_pool_size, "db-pool-size", "PostgreSQL connections (workers)")
    .add(s.db_queue_jobs_max, "db-queue-jobs-max",
         "queued database jobs before refusing new ones")
    .add(s.db_connect_timeout, "db-connect-timeout", "per connection attempt")
    .add(s.db_retry_backoff_max, "db-retry-backoff-max",
         "cap of the reconnect backoff")
    .add(s.db_query_timeout, "db-query-timeout", "per database job")
    .add(s.db_startup_timeout, "db-startup-timeout",
         "how long start-up waits for the database")
    .add(s.migrations_dir, "migrations-dir", "folder of NNNN_name.sql files")
    .add(s.session_shards, "session-shards",
         "session shard actors; a user's shard is a hash of the wa_id")
    .add(s.session_idle_timeout, "session-idle-timeout",
         "idle time after which a session actor is passivated")
    .add(s.session_event_attempts_max, "session-event-attempts-max",
         "tries of one event when its session crashes, then an apology")
    .add(s.session_queue_events_max, "session-queue-events-max",
         "events queued in memory for one user")
    .add(s.session_batch_items_max, "session-batch-items-max",
         "session loads or commits per transaction")
    .add(s.session_batch_delay_max, "session-batch-delay-max",
         "how long a lone load or commit waits for companions")
    .add(s.session_batches_in_flight_max, "session-batches-in-flight-max",
         "load and commit transactions each running at once")
    .add(s.session_queue_items_max, "session-queue-items-max",
         "loads or commits waiting for a batch before refusing")
    .add(s.slow_down_reply_interval, "slow-down-reply-interval",
         "a throttled user gets at most one 'slow down' reply per interval")
    .add(s.replay_events_per_second, "replay-events-per-second",
         "replayed or swept events routed per second at most (0: no limit)")
    .add(s.replay_sweep_interval, "replay-sweep-interval",
         "how often events stuck unprocessed are looked for")
    .add(s.replay_stuck_after, "replay-stuck-after",
         "age of an unprocessed event that the sweep routes again")
    .add(s.locales_dir, "locales-dir",
         "folder of en.json, fr.json, rw.json and keywords.json")
    .add(s.ledger_review_threshold, "ledger-review-threshold",
         "transfers above this (major units) wait for an admin's review")
    .add(s.ledger_daily_limit, "ledger-daily-limit",
         "debits per wallet per day (major units), pending ones included")
    .add(s.ledger_batch_transfers_max, "ledger-batch-transfers-max",
         "transfers posted in one transaction")
    .add(s.ledger_batch_delay_max, "ledger-batch-delay-max",
         "how long a lone transfer waits for companions")
    .add(s.ledger_batches_in_flight_max, "ledger-batches-in-flight-max",
         "ledger transactions running at once")
    .add(s.ledger_queue_transfers_max, "ledger-queue-transfers-max",
         "transfers waiting for a batch before new ones are refused")
    .add(s.redis_url, "redis-url", "redis://host:port or unix:///path")
    .add(s.journal_batch_rows_max, "journal-batch-rows-max",
         "rows (events and audit rows) per journal transaction")
    .add(s.journal_batch_delay_max, "journal-batch-delay-max",
         "longest wait of a webhook for its group commit")
    .add(s.journal_batches_inflight_max, "journal-batches-inflight-max",
         "journal transactions in flight at once")
    .add(s.journal_queue_requests_max, "journal-queue-requests-max",
         "webhooks waiting for a commit before 503")
    .add(s.ratelimit_user_per_minute, "ratelimit-user-per-minute",
         "messages a user may send per minute (0: off)")
    .add(s.ratelimit_global_per_second, "ratelimit-global-per-second",
         "messages all users together may send per second (0: off)")
    .add(s.ratelimit_buckets_max, "ratelimit-buckets-max",
         "token buckets the in-process limiter keeps")
    .add(s.restart_intensity, "restart-intensity",
         "restarts allowed per supervisor within restart-period")
    .add(s.restart_period, "restart-period", "window of restart-intensity");
  add_delivery_options(custom_options_, s);
  add_payment_options();
}

std::vector<std::string> app_config::easymo_keys() const {
  std::vector<std::string> out;
  for (auto& opt : custom_options_)
    if (str(opt.category()) == group_name)
      out.emplace_back(str(opt.full_name()));
  return out;
}

std::optional<std::string> app_config::load(const std::string& ini_path,
                                            char** envp) {
  if (!ini_path.empty()) {
    if (auto err = validate_file(ini_path))
      return err;
    std::ifstream in{ini_path};
    if (auto err = parse(string_list{}, in))
      return "config: " + ini_path + ": " + caf::to_string(err);
  }
  if (auto err = apply_environment(envp))
    return err;
  if (auto err = load_secrets(envp))
    return err;
  return check_values();
}

std::optional<std::string>
app_config::validate_file(const std::string& ini_path) {
  std::ifstream in{ini_path};
  if (!in)
    return "config: cannot open " + ini_path;
  caf::settings raw;
  caf::config_option_set none;
  if (auto err = parse_config(in, none, raw))
    return "config: " + ini_path + ": syntax error: " + caf::to_string(err);
  auto check = [&](const std::string& name,
                   const caf::config_value& value) -> std::optional<std::string> {
    if (is_secret_key(name))
      return "config: '" + name
             + "' is a secret: set it in the environment, not in the file";
    auto opt = custom_options_.qualified_name_lookup(name);
    if (opt == nullptr)
      return "config: unknown key '" + name + "'";
    if (auto err = opt->check(value))
      return "config: bad value for '" + name + "' (expected "
             + str(opt->type_name()) + "): " + caf::to_string(value);
    return std::nullopt;
  };
  return for_each_leaf(raw, "", check);
}

std::optional<std::string> app_config::apply_environment(char** envp) {
  for (auto& opt : custom_options_) {
    if (str(opt.category()) != group_name)
      continue;
    auto name = str(opt.long_name());
    auto env = env_name_for(name);
    auto text = env_lookup(envp, env);
    if (!text)
      continue;
    auto full = str(opt.full_name());
    auto value = opt.parse(*text);
    if (!value)
      return "config: bad value in " + env + " for '" + full + "' (expected "
             + str(opt.type_name()) + ")";
    if (auto err = opt.check(*value))
      return "config: bad value in " + env + " for '" + full + "'";
    opt.store(*value);
  }
  return std::nullopt;
}

std::optional<std::string> app_config::load_secrets(char** envp) {
  for (auto& spec : secret_specs()) {
    auto value = env_lookup(envp, spec.env);
    if (value && !value->empty()) {
      s.*spec.field = *value;
      log::add_secret(*value);
      continue;
    }
    if (spec.needed_by != nullptr) {
      if (secret_needed(s, spec.needed_by))
        return std::string{"config: missing secret '"} + spec.env
               + "' (easymo." + spec.key + ") required while payments-"
               + "gateways lists " + gateway_of_need(spec.needed_by);
      continue;
    }
    if (s.live() || spec.sandbox_default == nullptr)
      return std::string{"config: missing secret '"} + spec.env
             + "' (easymo." + spec.key + ") required in "
             + (s.live() ? "live" : "every") + " mode";
    s.*spec.field = spec.sandbox_default;
  }
  return std::nullopt;
}

std::optional<std::string> app_config::check_values() const {
  auto bad = [](const char* key, const std::string& why) {
    return std::optional<std::string>{"config: bad value for 'easymo."
                                      + std::string{key} + "': " + why};
  };
  if (s.mode != "sandbox" && s.mode != "live")
    return bad("mode", "expected sandbox or live, got '" + s.mode + "'");
  if (auto err = check_delivery(s))
    return err;
  log::level lvl;
  if (!log::parse_level(s.log_level, lvl))
    return bad("log-level", "expected debug, info, warn, error or off");
  if (s.io_threads == 0 || s.io_threads > 64)
    return bad("io-threads", "expected 1 to 64");
  if (s.db_pool_size == 0 || s.db_pool_size > 256)
    return bad("db-pool-size", "expected 1 to 256");
  if (s.http_body_bytes_max == 0)
    return bad("http-body-bytes-max", "expected a positive size");
  if (s.http_header_bytes_max < 512)
    return bad("http-header-bytes-max", "expected at least 512");
  if (s.http_connections_max == 0)
    return bad("http-connections-max", "expected a positive count");
  if (s.database_url.empty())
    return bad("database-url", "must not be empty");
  if (s.restart_intensity == 0)
    return bad("restart-intensity", "expected a positive count");
  if (s.session_shards == 0 || s.session_shards > 64)
    return bad("session-shards", "expected 1 to 64");
  if (s.session_idle_timeout < std::chrono::milliseconds(100))
    return bad("session-idle-timeout", "expected at least 100ms");
  if (s.session_event_attempts_max == 0 || s.session_event_attempts_max > 10)
    return bad("session-event-attempts-max", "expected 1 to 10");
  if (s.session_queue_events_max == 0)
    return bad("session-queue-events-max", "expected a positive count");
  if (s.session_batch_items_max == 0 || s.session_batch_items_max > 4096)
    return bad("session-batch-items-max", "expected 1 to 4096");
  if (s.session_batch_delay_max.count() < 0)
    return bad("session-batch-delay-max", "must not be negative");
  if (s.session_batches_in_flight_max == 0
      || s.session_batches_in_flight_max > s.db_pool_size)
    return bad("session-batches-in-flight-max",
               "expected 1 to db-pool-size (each batch holds a connection)");
  if (s.session_queue_items_max == 0)
    return bad("session-queue-items-max", "expected a positive count");
  if (s.slow_down_reply_interval.count() <= 0)
    return bad("slow-down-reply-interval", "expected a positive duration");
  if (s.replay_sweep_interval.count() <= 0)
    return bad("replay-sweep-interval", "expected a positive duration");
  // Younger events may still be on their way through a busy shard.
  if (s.replay_stuck_after < std::chrono::seconds(10))
    return bad("replay-stuck-after", "expected at least 10s");
  if (s.ledger_review_threshold <= 0)
    return bad("ledger-review-threshold", "expected a positive amount");
  if (s.ledger_daily_limit <= 0)
    return bad("ledger-daily-limit", "expected a positive amount");
  if (s.ledger_batch_transfers_max == 0 || s.ledger_batch_transfers_max > 4096)
    return bad("ledger-batch-transfers-max", "expected 1 to 4096");
  if (s.ledger_batch_delay_max.count() < 0)
    return bad("ledger-batch-delay-max", "must not be negative");
  if (s.ledger_batches_in_flight_max == 0
      || s.ledger_batches_in_flight_max > s.db_pool_size)
    return bad("ledger-batches-in-flight-max",
               "expected 1 to db-pool-size (each batch holds a connection)");
  if (s.ledger_queue_transfers_max == 0)
    return bad("ledger-queue-transfers-max", "expected a positive count");
  if (s.drain_timeout.count() < 0)
    return bad("drain-timeout", "must not be negative");
  if (auto p = http::trusted_proxies::parse(s.http_trusted_proxies);
      std::holds_alternative<std::string>(p))
    return bad("http-trusted-proxies", std::get<std::string>(p));
  if (s.http_tls_cert_file.empty() != s.http_tls_key_file.empty())
    return bad("http-tls-cert-file",
               "set both http-tls-cert-file and http-tls-key-file, or neither");
  if (s.journal_batch_rows_max == 0)
    return bad("journal-batch-rows-max", "expected a positive count");
  if (s.journal_batch_delay_max.count() < 0)
    return bad("journal-batch-delay-max", "must not be negative");
  if (s.journal_batches_inflight_max == 0
      || s.journal_batches_inflight_max > s.db_pool_size)
    return bad("journal-batches-inflight-max",
               "expected 1 to db-pool-size (more would only queue in the pool)");
  if (s.journal_queue_requests_max == 0)
    return bad("journal-queue-requests-max", "expected a positive count");
  return check_payment_values();
}

} // namespace easymo
