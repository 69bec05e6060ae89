// A PayDunya simulator with PayDunya's shapes: checkout-invoice/create and
// confirm/{token} under a base path (/sandbox-api/v1), the three key headers
// checked on every call, "Invoice Not Found" as a 200 with code 1002, and
// the form-encoded IPN it posts to the invoice's callback_url when a test
// completes or cancels an invoice.
#pragma once

#include "tests/support/sim_server.hpp"

#include <map>
#include <optional>
#include <string>

namespace easymo::test {

struct paydunya_invoice {
  std::string token;
  int64_t amount = 0;
  std::string status = "pending";
  std::string reference;
  std::string callback_url;
};

class paydunya_sim {
public:
  paydunya_sim();

  /// The API root to configure (paydunya-base-url).
  std::string base_url() const { return server.url("/sandbox-api/v1"); }

  std::string master_key = "sim-master-key-0123456789";
  std::string private_key = "test_private_sim";
  std::string token = "sim-token";

  /// Sets the invoice's status and posts the IPN (hash of `ipn_master_key`,
  /// by default the real one). Returns the daemon's HTTP status (0: none).
  int complete(const std::string& invoice, const std::string& status,
               const std::string& ipn_master_key = {});

  /// Sets the invoice's status without posting anything (a lost IPN).
  void set_status(const std::string& invoice, const std::string& status);

  /// Posts the IPN of the invoice as it stands, again (a replay).
  int resend_ipn(const std::string& invoice);

  /// Makes confirm report `amount` for the invoice.
  void report_amount(const std::string& invoice, int64_t amount);

  void seed(paydunya_invoice inv);

  std::optional<paydunya_invoice> invoice(const std::string& token) const;
  /// The newest invoice, if any.
  std::optional<paydunya_invoice> last() const;

  sim_server server;

private:
  void handle(const recorded_request& req, http::responder res);
  bool keys_ok(const recorded_request& req) const;
  int post_ipn(const paydunya_invoice& inv, const std::string& key);

  mutable std::mutex mtx_;
  std::map<std::string, paydunya_invoice> invoices_;
  std::string last_;
  size_t created_ = 0;
};

} // namespace easymo::test
