#include "actors/breaker/board.hpp"

#include "runtime/directory.hpp"
#include "runtime/log.hpp"

#include <caf/all.hpp>

#include <nlohmann/json.hpp>

namespace easymo::breaker {

namespace {

namespace bhttp = boost::beast::http;
using json = nlohmann::json;

constexpr auto breaker_answer_timeout = std::chrono::seconds(5);

breaker_actor find(board_actor* self, const std::string& gateway) {
  return caf::actor_cast<breaker_actor>(
    directory::get(self->system(), directory_name(gateway)));
}

// Collects one answer per gateway and replies once all are in.
struct listing {
  json breakers = json::array();
  size_t pending = 0;
  http::responder res;

  explicit listing(http::responder r) : res(std::move(r)) {}

  void done() {
    if (--pending == 0)
      res(http::json_response(bhttp::status::ok, {{"breakers", breakers}}));
  }
};

void list_all(board_actor* self, http::responder res) {
  auto acc = std::make_shared<listing>(std::move(res));
  auto& gateways = self->state.gateways;
  acc->pending = 1; // Released after every request went out.
  for (size_t i = 0; i < gateways.size(); ++i) {
    acc->breakers.push_back({{"gateway", gateways[i]}, {"state", "not_running"}});
    auto target = find(self, gateways[i]);
    if (!target)
      continue;
    ++acc->pending;
    self->request(target, breaker_answer_timeout, caf::get_atom::value,
                  info_atom::value)
      .then(
        [acc, i](std::string& text) {
          auto info = json::parse(text, nullptr, false);
          if (info.is_object())
            acc->breakers[i] = std::move(info);
          acc->done();
        },
        [acc](caf::error&) { acc->done(); });
  }
  acc->done();
}

// POST /admin/breakers/{reset,open} {"gateway": "<name>"}.
template <class Atom>
void control(board_actor* self, const http::request& req, http::responder res,
             Atom what, const char* verb) {
  auto body = json::parse(req.body(), nullptr, false);
  if (!body.is_object() || !body.contains("gateway")
      || !body["gateway"].is_string()) {
    res(http::json_error(bhttp::status::bad_request,
                         "expected a JSON body {\"gateway\": \"<name>\"}"));
    return;
  }
  auto gateway = body["gateway"].get<std::string>();
  auto& known = self->state.gateways;
  auto target = std::find(known.begin(), known.end(), gateway) != known.end()
                  ? find(self, gateway)
                  : breaker_actor{};
  if (!target) {
    res(http::json_error(bhttp::status::not_found, "no such breaker"));
    return;
  }
  log::warn("breaker", "operator request",
            {{"gateway", gateway},
             {"action", verb},
             {"remote", req.remote.address().to_string()}},
            req.id);
  self->request(target, breaker_answer_timeout, what)
    .then(
      [res](std::string& text) {
        res(http::json_response(bhttp::status::ok,
                                json::parse(text, nullptr, false)));
      },
      [res](caf::error&) {
        res(http::json_error(bhttp::status::gateway_timeout,
                             "the breaker did not answer"));
      });
}

} // namespace

caf::behavior board(board_actor* self, std::vector<std::string> gateways) {
  self->state.gateways = std::move(gateways);
  return {
    [self](breakers_atom, http::request_ptr&, http::responder& res) {
      ++self->state.requests;
      list_all(self, res);
    },
    [self](caf::reset_atom, http::request_ptr& req, http::responder& res) {
      ++self->state.requests;
      control(self, *req, res, caf::reset_atom::value, "reset");
    },
    [self](caf::open_atom, http::request_ptr& req, http::responder& res) {
      ++self->state.requests;
      control(self, *req, res, caf::open_atom::value, "force_open");
    },
    [self](caf::get_atom, info_atom) {
      json out{{"gateways", self->state.gateways},
               {"requests", self->state.requests},
               {"mailbox", self->mailbox().size()}};
      return out.dump();
    },
  };
}

supervision::child_spec board_child(std::vector<std::string> gateways) {
  supervision::child_spec spec;
  spec.name = "breakers";
  spec.kind = "breaker.board";
  spec.start = [gateways](caf::event_based_actor* parent) {
    auto actor = parent->spawn(board, gateways);
    directory::put(parent->system(), directory::breakers, actor);
    return actor;
  };
  return spec;
}

} // namespace easymo::breaker
