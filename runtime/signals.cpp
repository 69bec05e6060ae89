#include "runtime/signals.hpp"

#include <csignal>
#include <ctime>
#include <pthread.h>

namespace easymo::signals {

namespace {

// SIGUSR1 is the wake-up call from the root supervisor's give-up hook.
sigset_t stop_set() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR1);
  return set;
}

pthread_t main_thread;

} // namespace

void block() {
  auto set = stop_set();
  // A peer closing a socket must not kill the process.
  sigaddset(&set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  main_thread = pthread_self();
}

std::string wait_for_stop(const std::atomic<bool>& flag) {
  auto set = stop_set();
  for (;;) {
    if (flag.load())
      return "supervisor gave up";
    int sig = 0;
    if (sigwait(&set, &sig) != 0)
      continue;
    if (sig == SIGINT)
      return "SIGINT";
    if (sig == SIGTERM)
      return "SIGTERM";
  }
}

void wake() {
  pthread_kill(main_thread, SIGUSR1);
}

} // namespace easymo::signals
