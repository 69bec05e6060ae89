#include "actors/gateways/caller.hpp"

#include "runtime/supervisor/registered_child.hpp"

#include <caf/all.hpp>

#include <nlohmann/json.hpp>

namespace easymo::gateways {

namespace {

using done_atom = caf::atom_constant<caf::atom("calldone")>;

// No client error: the call produced a response.
constexpr int8_t no_error = -1;

caf::result<http::client_response> start_call(caller_actor* self,
                                              http::client_request& req) {
  auto& st = self->state;
  ++st.calls;
  auto id = st.next_call++;
  auto rp = self->make_response_promise();
  st.pending.emplace(id, rp);
  // A weak handle: a caller that died meanwhile has lost its promises
  // anyway (their requesters got an error), so the answer is dropped.
  auto me = self->address();
  st.client->send(std::move(req), [me, id](std::optional<http::client_error> err,
                                           http::client_response res) {
    auto code = err ? static_cast<int8_t>(*err) : no_error;
    if (auto hdl = caf::actor_cast<caf::actor>(me))
      caf::anon_send(hdl, done_atom::value, id, code, std::move(res));
  });
  return caf::delegated<http::client_response>{};
}

void finish_call(caller_actor* self, uint64_t id, int8_t code,
                 http::client_response& res) {
  auto& st = self->state;
  auto it = st.pending.find(id);
  if (it == st.pending.end())
    return;
  auto rp = std::move(it->second);
  st.pending.erase(it);
  if (code == no_error) {
    rp.deliver(std::move(res));
    return;
  }
  ++st.failures;
  auto err = static_cast<http::client_error>(code);
  rp.deliver(make_error(from_client_error(err), std::string{to_string(err)}));
}

} // namespace

caf::error make_error(errc code, std::string context) {
  return caf::error{static_cast<uint8_t>(code), error_category,
                    caf::make_message(std::move(context))};
}

errc from_client_error(http::client_error err) {
  switch (err) {
    case http::client_error::timeout:
      return errc::timeout;
    case http::client_error::connect_failed:
      return errc::connect_failed;
    case http::client_error::tls_failed:
      return errc::tls_failed;
    case http::client_error::closed:
      return errc::closed;
    case http::client_error::protocol:
      return errc::protocol;
    case http::client_error::body_too_large:
      return errc::body_too_large;
    case http::client_error::bad_url:
      return errc::bad_url;
    case http::client_error::bad_request:
      return errc::bad_request;
    default:
      return errc::overloaded;
  }
}

std::string render_error(uint8_t code, caf::atom_value,
                         const caf::message& context) {
  static constexpr const char* names[] = {
    "none",     "timeout",        "connect_failed", "tls_failed",
    "closed",   "protocol",       "body_too_large", "bad_url",
    "bad_request", "overloaded",  "not_running"};
  std::string out = "gateway:";
  out += code < std::size(names) ? names[code] : "unknown";
  if (context.match_elements<std::string>()
      && !context.get_as<std::string>(0).empty())
    out += " (" + context.get_as<std::string>(0) + ")";
  return out;
}

caf::behavior caller(caller_actor* self, std::shared_ptr<http::client> client,
                     std::string gateway) {
  self->state.client = std::move(client);
  self->state.gateway = std::move(gateway);
  return {
    [self](call_atom, http::client_request& req) {
      return start_call(self, req);
    },
    [self](done_atom, uint64_t id, int8_t code, http::client_response& res) {
      finish_call(self, id, code, res);
    },
    [self](caf::get_atom, info_atom) {
      auto& st = self->state;
      nlohmann::json out{{"gateway", st.gateway},
                         {"calls", st.calls},
                         {"failures", st.failures},
                         {"in_flight", st.pending.size()},
                         {"mailbox", self->mailbox().size()}};
      return out.dump();
    },
  };
}

supervision::child_spec caller_child(std::string gateway, caf::atom_value name,
                                     std::shared_ptr<http::client> client) {
  return supervision::registered_child("caller:" + gateway, "gateway.caller",
                                       name, caller, client, gateway);
}

} // namespace easymo::gateways
