// A Slack incoming-webhook simulator: records the text of every message
// posted to /services/T000/B000/XXXX and answers "ok", or the faults a test
// injects through its sim_server (a 500, a stall).
#pragma once

#include "tests/support/sim_server.hpp"

#include <string>
#include <vector>

namespace easymo::test {

class slack_sim {
public:
  slack_sim();

  /// The webhook URL to configure (EASYMO_SLACK_WEBHOOK_URL).
  std::string webhook_url() const { return server.url(path); }

  /// The texts Slack accepted, in order.
  std::vector<std::string> messages() const;

  sim_server server;

private:
  static constexpr const char* path = "/services/T000/B000/XXXX";
  mutable std::mutex mtx_;
  std::vector<std::string> messages_;
};

} // namespace easymo::test
