#include "actors/admin/admin.hpp"

#include "runtime/directory.hpp"
#include "runtime/log.hpp"

#include <caf/all.hpp>

#include <nlohmann/json.hpp>

namespace easymo::admin {

namespace {

namespace bhttp = boost::beast::http;

constexpr auto tree_timeout = std::chrono::seconds(5);

void answer_tree(actor* self, http::responder res) {
  auto root = directory::get(self->system(), directory::root);
  if (!root) {
    res(http::json_error(bhttp::status::service_unavailable,
                         "supervision tree not running"));
    return;
  }
  self->request(root, tree_timeout, caf::get_atom::value, tree_atom::value)
    .then(
      [res](std::string& tree) {
        auto json = nlohmann::json::parse(tree, nullptr, false);
        res(http::json_response(bhttp::status::ok, json));
      },
      [res](caf::error&) {
        res(http::json_error(bhttp::status::gateway_timeout,
                             "supervision tree did not answer"));
      });
}

void kill_named(actor* self, const http::request& req, http::responder res) {
  auto body = nlohmann::json::parse(req.body(), nullptr, false);
  if (!body.is_object() || !body.contains("actor")
      || !body["actor"].is_string()) {
    res(http::json_error(bhttp::status::bad_request,
                         "expected a JSON body {\"actor\": \"<name>\"}"));
    return;
  }
  auto name = body["actor"].get<std::string>();
  if (name.empty() || name.size() > 10) {
    res(http::json_error(bhttp::status::not_found, "no such actor"));
    return;
  }
  auto target = directory::get(self->system(), caf::atom_from_string(name));
  if (!target) {
    res(http::json_error(bhttp::status::not_found, "no such actor"));
    return;
  }
  ++self->state.kills;
  log::warn("admin", "killing actor on request",
            {{"actor", name}, {"remote", req.remote.address().to_string()}},
            req.id);
  self->send_exit(target, caf::exit_reason::kill);
  res(http::json_response(bhttp::status::accepted, {{"killed", name}}));
}

} // namespace

caf::behavior admin(actor* self) {
  return {
    [self](tree_atom, http::request_ptr&, http::responder& res) {
      ++self->state.requests;
      answer_tree(self, res);
    },
    [self](kill_atom, http::request_ptr& req, http::responder& res) {
      ++self->state.requests;
      kill_named(self, *req, res);
    },
    [self](caf::get_atom, info_atom) {
      nlohmann::json out{{"requests", self->state.requests},
                         {"kills", self->state.kills},
                         {"mailbox", self->mailbox().size()}};
      return out.dump();
    },
  };
}

} // namespace easymo::admin
