#include "tests/support/graph_sim_process.hpp"

#include "tests/support/daemon.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/pg.hpp"

#include <csignal>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

namespace easymo::test {

graph_sim_process::graph_sim_process(const std::string& token)
  : port_(free_port()) {
  auto path = easymod_path();
  path = path.substr(0, path.rfind('/')) + "/tests/easymo-graph-sim";
  auto port = std::to_string(port_);
  pid_ = ::fork();
  if (pid_ < 0)
    throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::execl(path.c_str(), path.c_str(), "--port", port.c_str(), "--token",
            token.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  if (!eventually([&] { return http_get(port_, "/_sim/counts").has_value(); }))
    throw std::runtime_error("easymo-graph-sim did not start: " + path);
}

graph_sim_process::~graph_sim_process() {
  if (pid_ <= 0)
    return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
}

std::string graph_sim_process::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

} // namespace easymo::test
