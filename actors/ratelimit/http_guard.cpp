#include "actors/ratelimit/http_guard.hpp"

#include "runtime/directory.hpp"
#include "runtime/http_messages.hpp"

#include <caf/all.hpp>

namespace easymo::ratelimit {

namespace bhttp = boost::beast::http;

http::response too_many_requests(const decision& d) {
  auto res = http::json_error(bhttp::status::too_many_requests,
                              "too many requests, retry later");
  res.set(bhttp::field::retry_after, std::to_string(retry_after_seconds(d)));
  return res;
}

http::handler limited(caf::actor_system& sys, policy limits, key_function key_of,
                      http::handler inner) {
  return [&sys, limits = std::move(limits), key_of = std::move(key_of),
          inner = std::move(inner)](http::request_ptr req, http::responder res) {
    auto limiter = directory::get(sys, directory::limiter);
    if (!limiter) {
      inner(std::move(req), std::move(res));
      return;
    }
    check_request check{limits, {key_of(*req)}};
    caf::anon_send(limiter, std::move(check),
                   check_completion{[inner, req, res](check_reply reply) {
                     if (reply.decisions.empty() || reply.decisions[0].allowed)
                       inner(req, res);
                     else
                       res(too_many_requests(reply.decisions[0]));
                   }});
  };
}

} // namespace easymo::ratelimit
