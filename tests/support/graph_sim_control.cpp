// The simulator's control API, for tests and benchmarks that run it as a
// separate process (easymo-graph-sim). Loopback tooling: no token.
//
//   GET  /_sim/counts                 {"requests","accepted","refused",
//                                      "faulted","stalled","dropped",
//                                      "duplicates"}
//   GET  /_sim/requests?to=<wa_id>    {"requests":[{"to","type",
//                                      "biz_opaque_callback_data","wamid",
//                                      "status","body"}]}
//   POST /_sim/faults                 {"kind":"throttle"|"pair_limit"|
//                                      "server_error"|"permanent"|"auth"|
//                                      "stall"|"drop", "count":N | "percent":P,
//                                      "status":503, "code":131026}
//   POST /_sim/faults/clear
//   POST /_sim/release                answer stalled requests
//   POST /_sim/reset                  forget records and faults
#include "protocols/http/query.hpp"
#include "tests/support/graph_sim.hpp"

namespace easymo::test {

namespace {

namespace bhttp = boost::beast::http;
using json = nlohmann::json;

const std::map<std::string, graph_fault::kind>& fault_kinds() {
  static const std::map<std::string, graph_fault::kind> kinds{
    {"throttle", graph_fault::kind::throttle},
    {"pair_limit", graph_fault::kind::pair_limit},
    {"server_error", graph_fault::kind::server_error},
    {"permanent", graph_fault::kind::permanent},
    {"auth", graph_fault::kind::auth},
    {"stall", graph_fault::kind::stall},
    {"drop", graph_fault::kind::drop},
  };
  return kinds;
}

json record_json(const sim_record& r) {
  return {{"to", r.to},
          {"type", r.type},
          {"biz_opaque_callback_data", r.callback_data},
          {"wamid", r.wamid},
          {"status", r.status},
          {"body", r.body}};
}

http::response no_content() {
  http::response res{bhttp::status::no_content, 11};
  return res;
}

} // namespace

std::optional<graph_fault> fault_from_json(const json& spec) {
  if (!spec.is_object() || !spec.contains("kind") || !spec["kind"].is_string())
    return std::nullopt;
  auto it = fault_kinds().find(spec["kind"].get<std::string>());
  if (it == fault_kinds().end())
    return std::nullopt;
  graph_fault f;
  switch (it->second) {
    case graph_fault::kind::throttle:
      f = graph_fault::throttle();
      break;
    case graph_fault::kind::pair_limit:
      f = graph_fault::pair_limit();
      break;
    case graph_fault::kind::server_error:
      f = graph_fault::server_error(spec.value("status", 500));
      break;
    case graph_fault::kind::permanent:
      f = graph_fault::permanent(spec.value("code", int64_t{131026}));
      break;
    case graph_fault::kind::auth:
      f = graph_fault::auth();
      break;
    case graph_fault::kind::stall:
      f = graph_fault::stall();
      break;
    case graph_fault::kind::drop:
      f = graph_fault::drop();
      break;
  }
  return f;
}

bool graph_sim::handle_control(const http::request& req, http::responder& res) {
  auto path = req.path();
  if (path.rfind("/_sim/", 0) != 0)
    return false;
  bool post = req.method() == bhttp::verb::post;
  if (path == "/_sim/counts") {
    auto c = counts();
    res(http::json_response(bhttp::status::ok,
                            {{"requests", c.requests},
                             {"accepted", c.accepted},
                             {"refused", c.refused},
                             {"faulted", c.faulted},
                             {"stalled", c.stalled},
                             {"dropped", c.dropped},
                             {"duplicates", c.duplicates}}));
  } else if (path == "/_sim/requests") {
    auto to = http::query_param(req, "to");
    auto list = json::array();
    for (auto& r : to ? requests_to(*to) : requests())
      list.push_back(record_json(r));
    res(http::json_response(bhttp::status::ok, {{"requests", list}}));
  } else if (post && path == "/_sim/faults") {
    auto spec = json::parse(req.body(), nullptr, false);
    auto f = fault_from_json(spec);
    if (!f) {
      res(http::json_error(bhttp::status::bad_request, "unknown fault kind"));
    } else {
      if (spec.contains("percent"))
        fail_percent(spec.value("percent", 0.0), *f);
      else
        fail_next(spec.value("count", size_t{1}), *f);
      res(no_content());
    }
  } else if (post && path == "/_sim/faults/clear") {
    clear_faults();
    res(no_content());
  } else if (post && path == "/_sim/release") {
    release_stalled();
    res(no_content());
  } else if (post && path == "/_sim/reset") {
    reset();
    res(no_content());
  } else {
    res(http::json_error(bhttp::status::not_found, "no such control route"));
  }
  return true;
}

} // namespace easymo::test
