// An MTN MoMo Open API simulator with MoMo's request and response shapes:
// token endpoints with Basic credentials, request-to-pay and transfer with
// X-Reference-Id (UUID v4, 409 on reuse), their status GETs (404 when
// unknown), and the callback MoMo sends once to X-Callback-Url, which a test
// can also lose. It also publishes the merchant statement CSV that confirms
// USSD payments (GET /statement?date=).
//
// Tests drive it: settle a payment (SUCCESSFUL or FAILED, with or without
// the callback), make MoMo report another amount, revoke tokens (401 until
// a new one is fetched), seed payments and statement lines for
// reconciliation, and inject 429/5xx/stalls through sim_server.
#pragma once

#include "tests/support/sim_server.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace easymo::test {

struct momo_payment {
  std::string product; // "collection" or "disbursement"
  std::string reference;
  std::string amount;  // as MoMo writes it: major units, a string
  std::string currency;
  std::string msisdn;
  std::string status = "PENDING";
  std::string reason;
  std::string callback_url;
  std::string financial_id;
};

struct momo_credentials {
  std::string subscription_key = "sim-sub-key";
  std::string api_user = "c72025f5-5cd1-4630-99e4-8ba4722fad56";
  std::string api_key = "sim-api-key";
};

class momo_sim {
public:
  momo_sim();

  std::string base_url() const { return server.url(); }
  std::string statement_url() const { return server.url("/statement"); }

  /// Credentials both products accept.
  momo_credentials creds;
  /// expires_in of the tokens it issues.
  int token_ttl_s = 3600;
  /// When set, callbacks are not sent (MoMo's "sent once" lost).
  bool lose_callbacks = false;

  /// Sets the payment's final status and sends the callback (unless lost).
  /// Returns the HTTP status the daemon answered the callback with (0 when
  /// not sent or unanswered).
  int settle(const std::string& reference, const std::string& status,
             const std::string& reason = {});

  /// Makes MoMo report `amount` (major units) for the payment from now on.
  void report_amount(const std::string& reference, const std::string& amount);

  /// Every token issued so far is refused with 401.
  void revoke_tokens();

  /// A payment MoMo knows without anyone having asked (reconciliation).
  void seed(momo_payment p);

  /// A line of the statement of `day` (see protocols/momo/statement.hpp).
  void add_statement_line(const std::string& day, const std::string& id,
                          const std::string& time, const std::string& status,
                          const std::string& from_msisdn,
                          const std::string& amount);

  std::optional<momo_payment> payment(const std::string& reference) const;
  std::vector<momo_payment> payments() const;
  size_t tokens_issued() const;

  sim_server server;

private:
  void handle(const recorded_request& req, http::responder res);
  void token(const recorded_request& req, http::responder res,
             const std::string& product);
  void create(const recorded_request& req, http::responder res,
              const std::string& product);
  void status(const recorded_request& req, http::responder res,
              const std::string& product, const std::string& reference);
  bool authorized(const recorded_request& req) const;

  mutable std::mutex mtx_;
  std::map<std::string, momo_payment> payments_;
  std::map<std::string, bool> tokens_; // token -> valid
  std::map<std::string, std::vector<std::string>> statement_; // day -> lines
  size_t issued_ = 0;
};

} // namespace easymo::test
