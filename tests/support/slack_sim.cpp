#include "tests/support/slack_sim.hpp"

#include <nlohmann/json.hpp>

namespace easymo::test {

slack_sim::slack_sim()
  : server("sim-slack", [this](const recorded_request& req,
                                http::responder res) {
      auto body = nlohmann::json::parse(req.body, nullptr, false);
      if (req.path != path || req.method != "POST") {
        res(json_answer(404, "no_service"));
        return;
      }
      if (!body.is_object() || !body.contains("text")
          || !body["text"].is_string()) {
        res(json_answer(400, "invalid_payload"));
        return;
      }
      {
        std::lock_guard guard{mtx_};
        messages_.push_back(body["text"].get<std::string>());
      }
      http::response ok{boost::beast::http::status::ok, 11};
      ok.set(boost::beast::http::field::content_type, "text/html");
      ok.body() = "ok";
      ok.prepare_payload();
      res(std::move(ok));
    }) {
}

std::vector<std::string> slack_sim::messages() const {
  std::lock_guard guard{mtx_};
  return messages_;
}

} // namespace easymo::test
