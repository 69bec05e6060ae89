#include "tests/support/payments_env.hpp"

#include "runtime/log.hpp"

#include <pqxx/pqxx>

#include <cstdlib>

#include <stdexcept>

namespace easymo::test {

payments_env::quiet_logs::quiet_logs() {
  log::configure(std::getenv("EASYMO_TEST_LOG") ? log::level::debug
                                                : log::level::off);
}

payments_env::payments_env(const std::string& label,
                           const std::string& gateways,
                           std::map<std::string, std::string> extra)
  : db{"pay_" + label}, http_port_{free_port()} {
  daemon::options o;
  o.database_url = db.url();
  o.label = "payments-" + label;
  o.http_port = http_port_;
  auto public_url = "http://127.0.0.1:" + std::to_string(http_port_);
  o.env = {{"EASYMO_ADMIN_TOKEN", payments_admin_token},
           {"EASYMO_PAYMENTS_GATEWAYS", gateways},
           {"EASYMO_PUBLIC_URL", public_url},
           {"EASYMO_PAYMENTS_GATEWAY_TIMEOUT", "2s"},
           // Every simulator calls back from 127.0.0.1, one address: the
           // per-address limit has its own test (payments_ratelimit).
           {"EASYMO_PAYMENTS_RATELIMIT_PER_IP", "0"},
           {"EASYMO_MOMO_MERCHANT_CODE", "123456"},
           {"EASYMO_MOMO_REPORT_URL", momo.statement_url()},
           {"EASYMO_MOMO_BASE_URL", momo.base_url()},
           {"EASYMO_MOMO_POLL_INTERVAL", "1s"},
           // Checkout read-backs would race the notification tests; the
           // file that tests them sets a short interval.
           {"EASYMO_CHECKOUT_POLL_INTERVAL", "1h"},
           {"EASYMO_MOMO_COLLECTION_SUBSCRIPTION_KEY", momo.creds.subscription_key},
           {"EASYMO_MOMO_COLLECTION_API_USER", momo.creds.api_user},
           {"EASYMO_MOMO_COLLECTION_API_KEY", momo.creds.api_key},
           {"EASYMO_MOMO_DISBURSEMENT_SUBSCRIPTION_KEY",
            momo.creds.subscription_key},
           {"EASYMO_MOMO_DISBURSEMENT_API_USER", momo.creds.api_user},
           {"EASYMO_MOMO_DISBURSEMENT_API_KEY", momo.creds.api_key},
           {"EASYMO_PAYDUNYA_BASE_URL", paydunya.base_url()},
           {"EASYMO_PAYDUNYA_MASTER_KEY", paydunya.master_key},
           {"EASYMO_PAYDUNYA_TEST_PRIVATE_KEY", paydunya.private_key},
           {"EASYMO_PAYDUNYA_TEST_TOKEN", paydunya.token},
           {"EASYMO_REVOLUT_BASE_URL", revolut.base_url()},
           {"EASYMO_REVOLUT_SECRET_KEY", revolut.secret_key},
           {"EASYMO_REVOLUT_WEBHOOK_SECRETS", "wsk_sim_signing_1,wsk_sim_signing_2"},
           {"EASYMO_SLACK_WEBHOOK_URL", slack.webhook_url()}};
  for (auto& [k, v] : extra)
    o.env[k] = v;
  revolut.webhook_url = public_url + "/payments/revolut/webhook";
  easymod = std::make_unique<daemon>(o);
  easymod->start();
  if (!easymod->wait_ready())
    throw std::runtime_error("easymod did not become ready:\n" + easymod->log());
}

payments_env::~payments_env() {
  easymod.reset();
}

payments_env::answer payments_env::admin(const std::string& method,
                                         const std::string& target,
                                         const nlohmann::json& body) {
  header_list headers{{"Authorization",
                       std::string{"Bearer "} + payments_admin_token}};
  if (!body.is_null())
    headers.emplace_back("Content-Type", "application/json");
  auto res = http_request(easymod->admin_port(), method, target,
                          body.is_null() ? std::string{} : body.dump(), headers,
                          std::chrono::seconds(60));
  answer out;
  if (!res)
    return out;
  out.status = res->status;
  out.body = nlohmann::json::parse(res->body, nullptr, false);
  if (out.body.is_discarded())
    out.body = nullptr;
  return out;
}

payments_env::answer payments_env::start(const std::string& gateway,
                                         const std::string& direction,
                                         const std::string& wa_id,
                                         const std::string& msisdn,
                                         const std::string& amount,
                                         const std::string& currency) {
  return admin("POST", "/admin/payments/start",
               {{"gateway", gateway},
                {"direction", direction},
                {"wa_id", wa_id},
                {"msisdn", msisdn},
                {"amount", amount},
                {"currency", currency}});
}

nlohmann::json payments_env::intent(const std::string& gateway,
                                    const std::string& ref) {
  auto a = admin("GET", "/admin/payments?gateway=" + gateway + "&reference="
                          + ref);
  return a.status == 200 ? a.body : nlohmann::json{};
}

bool payments_env::wait_status(const std::string& gateway,
                               const std::string& ref,
                               const std::string& status) {
  return eventually(
    [&] {
      auto x = intent(gateway, ref);
      return x.is_object() && x.value("status", "") == status;
    },
    std::chrono::seconds(15));
}

int64_t payments_env::scalar(const std::string& sql) {
  pqxx::connection c{db.url()};
  pqxx::read_transaction tx{c};
  auto r = tx.exec1(sql);
  return r[0].is_null() ? 0 : r[0].as<int64_t>();
}

void payments_env::exec(const std::string& sql) {
  pqxx::connection c{db.url()};
  pqxx::work tx{c};
  tx.exec(sql);
  tx.commit();
}

std::string payments_env::today() {
  pqxx::connection c{db.url()};
  pqxx::read_transaction tx{c};
  return tx.exec1("SELECT to_char(now() AT TIME ZONE 'Africa/Kigali',"
                  " 'YYYY-MM-DD')")[0]
    .as<std::string>();
}

nlohmann::json payments_env::reconcile(const std::string& day,
                                       const std::string& gateway) {
  auto r = admin("POST", "/admin/reconciliations/run", {{"date", day}});
  if (r.status != 200 || !r.body.contains("runs"))
    return nullptr;
  for (auto& row : r.body["runs"])
    if (row.value("gateway", "") == gateway)
      return row;
  return nullptr;
}

nlohmann::json payments_env::breaker(const std::string& gateway) {
  auto r = admin("GET", "/admin/breakers");
  if (r.status != 200 || !r.body.contains("breakers"))
    return nullptr;
  for (auto& b : r.body["breakers"])
    if (b.value("gateway", "") == gateway)
      return b;
  return nullptr;
}

int64_t payments_env::balance(const std::string& wa_id,
                              const std::string& currency) {
  return scalar("SELECT coalesce(sum(balance), 0) FROM ledger_accounts"
                " WHERE kind = 'wallet' AND owner = '" + wa_id
                + "' AND currency = '" + currency + "'");
}

int64_t payments_env::transfers(const std::string& gateway,
                                const std::string& ref) {
  return scalar("SELECT count(*) FROM ledger_transfers WHERE gateway = '"
                + gateway + "' AND external_ref = '" + ref + "'");
}

} // namespace easymo::test
