#include "tests/support/revolut_sim.hpp"

#include "protocols/revolut/revolut.hpp"
#include "runtime/clock.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace easymo::test {

namespace {

nlohmann::json order_json(const revolut_order& o) {
  return {{"id", o.id},
          {"token", "tok-" + o.id},
          {"type", "payment"},
          {"state", o.state},
          {"created_at", o.created_at},
          {"amount", o.amount},
          {"currency", o.currency},
          {"merchant_order_data", {{"reference", o.reference}}},
          {"checkout_url", "https://checkout.revolut.test/" + o.id}};
}

} // namespace

revolut_sim::revolut_sim()
  : server("sim-revolut",
           [this](const recorded_request& req, http::responder res) {
             handle(req, std::move(res));
           }) {
}

void revolut_sim::handle(const recorded_request& req, http::responder res) {
  if (req.header("authorization") != "Bearer " + secret_key)
    return res(json_answer(401, R"({"code":"unauthenticated"})"));
  if (req.header("revolut-api-version").empty())
    return res(json_answer(400, R"({"code":"missing_api_version"})"));
  if (req.path == "/api/1.0/orders" && req.method == "GET")
    return list(req, std::move(res));
  std::lock_guard guard{mtx_};
  if (req.path == "/api/orders" && req.method == "POST") {
    auto body = nlohmann::json::parse(req.body, nullptr, false);
    revolut_order o;
    o.id = "ord-" + std::to_string(1000 + ++created_);
    o.amount = body.value("amount", int64_t{0});
    o.currency = body.value("currency", "");
    o.reference = body["merchant_order_data"].value("reference", "");
    auto now = now_ms != 0 ? wall_time{std::chrono::milliseconds{now_ms}}
                           : std::chrono::system_clock::now();
    o.created_at = rfc3339_utc(now);
    orders_[o.id] = o;
    last_ = o.id;
    return res(json_answer(201, order_json(o).dump()));
  }
  const std::string item = "/api/orders/";
  if (req.path.rfind(item, 0) == 0 && req.method == "GET") {
    auto it = orders_.find(req.path.substr(item.size()));
    if (it == orders_.end())
      return res(json_answer(404, R"({"code":"order_not_found"})"));
    return res(json_answer(200, order_json(it->second).dump()));
  }
  res(json_answer(404, R"({"code":"not_found"})"));
}

void revolut_sim::list(const recorded_request& req, http::responder res) {
  auto from = req.query("from_created_date");
  auto to = req.query("to_created_date");
  auto before = req.query("created_before");
  auto limit = std::stoul(req.query("limit").empty() ? "100"
                                                     : req.query("limit"));
  std::vector<revolut_order> all;
  {
    std::lock_guard guard{mtx_};
    for (auto& [id, o] : orders_)
      // RFC 3339 UTC strings of one format compare like the instants.
      if (o.created_at >= from && o.created_at < to
          && (before.empty() || o.created_at < before))
        all.push_back(o);
  }
  std::sort(all.begin(), all.end(), [](auto& a, auto& b) {
    return a.created_at > b.created_at;
  });
  auto page = nlohmann::json::array();
  for (size_t i = 0; i < all.size() && i < limit; ++i)
    page.push_back(order_json(all[i]));
  res(json_answer(200, page.dump()));
}

int revolut_sim::post_webhook(const std::string& body, int64_t timestamp_ms) {
  auto now = now_ms != 0 ? now_ms
                         : std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  auto ts = std::to_string(timestamp_ms != 0 ? timestamp_ms : now);
  std::string sig;
  for (auto& secret : signing_secrets)
    sig += (sig.empty() ? "" : ",") + revolut::sign(body, ts, secret);
  return send_to(webhook_url, "POST", body,
                 {{"Content-Type", "application/json"},
                  {"Revolut-Request-Timestamp", ts},
                  {"Revolut-Signature", sig}});
}

int revolut_sim::complete(const std::string& order, const std::string& state) {
  revolut_order o;
  {
    std::lock_guard guard{mtx_};
    auto& stored = orders_.at(order);
    stored.state = state;
    o = stored;
  }
  auto event = state == "completed" ? "ORDER_COMPLETED" : "ORDER_PAYMENT_FAILED";
  return post_webhook(nlohmann::json{{"event", event},
                                     {"order_id", o.id},
                                     {"merchant_order_ext_ref", o.reference}}
                        .dump());
}

void revolut_sim::report_amount(const std::string& order, int64_t amount) {
  std::lock_guard guard{mtx_};
  orders_.at(order).amount = amount;
}

void revolut_sim::seed(revolut_order o) {
  std::lock_guard guard{mtx_};
  orders_[o.id] = std::move(o);
}

void revolut_sim::forget(const std::string& id) {
  std::lock_guard guard{mtx_};
  orders_.erase(id);
}

std::optional<revolut_order> revolut_sim::order(const std::string& id) const {
  std::lock_guard guard{mtx_};
  auto it = orders_.find(id);
  if (it == orders_.end())
    return std::nullopt;
  return it->second;
}

std::optional<revolut_order> revolut_sim::last() const {
  std::lock_guard guard{mtx_};
  if (last_.empty())
    return std::nullopt;
  return orders_.at(last_);
}

} // namespace easymo::test
