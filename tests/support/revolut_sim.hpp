// A Revolut Merchant API simulator: orders created with a Bearer secret key
// and Revolut-Api-Version, fetched by id, listed by creation date (newest
// first, `limit` per page, `created_before` for the next page), and the
// signed webhooks Revolut posts (Revolut-Request-Timestamp and
// Revolut-Signature, one "v1=" per active signing secret).
#pragma once

#include "tests/support/sim_server.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace easymo::test {

struct revolut_order {
  std::string id;
  std::string state = "pending";
  int64_t amount = 0;
  std::string currency = "EUR";
  std::string reference;
  /// RFC 3339 UTC.
  std::string created_at;
};

class revolut_sim {
public:
  revolut_sim();

  std::string base_url() const { return server.url(); }

  std::string secret_key = "sk_sim_secret";
  /// Webhooks are signed with each of these (rotation sends two).
  std::vector<std::string> signing_secrets{"wsk_sim_signing_1"};
  /// Where webhooks go (the daemon's /payments/revolut/webhook).
  std::string webhook_url;
  /// What "now" is for created_at and webhook timestamps (ms since epoch);
  /// 0: the system clock.
  int64_t now_ms = 0;

  /// Sets the order's state and posts ORDER_COMPLETED (or
  /// ORDER_PAYMENT_FAILED); returns the daemon's HTTP status.
  int complete(const std::string& order, const std::string& state);

  /// Posts `body` signed as Revolut would, at `timestamp_ms` (default now).
  int post_webhook(const std::string& body, int64_t timestamp_ms = 0);

  void report_amount(const std::string& order, int64_t amount);
  void seed(revolut_order o);
  /// Revolut no longer knows the order (a ledger transfer it never saw).
  void forget(const std::string& id);
  std::optional<revolut_order> order(const std::string& id) const;
  std::optional<revolut_order> last() const;

  sim_server server;

private:
  void handle(const recorded_request& req, http::responder res);
  void list(const recorded_request& req, http::responder res);

  mutable std::mutex mtx_;
  std::map<std::string, revolut_order> orders_;
  std::string last_;
  size_t created_ = 0;
};

} // namespace easymo::test
