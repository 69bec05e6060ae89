// Runs the real easymod binary for system tests: its own ports, its own
// database, its log captured to a file, and the signals a test needs (SIGTERM
// for an orderly stop, SIGKILL for a crash).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace easymo::test {

/// The easymod built by this tree (EASYMO_BUILD_DIR/easymod, else build/).
std::string easymod_path();

class daemon {
public:
  struct options {
    std::string database_url;
    /// Extra environment, e.g. {"EASYMO_LOG_LEVEL", "debug"}.
    std::map<std::string, std::string> env;
    std::vector<std::string> args;
    /// 0 picks a free port.
    uint16_t http_port = 0;
    uint16_t admin_port = 0;
    /// Label for the log file name.
    std::string label = "easymod";
  };

  explicit daemon(options opts);
  /// Kills the process if it is still running.
  ~daemon();
  daemon(const daemon&) = delete;
  daemon& operator=(const daemon&) = delete;

  /// Starts the process (again, after a stop or a crash).
  void start();

  /// Polls GET /readyz until it answers 200 or `timeout` passes.
  bool wait_ready(std::chrono::milliseconds timeout = std::chrono::seconds(30));

  /// Sends `sig` and waits for the exit; returns the exit code, 128+signal
  /// when killed by a signal, or nothing if it did not end in time.
  std::optional<int> stop(int sig, std::chrono::milliseconds timeout
                                   = std::chrono::seconds(15));

  /// Waits for the process to end on its own.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);

  /// SIGKILL and reap: a crash.
  void crash();

  bool running();
  pid_t pid() const { return pid_; }
  uint16_t http_port() const { return opts_.http_port; }
  uint16_t admin_port() const { return opts_.admin_port; }
  const options& opts() const { return opts_; }

  /// Everything the process wrote to stderr and stdout so far.
  std::string log() const;
  const std::string& log_path() const { return log_path_; }

private:
  options opts_;
  std::string log_path_;
  pid_t pid_ = -1;
};

} // namespace easymo::test
