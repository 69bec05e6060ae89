// easymo-graph-sim as a child process, for system tests that point a real
// easymod at it: started on a free port, killed when the object goes away.
#pragma once

#include <cstdint>
#include <string>
#include <sys/types.h>

namespace easymo::test {

class graph_sim_process {
public:
  /// Starts the simulator accepting `token` and waits until it answers.
  explicit graph_sim_process(const std::string& token);
  ~graph_sim_process();

  graph_sim_process(const graph_sim_process&) = delete;
  graph_sim_process& operator=(const graph_sim_process&) = delete;

  uint16_t port() const { return port_; }
  std::string base_url() const;

private:
  uint16_t port_ = 0;
  pid_t pid_ = -1;
};

} // namespace easymo::test
