#include "tests/support/fixtures.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace easymo::test {

namespace {

std::filesystem::path fixtures_dir() {
  return std::filesystem::path{EASYMO_SOURCE_DIR} / "tests" / "fixtures";
}

} // namespace

std::string read_fixture(const std::string& relative) {
  auto path = fixtures_dir() / relative;
  std::ifstream in{path, std::ios::binary};
  if (!in)
    throw std::runtime_error("cannot read fixture " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> list_fixtures(const std::string& folder,
                                       const std::string& suffix) {
  std::vector<std::string> out;
  for (auto& entry : std::filesystem::directory_iterator(fixtures_dir() / folder)) {
    auto name = entry.path().filename().string();
    if (name.size() >= suffix.size()
        && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
      out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

} // namespace easymo::test
