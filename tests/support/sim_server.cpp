#include "tests/support/sim_server.hpp"

#include "protocols/http/client_form.hpp"
#include "tests/support/http_client.hpp"

#include <algorithm>
#include <cctype>

namespace easymo::test {

namespace bhttp = boost::beast::http;

std::string recorded_request::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string{} : it->second;
}

std::string recorded_request::query(const std::string& name) const {
  auto fields = http::query_of(target);
  auto it = fields.find(name);
  return it == fields.end() ? std::string{} : it->second;
}

sim_server::sim_server(std::string name, handler on_request)
  : handler_(std::move(on_request)) {
  http::server_options opts;
  opts.name = std::move(name);
  opts.read_timeout = std::chrono::seconds(10);
  opts.idle_timeout = std::chrono::seconds(10);
  server_ = std::make_unique<http::server>(
    io_, opts, [this](http::request_ptr req, http::responder res) {
      this->on_request(std::move(req), std::move(res));
    });
  io_.start();
}

sim_server::~sim_server() {
  server_->close_all();
  server_.reset();
  {
    std::lock_guard guard{mtx_};
    stalled_.clear();
  }
  io_.stop();
  io_.join();
}

uint16_t sim_server::port() const {
  return server_->port();
}

std::string sim_server::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port()) + path;
}

void sim_server::fail_next(int status, size_t times) {
  std::lock_guard guard{mtx_};
  for (size_t i = 0; i < times; ++i)
    faults_.push_back(status);
}

void sim_server::stall_next(size_t times) {
  fail_next(0, times);
}

void sim_server::fail_all(int status) {
  std::lock_guard guard{mtx_};
  fail_all_ = status;
}

std::vector<recorded_request> sim_server::requests() const {
  std::lock_guard guard{mtx_};
  return seen_;
}

size_t sim_server::count(const std::string& prefix) const {
  std::lock_guard guard{mtx_};
  return static_cast<size_t>(
    std::count_if(seen_.begin(), seen_.end(), [&](const recorded_request& r) {
      return r.path.rfind(prefix, 0) == 0;
    }));
}

void sim_server::on_request(http::request_ptr req, http::responder res) {
  recorded_request rec;
  rec.method = std::string{req->message.method_string()};
  rec.target = std::string{req->message.target()};
  rec.path = std::string{req->path()};
  for (auto& field : req->message) {
    std::string name{field.name_string()};
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    rec.headers[name] = std::string{field.value()};
  }
  rec.body = req->body();
  std::optional<int> fault;
  {
    std::lock_guard guard{mtx_};
    seen_.push_back(rec);
    if (fail_all_ != 0) {
      fault = fail_all_;
    } else if (!faults_.empty()) {
      fault = faults_.front();
      faults_.pop_front();
    }
    if (fault && *fault == 0) {
      stalled_.push_back(std::move(res));
      return;
    }
  }
  if (fault) {
    auto answer = json_answer(*fault, R"({"error":"injected by the simulator"})");
    if (*fault == 429)
      answer.set(bhttp::field::retry_after, "1");
    res(std::move(answer));
    return;
  }
  handler_(rec, std::move(res));
}

int send_to(const std::string& url, const std::string& method,
            const std::string& body,
            const std::vector<std::pair<std::string, std::string>>& headers) {
  const std::string prefix = "http://127.0.0.1:";
  if (url.rfind(prefix, 0) != 0)
    return 0;
  auto rest = url.substr(prefix.size());
  auto slash = rest.find('/');
  auto port = static_cast<uint16_t>(std::stoi(rest.substr(0, slash)));
  auto target = slash == std::string::npos ? "/" : rest.substr(slash);
  auto answer = http_request(port, method, target, body, headers);
  return answer ? answer->status : 0;
}

http::response json_answer(int status, const std::string& body) {
  http::response res{static_cast<bhttp::status>(status), 11};
  res.set(bhttp::field::content_type, "application/json");
  res.body() = body;
  res.prepare_payload();
  return res;
}

} // namespace easymo::test
