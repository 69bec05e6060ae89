// The real easymod with every payment gateway pointed at a simulator: a
// fresh database, the MoMo, PayDunya, Revolut and Slack simulators, and the
// daemon configured through the environment exactly as an operator would.
// Tests drive it through the admin API (start, confirm, reconcile), the
// simulators (settle, callbacks, webhooks, faults) and read the outcome in
// PostgreSQL.
#pragma once

#include "tests/support/daemon.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/momo_sim.hpp"
#include "tests/support/paydunya_sim.hpp"
#include "tests/support/pg.hpp"
#include "tests/support/revolut_sim.hpp"
#include "tests/support/slack_sim.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <string>

namespace easymo::test {

constexpr const char* payments_admin_token = "payments-test-admin-token";

class payments_env {
public:
  /// Starts the daemon with `gateways` enabled (payments-gateways) and
  /// `extra` environment on top of the simulators' settings.
  explicit payments_env(const std::string& label,
                        const std::string& gateways
                        = "momo_ussd,momo,paydunya,revolut",
                        std::map<std::string, std::string> extra = {});
  ~payments_env();

  /// An admin call; the parsed JSON body (null when not JSON) and status.
  struct answer {
    int status = 0;
    nlohmann::json body;
  };
  answer admin(const std::string& method, const std::string& target,
               const nlohmann::json& body = nullptr);

  /// POST /admin/payments/start; amount in major units as a string.
  answer start(const std::string& gateway, const std::string& direction,
               const std::string& wa_id, const std::string& msisdn,
               const std::string& amount, const std::string& currency);

  /// GET /admin/payments for one intent (null body when unknown).
  nlohmann::json intent(const std::string& gateway, const std::string& ref);

  /// Waits until the intent's status is `status`; false after 15 s.
  bool wait_status(const std::string& gateway, const std::string& ref,
                   const std::string& status);

  /// A wallet's balance in minor units (0 when it does not exist).
  int64_t balance(const std::string& wa_id, const std::string& currency);

  /// Ledger transfers of `gateway` whose external_ref is `ref`.
  int64_t transfers(const std::string& gateway, const std::string& ref);

  /// One integer from SQL on the daemon's database.
  int64_t scalar(const std::string& sql);

  /// Runs SQL on the daemon's database (seeding reconciliation days).
  void exec(const std::string& sql);

  /// Today in Africa/Kigali as the database dates payments (YYYY-MM-DD).
  std::string today();

  /// POST /admin/reconciliations/run for `day`: the stored row of
  /// `gateway` (null when the run failed or has none).
  nlohmann::json reconcile(const std::string& day, const std::string& gateway);

  /// The breaker of `gateway` as GET /admin/breakers shows it (null when
  /// the board does not list it).
  nlohmann::json breaker(const std::string& gateway);

  uint16_t public_port() const { return http_port_; }

  /// Silences this process's own log (simulators, migrations) unless
  /// EASYMO_TEST_LOG is set; the daemon's log is in easymod->log().
  struct quiet_logs {
    quiet_logs();
  } quiet;
  scoped_database db;
  momo_sim momo;
  paydunya_sim paydunya;
  revolut_sim revolut;
  slack_sim slack;
  std::unique_ptr<daemon> easymod;

private:
  uint16_t http_port_;
};

} // namespace easymo::test
