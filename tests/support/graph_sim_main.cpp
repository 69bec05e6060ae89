// easymo-graph-sim: the Graph API simulator as a process of its own, for
// system tests and the end-to-end benchmark. It prints its URL on the first
// line of stdout, serves until SIGINT or SIGTERM, and takes faults and
// answers counts through its /_sim/ control API (graph_sim_control.cpp).
//
//   easymo-graph-sim [--port N] [--host ADDR] [--token T] [--io-threads N]
//                    [--no-bodies] [--seed N]
//
// The token defaults to EASYMO_WHATSAPP_TOKEN, else "sim-token".
#include "tests/support/graph_sim.hpp"

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>

namespace {

int usage(const char* why) {
  std::cerr << "easymo-graph-sim: " << why << "\n"
            << "usage: easymo-graph-sim [--port N] [--host ADDR] [--token T]"
               " [--io-threads N] [--no-bodies] [--seed N]\n";
  return 64;
}

bool parse(int argc, char** argv, easymo::test::graph_sim::options& o,
           std::string& error) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> const char* {
      return i + 1 < argc ? argv[++i] : nullptr;
    };
    if (arg == "--no-bodies") {
      o.keep_bodies = false;
      continue;
    }
    auto v = value();
    if (v == nullptr) {
      error = arg + " needs a value";
      return false;
    }
    try {
      if (arg == "--port")
        o.port = static_cast<uint16_t>(std::stoul(v));
      else if (arg == "--host")
        o.host = v;
      else if (arg == "--token")
        o.token = v;
      else if (arg == "--io-threads")
        o.io_threads = std::stoul(v);
      else if (arg == "--seed")
        o.seed = std::stoull(v);
      else {
        error = "unknown argument " + arg;
        return false;
      }
    } catch (const std::exception&) {
      error = "bad value for " + arg;
      return false;
    }
  }
  return true;
}

} // namespace

int main(int argc, char** argv) {
  easymo::test::graph_sim::options opts;
  if (auto* token = std::getenv("EASYMO_WHATSAPP_TOKEN"); token && *token)
    opts.token = token;
  std::string error;
  if (!parse(argc, argv, opts, error))
    return usage(error.c_str());
  // Blocked before any thread starts, so only sigwait below sees them.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  easymo::test::graph_sim sim{opts};
  std::cout << sim.base_url() << std::endl;
  int sig = 0;
  do {
    sigwait(&stop, &sig);
  } while (sig == SIGPIPE);
  return 0;
}
