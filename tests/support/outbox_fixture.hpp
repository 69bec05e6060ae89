// The delivery path for integration tests, in one process: a migrated test
// database, the db pool, the Graph API simulator, an http::client on io
// threads of its own, breaker:whatsapp and the outbox dispatcher, wired as
// in the daemon but with short timers. Rows are inserted the way sessions
// insert them, and the test watches the table and the simulator.
#pragma once

#include "actors/breaker/breaker.hpp"
#include "actors/outbox/outbox.hpp"
#include "protocols/http/client.hpp"
#include "protocols/http/io_pool.hpp"
#include "tests/support/graph_sim.hpp"
#include "tests/support/pg.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace easymo::test {

/// One outbox row as the table has it now.
struct row_view {
  std::string status;
  int32_t attempts = 0;
  std::string wamid;
  nlohmann::json last_error;
  /// next_attempt_at - updated_at, in milliseconds.
  int64_t delay_ms = 0;
  bool sent_at = false;
};

class outbox_fixture {
public:
  outbox_fixture();
  ~outbox_fixture();

  /// Starts breaker and dispatcher; tweak `breaker_cfg` and `opts` first.
  void start();

  /// Stops the dispatcher with an orderly exit and waits until it is gone.
  bool stop_outbox(std::chrono::milliseconds timeout);

  /// A text message body for `to`.
  static std::string text(const std::string& to, const std::string& body = "Murakoze");

  /// Inserts a row as a session would; `window_s` is the window's end
  /// relative to now in seconds, none for a template (NULL).
  outbox::outbox_row insert(const std::string& to, const std::string& message,
                            std::optional<int> window_s = 3600);

  /// Tells the dispatcher about rows, as the committer does after COMMIT.
  void notify(std::vector<outbox::outbox_row> rows);

  row_view row(int64_t id);

  /// Waits until row `id` has `status`.
  bool wait_status(int64_t id, const std::string& status,
                   std::chrono::milliseconds timeout = std::chrono::seconds(10));

  /// Runs one SQL statement on the test database.
  void exec(const std::string& sql);

  /// A single bigint from `sql`.
  int64_t scalar(const std::string& sql);

  /// The dispatcher's and the breaker's info JSON.
  nlohmann::json outbox_info();
  nlohmann::json breaker_info();

  scoped_database db{"outbox"};
  graph_sim sim;
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::unique_ptr<http::io_pool> io;
  std::shared_ptr<http::client> client;
  caf::actor pool;
  caf::actor breaker;
  caf::actor outbox;
  breaker::breaker_config breaker_cfg;
  outbox::outbox_options opts;
};

} // namespace easymo::test
