#include "tests/support/paydunya_sim.hpp"

#include "protocols/crypto/digest.hpp"
#include "protocols/paydunya/paydunya.hpp"

#include <nlohmann/json.hpp>

namespace easymo::test {

namespace {

const std::string root = "/sandbox-api/v1";

} // namespace

paydunya_sim::paydunya_sim()
  : server("sim-paydunya",
           [this](const recorded_request& req, http::responder res) {
             handle(req, std::move(res));
           }) {
}

bool paydunya_sim::keys_ok(const recorded_request& req) const {
  return req.header("paydunya-master-key") == master_key
         && req.header("paydunya-private-key") == private_key
         && req.header("paydunya-token") == token;
}

void paydunya_sim::handle(const recorded_request& req, http::responder res) {
  if (!keys_ok(req))
    return res(json_answer(
      200, R"({"response_code":"1001","response_text":"Invalid Masterkey"})"));
  std::lock_guard guard{mtx_};
  if (req.path == root + "/checkout-invoice/create" && req.method == "POST") {
    auto body = nlohmann::json::parse(req.body, nullptr, false);
    paydunya_invoice inv;
    inv.token = "test_" + std::to_string(1000 + ++created_);
    inv.amount = body["invoice"].value("total_amount", int64_t{0});
    inv.reference = body["custom_data"].value("reference", "");
    inv.callback_url = body["actions"].value("callback_url", "");
    invoices_[inv.token] = inv;
    last_ = inv.token;
    return res(json_answer(
      200, nlohmann::json{{"response_code", "00"},
                          {"response_text",
                           server.url("/checkout/invoice/" + inv.token)},
                          {"description", "Checkout Invoice created"},
                          {"token", inv.token}}
             .dump()));
  }
  auto confirm = root + "/checkout-invoice/confirm/";
  if (req.path.rfind(confirm, 0) == 0 && req.method == "GET") {
    auto it = invoices_.find(req.path.substr(confirm.size()));
    if (it == invoices_.end())
      return res(json_answer(
        200, R"({"response_code":"1002","response_text":"Invoice Not Found"})"));
    auto& inv = it->second;
    return res(json_answer(
      200,
      nlohmann::json{{"response_code", "00"},
                     {"response_text", "Transaction Found"},
                     {"hash", crypto::sha512_hex(master_key)},
                     {"invoice",
                      {{"token", inv.token}, {"total_amount", inv.amount}}},
                     {"custom_data", {{"reference", inv.reference}}},
                     {"status", inv.status},
                     {"mode", "test"}}
        .dump()));
  }
  res(json_answer(404, R"({"response_code":"404","response_text":"?"})"));
}

int paydunya_sim::post_ipn(const paydunya_invoice& inv,
                           const std::string& key) {
  auto body = paydunya::make_ipn(key, inv.token, inv.status, inv.amount,
                                 inv.reference);
  return send_to(inv.callback_url, "POST", body,
                 {{"Content-Type", "application/x-www-form-urlencoded"}});
}

int paydunya_sim::complete(const std::string& invoice, const std::string& status,
                           const std::string& ipn_master_key) {
  paydunya_invoice inv;
  {
    std::lock_guard guard{mtx_};
    auto& stored = invoices_.at(invoice);
    stored.status = status;
    inv = stored;
  }
  return post_ipn(inv, ipn_master_key.empty() ? master_key : ipn_master_key);
}

void paydunya_sim::set_status(const std::string& invoice,
                              const std::string& status) {
  std::lock_guard guard{mtx_};
  invoices_.at(invoice).status = status;
}

int paydunya_sim::resend_ipn(const std::string& invoice) {
  paydunya_invoice inv;
  {
    std::lock_guard guard{mtx_};
    inv = invoices_.at(invoice);
  }
  return post_ipn(inv, master_key);
}

void paydunya_sim::report_amount(const std::string& invoice, int64_t amount) {
  std::lock_guard guard{mtx_};
  invoices_.at(invoice).amount = amount;
}

void paydunya_sim::seed(paydunya_invoice inv) {
  std::lock_guard guard{mtx_};
  invoices_[inv.token] = std::move(inv);
}

std::optional<paydunya_invoice>
paydunya_sim::invoice(const std::string& token) const {
  std::lock_guard guard{mtx_};
  auto it = invoices_.find(token);
  if (it == invoices_.end())
    return std::nullopt;
  return it->second;
}

std::optional<paydunya_invoice> paydunya_sim::last() const {
  std::lock_guard guard{mtx_};
  if (last_.empty())
    return std::nullopt;
  return invoices_.at(last_);
}

} // namespace easymo::test
