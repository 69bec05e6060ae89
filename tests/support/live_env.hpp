// easymod in live mode against the Graph API simulator, for end-to-end
// system tests: a private database, the simulator on a free port (real HTTP,
// in this process, so a test reads what it received and injects faults
// directly), and the real easymod pointed at it with test credentials. A test
// posts signed webhooks as Meta would and waits, with a deadline, for what
// the simulator received.
#pragma once

#include "tests/support/daemon.hpp"
#include "tests/support/graph_sim.hpp"
#include "tests/support/pg.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace easymo::test {

class live_env {
public:
  static constexpr const char* app_secret = "e2e-app-secret";
  static constexpr const char* admin_token = "e2e-admin-token";
  static constexpr const char* phone_number_id = "106540352242922";

  /// `env` adds or overrides easymod settings (EASYMO_SESSION_IDLE_TIMEOUT...).
  explicit live_env(const std::string& label,
                    std::map<std::string, std::string> env = {});

  graph_sim sim;
  scoped_database db;
  daemon d;

  /// Starts easymod and waits until it is ready; fails the test otherwise.
  void start();

  // -- webhooks ----------------------------------------------------------------
  /// Posts `body` signed with app_secret; requires a 200. Returns the wamid
  /// count the journal reported as new.
  long post(const std::string& body);
  /// A text message from `from`, with a fresh wamid; returns the wamid.
  std::string text(const std::string& from, const std::string& body);
  /// A tap on our button (or list row) `id` titled `title`.
  std::string tap(const std::string& from, const std::string& id,
                  const std::string& title, bool list = false);

  // -- what the simulator received ---------------------------------------------
  /// Waits until the simulator accepted `n` messages for `to` and returns
  /// the n-th (1-based) request body; fails the test at the deadline.
  nlohmann::json reply(const std::string& to, size_t n,
                       std::chrono::milliseconds timeout
                       = std::chrono::seconds(20));
  /// Accepted messages for `to` so far.
  size_t accepted(const std::string& to) const;
  /// `body` with the biz_opaque_callback_data the outbox adds: the id of the
  /// n-th (1-based) outbox row for `to`.
  nlohmann::json with_row_id(nlohmann::json body, const std::string& to,
                             size_t n) const;

  // -- inspection ----------------------------------------------------------------
  /// The sum of a metric's samples whose series starts with `series` (a
  /// name, or a name with its first labels: `x{gateway="whatsapp"`), or
  /// nothing when /metrics has none.
  std::optional<double> metric(const std::string& series) const;
  /// GET on the admin listener with the admin token; requires a 200.
  nlohmann::json admin(const std::string& target) const;

private:
  std::string next_wamid();
  std::string label_;
  size_t wamids_ = 0;
};

/// A message body as the Graph API receives it, without the callback data.
nlohmann::json text_body(const std::string& to, const std::string& body);
nlohmann::json buttons_body(
  const std::string& to, const std::string& body,
  const std::vector<std::pair<std::string, std::string>>& buttons);

} // namespace easymo::test
