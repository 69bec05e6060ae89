// PostgreSQL for tests: a fresh database per test in the suite's shared server
// (EASYMO_TEST_DATABASE_URL, started by tools/test), or a private server of
// its own for tests that stop and restart PostgreSQL.
#pragma once

#include <chrono>
#include <string>
#include <thread>

namespace easymo::test {

/// The admin connection string exported by tools/test; fails loudly if unset.
std::string admin_database_url();

/// Replaces (or adds) dbname in a keyword/value connection string.
std::string with_dbname(const std::string& conn, const std::string& dbname);

/// Creates a uniquely named database, migrated or empty, and drops it (with
/// FORCE) when destroyed.
class scoped_database {
public:
  explicit scoped_database(const std::string& prefix, bool migrate = true);
  ~scoped_database();
  scoped_database(const scoped_database&) = delete;
  scoped_database& operator=(const scoped_database&) = delete;

  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }

private:
  std::string name_;
  std::string url_;
};

/// A PostgreSQL server of the test's own, under var/test/private-*, so that
/// stopping it does not disturb other tests running in parallel.
class private_server {
public:
  explicit private_server(const std::string& label);
  ~private_server();
  private_server(const private_server&) = delete;
  private_server& operator=(const private_server&) = delete;

  void start();
  void stop();
  void restart();
  /// SIGKILL the postmaster: a crash, not a shutdown.
  void kill();
  const std::string& url() const { return url_; }
  uint16_t port() const { return port_; }

private:
  void run(const std::string& cmd);
  std::string dir_;
  uint16_t port_;
  std::string url_;
};

/// The single integer `sql` returns (a count, a sum), read on a connection
/// of its own.
long scalar(const std::string& url, const std::string& sql);

/// A TCP port on 127.0.0.1 that was free a moment ago.
uint16_t free_port();

/// Polls `pred` every 20 ms until it holds or `timeout` passes.
template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds timeout
                           = std::chrono::seconds(10)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred())
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return pred();
}

} // namespace easymo::test
