#include "tests/support/daemon.hpp"

#include "tests/support/http_client.hpp"
#include "tests/support/pg.hpp"

#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace easymo::test {

namespace {

int decode_status(int status) {
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  if (WIFSIGNALED(status))
    return 128 + WTERMSIG(status);
  return -1;
}

std::vector<std::string> environment_for(const daemon::options& o) {
  std::map<std::string, std::string> env;
  for (char** p = environ; *p != nullptr; ++p) {
    std::string kv = *p;
    auto eq = kv.find('=');
    // The test's own EASYMO_* settings must not leak into the daemon.
    if (eq != std::string::npos && kv.rfind("EASYMO_", 0) != 0)
      env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  env["EASYMO_DATABASE_URL"] = o.database_url;
  env["EASYMO_HTTP_PORT"] = std::to_string(o.http_port);
  env["EASYMO_ADMIN_PORT"] = std::to_string(o.admin_port);
  env["EASYMO_HTTP_HOST"] = "127.0.0.1";
  env["EASYMO_DB_STARTUP_TIMEOUT"] = "20s";
  for (auto& [k, v] : o.env)
    env[k] = v;
  std::vector<std::string> out;
  for (auto& [k, v] : env)
    out.push_back(k + "=" + v);
  return out;
}

} // namespace

std::string easymod_path() {
  if (auto dir = std::getenv("EASYMO_BUILD_DIR"); dir != nullptr && *dir)
    return std::string{dir} + "/easymod";
  return std::string{EASYMO_SOURCE_DIR} + "/build/easymod";
}

daemon::daemon(options opts) : opts_(std::move(opts)) {
  if (opts_.http_port == 0)
    opts_.http_port = free_port();
  if (opts_.admin_port == 0)
    opts_.admin_port = free_port();
  auto dir = std::string{EASYMO_SOURCE_DIR} + "/var/test/logs";
  std::filesystem::create_directories(dir);
  log_path_ = dir + "/" + opts_.label + "-" + std::to_string(::getpid()) + "-"
              + std::to_string(opts_.http_port) + ".log";
  std::ofstream{log_path_, std::ios::trunc};
}

daemon::~daemon() {
  if (pid_ > 0)
    crash();
}

void daemon::start() {
  if (running())
    throw std::logic_error("easymod is already running");
  auto path = easymod_path();
  auto env = environment_for(opts_);
  std::vector<std::string> args{path};
  args.insert(args.end(), opts_.args.begin(), opts_.args.end());
  pid_ = ::fork();
  if (pid_ < 0)
    throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    int fd = ::open(log_path_.c_str(), O_WRONLY | O_APPEND | O_CREAT, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    std::vector<char*> argv;
    for (auto& a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (auto& e : env)
      envp.push_back(e.data());
    envp.push_back(nullptr);
    ::execve(path.c_str(), argv.data(), envp.data());
    ::_exit(127);
  }
}

bool daemon::wait_ready(std::chrono::milliseconds timeout) {
  return eventually(
    [&] {
      if (!running())
        return false;
      auto res = http_get(opts_.http_port, "/readyz");
      return res && res->status == 200;
    },
    timeout);
}

bool daemon::running() {
  if (pid_ <= 0)
    return false;
  int status = 0;
  auto r = ::waitpid(pid_, &status, WNOHANG);
  if (r == 0)
    return true;
  pid_ = -1;
  return false;
}

std::optional<int> daemon::wait_exit(std::chrono::milliseconds timeout) {
  if (pid_ <= 0)
    return std::nullopt;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    auto r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      return decode_status(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return std::nullopt;
}

std::optional<int> daemon::stop(int sig, std::chrono::milliseconds timeout) {
  if (pid_ <= 0)
    return std::nullopt;
  ::kill(pid_, sig);
  return wait_exit(timeout);
}

void daemon::crash() {
  if (pid_ <= 0)
    return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string daemon::log() const {
  std::ifstream in{log_path_};
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

} // namespace easymo::test
