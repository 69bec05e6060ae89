#include "tests/support/graph_sim.hpp"

#include "protocols/whatsapp/graph.hpp"
#include "protocols/whatsapp/graph_answers.hpp"
#include "protocols/whatsapp/outbound.hpp"

namespace easymo::test {

namespace {

namespace wa = easymo::whatsapp;

http::response fault_response(const graph_fault& f) {
  switch (f.what) {
    case graph_fault::kind::throttle:
      return wa::graph_error_response(wa::graph_error(wa::graph_code::throughput));
    case graph_fault::kind::pair_limit:
      return wa::graph_error_response(wa::graph_error(wa::graph_code::pair_rate));
    case graph_fault::kind::auth:
      return wa::graph_error_response(
        wa::graph_error(wa::graph_code::token_expired));
    case graph_fault::kind::permanent:
      return wa::graph_error_response(wa::graph_error(f.code));
    default: {
      auto spec = wa::graph_error(f.http_status == 503
                                    ? wa::graph_code::service_unavailable
                                    : wa::graph_code::something_wrong);
      spec.http_status = f.http_status;
      return wa::graph_error_response(spec);
    }
  }
}

std::string text_of(const nlohmann::json& body, const char* key) {
  if (!body.is_object())
    return {};
  auto it = body.find(key);
  return it != body.end() && it->is_string() ? it->get<std::string>()
                                             : std::string{};
}

} // namespace

graph_fault graph_fault::throttle() {
  return {kind::throttle, 429, wa::graph_code::throughput};
}

graph_fault graph_fault::pair_limit() {
  return {kind::pair_limit, 429, wa::graph_code::pair_rate};
}

graph_fault graph_fault::server_error(int http_status) {
  return {kind::server_error, http_status, 0};
}

graph_fault graph_fault::permanent(int64_t code) {
  return {kind::permanent, 400, code};
}

graph_fault graph_fault::auth() {
  return {kind::auth, 401, wa::graph_code::token_expired};
}

graph_fault graph_fault::stall() {
  return {kind::stall, 0, 0};
}

graph_fault graph_fault::drop() {
  return {kind::drop, 0, 0};
}

graph_sim::graph_sim() : graph_sim(options{}) {
}

graph_sim::graph_sim(options opts)
  : opts_(std::move(opts)), rng_(opts_.seed), io_(opts_.io_threads, "graph-sim") {
  http::server_options so;
  so.name = "graph-sim";
  so.host = opts_.host;
  so.port = opts_.port;
  server_ = std::make_unique<http::server>(
    io_, so, [this](http::request_ptr req, http::responder res) {
      handle(std::move(req), std::move(res));
    });
  io_.start();
}

graph_sim::~graph_sim() {
  reset();
  server_.reset();
  io_.stop();
  io_.join();
}

uint16_t graph_sim::port() const {
  return server_->port();
}

std::string graph_sim::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port());
}

void graph_sim::fail_next(size_t n, graph_fault f) {
  std::lock_guard guard{mtx_};
  next_.emplace_back(n, f);
}

void graph_sim::fail_percent(double percent, graph_fault f) {
  std::lock_guard guard{mtx_};
  percent_.emplace(percent, f);
}

void graph_sim::clear_faults() {
  std::lock_guard guard{mtx_};
  next_.clear();
  percent_.reset();
}

std::optional<graph_fault> graph_sim::next_fault() {
  while (!next_.empty() && next_.front().first == 0)
    next_.pop_front();
  if (!next_.empty()) {
    --next_.front().first;
    return next_.front().second;
  }
  if (percent_) {
    std::uniform_real_distribution<double> draw{0, 100};
    if (draw(rng_) < percent_->first)
      return percent_->second;
  }
  return std::nullopt;
}

size_t graph_sim::add_record(sim_record r) {
  ++counts_.requests;
  records_.push_back(std::move(r));
  return records_.size() - 1;
}

http::response graph_sim::accept(size_t record, const std::string& to,
                                 const std::string& callback_data,
                                 bool is_template) {
  auto wamid = wa::make_wamid();
  records_[record].wamid = wamid;
  records_[record].status = 200;
  ++counts_.accepted;
  if (!callback_data.empty() && ++accepted_by_data_[callback_data] > 1)
    ++counts_.duplicates;
  return http::json_response(http::beast_http::status::ok,
                             wa::accepted_body(to, wamid, is_template));
}

void graph_sim::handle_messages(const http::request& req, http::responder res) {
  std::string version;
  std::string number;
  if (req.method() != http::beast_http::verb::post
      || !wa::parse_messages_path(req.path(), "", version, number)) {
    res(wa::graph_error_response(
      wa::graph_error(wa::graph_code::invalid_parameter, "Unsupported request")));
    return;
  }
  nlohmann::json body;
  auto refusal = wa::judge_request(req, opts_.token, body);
  sim_record rec{text_of(body, "to"), text_of(body, "type"),
                 text_of(body, "biz_opaque_callback_data"),
                 opts_.keep_bodies ? req.body() : std::string{}, {}, 0,
                 req.received};
  std::unique_lock guard{mtx_};
  if (refusal) {
    ++counts_.refused;
    rec.status = refusal->http_status;
    add_record(std::move(rec));
    guard.unlock();
    res(wa::graph_error_response(*refusal));
    return;
  }
  auto to = rec.to;
  auto data = rec.callback_data;
  bool is_template = wa::is_template(body);
  auto index = add_record(std::move(rec));
  auto fault = next_fault();
  if (!fault) {
    auto answer = accept(index, to, data, is_template);
    guard.unlock();
    res(std::move(answer));
    return;
  }
  if (fault->what == graph_fault::kind::stall) {
    ++counts_.stalled;
    stalled_.push_back({index, to, data, is_template, std::move(res)});
    return;
  }
  if (fault->what == graph_fault::kind::drop) {
    ++counts_.dropped;
    records_[index].status = -1;
    guard.unlock();
    res.abort_connection();
    return;
  }
  ++counts_.faulted;
  auto answer = fault_response(*fault);
  records_[index].status = static_cast<int>(answer.result_int());
  guard.unlock();
  res(std::move(answer));
}

void graph_sim::handle(http::request_ptr req, http::responder res) {
  if (opts_.control_api && handle_control(*req, res))
    return;
  handle_messages(*req, std::move(res));
}

void graph_sim::release_stalled() {
  std::vector<std::pair<http::responder, http::response>> answers;
  {
    std::lock_guard guard{mtx_};
    for (auto& s : stalled_)
      answers.emplace_back(s.res,
                           accept(s.record, s.to, s.callback_data, s.is_template));
    stalled_.clear();
  }
  for (auto& [res, answer] : answers)
    res(std::move(answer));
}

std::vector<sim_record> graph_sim::requests() const {
  std::lock_guard guard{mtx_};
  return records_;
}

std::vector<sim_record> graph_sim::requests_to(const std::string& wa_id) const {
  std::lock_guard guard{mtx_};
  std::vector<sim_record> out;
  for (auto& r : records_)
    if (r.to == wa_id)
      out.push_back(r);
  return out;
}

sim_counts graph_sim::counts() const {
  std::lock_guard guard{mtx_};
  return counts_;
}

size_t graph_sim::copies_of(const std::string& callback_data) const {
  std::lock_guard guard{mtx_};
  auto it = accepted_by_data_.find(callback_data);
  return it == accepted_by_data_.end() ? 0 : it->second;
}

void graph_sim::reset() {
  std::vector<stalled_request> dropped;
  {
    std::lock_guard guard{mtx_};
    records_.clear();
    accepted_by_data_.clear();
    counts_ = {};
    next_.clear();
    percent_.reset();
    dropped.swap(stalled_);
  }
  for (auto& s : dropped)
    s.res.abort_connection();
}

} // namespace easymo::test
