#include "tests/support/redis.hpp"

#include <atomic>
#include <cstdlib>
#include <stdexcept>
#include <unistd.h>

namespace easymo::test {

std::string redis_url() {
  auto url = std::getenv("EASYMO_TEST_REDIS_URL");
  if (url == nullptr || *url == '\0')
    throw std::runtime_error("EASYMO_TEST_REDIS_URL is not set: run the suite "
                             "through tools/test");
  return url;
}

std::string unique_name(const std::string& prefix) {
  static std::atomic<int> n{0};
  return prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(n++);
}

} // namespace easymo::test
