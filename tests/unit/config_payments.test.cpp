// The payments part of the configuration: which gateway needs which secret
// (and only while it is enabled), PayDunya's key set by mode, unknown
// gateways, and the sandbox placeholder for USSD.
#include "runtime/config.hpp"
#include "runtime/log.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace easymo;

namespace {

std::optional<std::string> load(app_config& cfg, std::vector<std::string> env) {
  std::vector<char*> ptrs;
  for (auto& v : env)
    ptrs.push_back(v.data());
  ptrs.push_back(nullptr);
  auto err = cfg.load("", ptrs.data());
  log::clear_secrets();
  return err;
}

const std::vector<std::string> momo_secrets{
  "EASYMO_MOMO_COLLECTION_SUBSCRIPTION_KEY=sub",
  "EASYMO_MOMO_COLLECTION_API_USER=user", "EASYMO_MOMO_COLLECTION_API_KEY=key"};

std::vector<std::string> with(std::vector<std::string> a,
                              std::vector<std::string> b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

} // namespace

BOOST_AUTO_TEST_CASE(defaults_enable_ussd_only_and_need_no_gateway_secret) {
  app_config cfg;
  BOOST_REQUIRE(!load(cfg, {}));
  BOOST_CHECK_EQUAL(cfg.s.gateways().size(), 1u);
  BOOST_CHECK(cfg.s.gateway_enabled("momo_ussd"));
  BOOST_CHECK(!cfg.s.gateway_enabled("momo"));
  BOOST_CHECK(!cfg.s.payments_url_secret.empty());
}

BOOST_AUTO_TEST_CASE(an_enabled_gateway_requires_its_secrets_by_name) {
  app_config cfg;
  auto err = load(cfg, {"EASYMO_PAYMENTS_GATEWAYS=momo_ussd, momo"});
  BOOST_REQUIRE(err);
  BOOST_CHECK_MESSAGE(err->find("EASYMO_MOMO_COLLECTION_SUBSCRIPTION_KEY")
                        != std::string::npos,
                      *err);
  BOOST_CHECK(err->find("momo") != std::string::npos);
  app_config ok;
  BOOST_CHECK(!load(ok, with({"EASYMO_PAYMENTS_GATEWAYS=momo_ussd, momo"},
                             momo_secrets)));
  BOOST_CHECK(ok.s.gateway_enabled("momo"));
  BOOST_CHECK_EQUAL(ok.s.momo_collection_api_key, "key");
}

BOOST_AUTO_TEST_CASE(paydunya_needs_the_key_set_of_the_mode) {
  app_config sandbox;
  auto err = load(sandbox, {"EASYMO_PAYMENTS_GATEWAYS=paydunya",
                            "EASYMO_PAYDUNYA_MASTER_KEY=m",
                            "EASYMO_PAYDUNYA_PRIVATE_KEY=live-only",
                            "EASYMO_PAYDUNYA_TOKEN=live-only"});
  BOOST_REQUIRE(err);
  BOOST_CHECK_MESSAGE(err->find("EASYMO_PAYDUNYA_TEST_PRIVATE_KEY")
                        != std::string::npos,
                      *err);
  app_config ok;
  BOOST_CHECK(!load(ok, {"EASYMO_PAYMENTS_GATEWAYS=paydunya",
                         "EASYMO_PAYDUNYA_MASTER_KEY=m",
                         "EASYMO_PAYDUNYA_TEST_PRIVATE_KEY=tp",
                         "EASYMO_PAYDUNYA_TEST_TOKEN=tt"}));
}

BOOST_AUTO_TEST_CASE(unknown_gateways_and_bad_schedules_are_named) {
  app_config cfg;
  auto err = load(cfg, {"EASYMO_PAYMENTS_GATEWAYS=momo_ussd,mpesa"});
  BOOST_REQUIRE(err);
  BOOST_CHECK(err->find("unknown gateway 'mpesa'") != std::string::npos);
  app_config at;
  auto bad_at = load(at, {"EASYMO_RECONCILIATION_AT=6am"});
  BOOST_REQUIRE(bad_at);
  BOOST_CHECK(bad_at->find("'easymo.reconciliation-at'") != std::string::npos);
  app_config tz;
  auto bad_tz = load(tz, {"EASYMO_RECONCILIATION_TIMEZONE=Mars/Olympus"});
  BOOST_REQUIRE(bad_tz);
  BOOST_CHECK(bad_tz->find("'easymo.reconciliation-timezone'")
              != std::string::npos);
}

BOOST_AUTO_TEST_CASE(live_ussd_needs_a_merchant_code_or_a_phone) {
  std::vector<std::string> live{"EASYMO_MODE=live",
                                "EASYMO_WHATSAPP_APP_SECRET=app-secret",
                                "EASYMO_WHATSAPP_VERIFY_TOKEN=verify",
                                "EASYMO_WHATSAPP_TOKEN=token",
                                "EASYMO_WHATSAPP_PHONE_NUMBER_ID=1066",
                                "EASYMO_ADMIN_TOKEN=admin-token",
                                "EASYMO_PAYMENTS_URL_SECRET=url-secret"};
  app_config cfg;
  auto err = load(cfg, live);
  BOOST_REQUIRE(err);
  BOOST_CHECK(err->find("'easymo.momo-merchant-code'") != std::string::npos);
  app_config ok;
  BOOST_CHECK(!load(ok, with(live, {"EASYMO_MOMO_MERCHANT_CODE=123456"})));
}

BOOST_AUTO_TEST_CASE(gateway_secrets_are_redacted_from_logs) {
  app_config cfg;
  std::vector<std::string> env{"EASYMO_PAYMENTS_GATEWAYS=momo",
                               "EASYMO_MOMO_COLLECTION_SUBSCRIPTION_KEY=sub-9f8e7d",
                               "EASYMO_MOMO_COLLECTION_API_USER=user",
                               "EASYMO_MOMO_COLLECTION_API_KEY=key-1a2b3c"};
  std::vector<char*> ptrs;
  for (auto& v : env)
    ptrs.push_back(v.data());
  ptrs.push_back(nullptr);
  BOOST_REQUIRE(!cfg.load("", ptrs.data()));
  auto line = log::format_line(log::level::info, "t", "key-1a2b3c",
                               {{"k", "sub-9f8e7d"}}, {});
  BOOST_CHECK(line.find("key-1a2b3c") == std::string::npos);
  BOOST_CHECK(line.find("sub-9f8e7d") == std::string::npos);
  log::clear_secrets();
}
