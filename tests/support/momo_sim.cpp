#include "tests/support/momo_sim.hpp"

#include "protocols/crypto/digest.hpp"

#include <nlohmann/json.hpp>

namespace easymo::test {

namespace {

nlohmann::json payment_json(const momo_payment& p) {
  nlohmann::json party{{"partyIdType", "MSISDN"}, {"partyId", p.msisdn}};
  nlohmann::json out{{"amount", p.amount},
                     {"currency", p.currency},
                     {"externalId", p.reference},
                     {p.product == "collection" ? "payer" : "payee", party},
                     {"payerMessage", "EasyMO"},
                     {"payeeNote", "EasyMO"},
                     {"status", p.status}};
  if (!p.financial_id.empty())
    out["financialTransactionId"] = p.financial_id;
  if (!p.reason.empty())
    out["reason"] = p.reason;
  return out;
}

} // namespace

momo_sim::momo_sim()
  : server("sim-momo", [this](const recorded_request& req, http::responder res) {
      handle(req, std::move(res));
    }) {
}

void momo_sim::handle(const recorded_request& req, http::responder res) {
  auto& p = req.path;
  for (std::string product : {"collection", "disbursement"}) {
    auto root = "/" + product;
    auto item = root + (product == "collection" ? "/v1_0/requesttopay"
                                                : "/v1_0/transfer");
    if (p == root + "/token/" && req.method == "POST")
      return token(req, std::move(res), product);
    if (p == item && req.method == "POST")
      return create(req, std::move(res), product);
    if (p.rfind(item + "/", 0) == 0 && req.method == "GET")
      return status(req, std::move(res), product, p.substr(item.size() + 1));
  }
  if (p == "/statement" && req.method == "GET") {
    std::lock_guard guard{mtx_};
    std::string csv = "Id,External Transaction Id,Date,Status,Type,From,To,"
                      "Amount,Currency\n";
    for (auto& line : statement_[req.query("date")])
      csv += line + "\n";
    http::response answer{boost::beast::http::status::ok, 11};
    answer.set(boost::beast::http::field::content_type, "text/csv");
    answer.body() = csv;
    answer.prepare_payload();
    return res(std::move(answer));
  }
  res(json_answer(404, R"({"code":"RESOURCE_NOT_FOUND"})"));
}

void momo_sim::token(const recorded_request& req, http::responder res,
                     const std::string&) {
  auto expected = "Basic " + crypto::base64(creds.api_user + ":" + creds.api_key);
  if (req.header("authorization") != expected
      || req.header("ocp-apim-subscription-key") != creds.subscription_key)
    return res(json_answer(401, R"({"error":"login_failed"})"));
  std::lock_guard guard{mtx_};
  auto tok = "sim-token-" + std::to_string(++issued_);
  tokens_[tok] = true;
  res(json_answer(200, nlohmann::json{{"access_token", tok},
                                      {"token_type", "access_token"},
                                      {"expires_in", token_ttl_s}}
                         .dump()));
}

bool momo_sim::authorized(const recorded_request& req) const {
  auto auth = req.header("authorization");
  if (auth.rfind("Bearer ", 0) != 0
      || req.header("ocp-apim-subscription-key") != creds.subscription_key
      || req.header("x-target-environment").empty())
    return false;
  auto it = tokens_.find(auth.substr(7));
  return it != tokens_.end() && it->second;
}

void momo_sim::create(const recorded_request& req, http::responder res,
                      const std::string& product) {
  std::lock_guard guard{mtx_};
  if (!authorized(req))
    return res(json_answer(401, R"({"message":"Access denied"})"));
  auto ref = req.header("x-reference-id");
  if (!crypto::is_uuid_v4(ref))
    return res(json_answer(400, R"({"code":"INVALID_REFERENCE_ID"})"));
  if (payments_.count(ref) != 0)
    return res(json_answer(409, R"({"code":"RESOURCE_ALREADY_EXIST"})"));
  auto body = nlohmann::json::parse(req.body, nullptr, false);
  auto party = body.value(product == "collection" ? "payer" : "payee",
                          nlohmann::json::object());
  momo_payment p;
  p.product = product;
  p.reference = ref;
  p.amount = body.value("amount", "");
  p.currency = body.value("currency", "");
  p.msisdn = party.value("partyId", "");
  p.callback_url = req.header("x-callback-url");
  payments_[ref] = p;
  res(json_answer(202, ""));
}

void momo_sim::status(const recorded_request& req, http::responder res,
                      const std::string& product, const std::string& ref) {
  std::lock_guard guard{mtx_};
  if (!authorized(req))
    return res(json_answer(401, R"({"message":"Access denied"})"));
  auto it = payments_.find(ref);
  if (it == payments_.end() || it->second.product != product)
    return res(json_answer(404, R"({"code":"RESOURCE_NOT_FOUND"})"));
  res(json_answer(200, payment_json(it->second).dump()));
}

int momo_sim::settle(const std::string& reference, const std::string& status,
                     const std::string& reason) {
  momo_payment p;
  {
    std::lock_guard guard{mtx_};
    auto& stored = payments_.at(reference);
    stored.status = status;
    stored.reason = reason;
    stored.financial_id = std::to_string(10'000'000 + payments_.size());
    p = stored;
  }
  if (lose_callbacks)
    return 0;
  // MoMo's callback: the payment as the status GET would show it, PUT once.
  return send_to(p.callback_url, "PUT", payment_json(p).dump(),
                 {{"Content-Type", "application/json"}});
}

void momo_sim::report_amount(const std::string& reference,
                             const std::string& amount) {
  std::lock_guard guard{mtx_};
  payments_.at(reference).amount = amount;
}

void momo_sim::revoke_tokens() {
  std::lock_guard guard{mtx_};
  for (auto& [tok, valid] : tokens_)
    valid = false;
}

void momo_sim::seed(momo_payment p) {
  std::lock_guard guard{mtx_};
  payments_[p.reference] = std::move(p);
}

void momo_sim::add_statement_line(const std::string& day, const std::string& id,
                                  const std::string& time,
                                  const std::string& status,
                                  const std::string& from_msisdn,
                                  const std::string& amount) {
  std::lock_guard guard{mtx_};
  statement_[day].push_back(id + ",," + day + " " + time + "," + status
                            + ",Payment,FRI:" + from_msisdn
                            + "/MSISDN,FRI:123456/MM," + amount + ",RWF");
}

std::optional<momo_payment> momo_sim::payment(const std::string& ref) const {
  std::lock_guard guard{mtx_};
  auto it = payments_.find(ref);
  if (it == payments_.end())
    return std::nullopt;
  return it->second;
}

std::vector<momo_payment> momo_sim::payments() const {
  std::lock_guard guard{mtx_};
  std::vector<momo_payment> out;
  for (auto& [ref, p] : payments_)
    out.push_back(p);
  return out;
}

size_t momo_sim::tokens_issued() const {
  std::lock_guard guard{mtx_};
  return issued_;
}

} // namespace easymo::test
