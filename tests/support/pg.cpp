#include "tests/support/pg.hpp"

#include "persistence/migrations.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <pqxx/pqxx>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <stdexcept>
#include <unistd.h>

namespace easymo::test {

namespace {

std::atomic<int> sequence{0};

std::string unique_suffix() {
  return std::to_string(::getpid()) + "_" + std::to_string(sequence++);
}

std::string source_dir() {
  return EASYMO_SOURCE_DIR;
}

} // namespace

std::string admin_database_url() {
  auto url = std::getenv("EASYMO_TEST_DATABASE_URL");
  if (url == nullptr || *url == '\0')
    throw std::runtime_error("EASYMO_TEST_DATABASE_URL is not set: run the "
                             "suite through tools/test");
  return url;
}

std::string with_dbname(const std::string& conn, const std::string& dbname) {
  static const std::regex pattern{R"(dbname=\S+)"};
  if (std::regex_search(conn, pattern))
    return std::regex_replace(conn, pattern, "dbname=" + dbname);
  return conn + " dbname=" + dbname;
}

scoped_database::scoped_database(const std::string& prefix, bool migrate) {
  name_ = "t_" + prefix + "_" + unique_suffix();
  pqxx::connection admin{admin_database_url()};
  pqxx::nontransaction tx{admin};
  tx.exec("CREATE DATABASE " + tx.quote_name(name_));
  url_ = with_dbname(admin_database_url(), name_);
  if (!migrate)
    return;
  std::vector<migrations::migration> all;
  if (auto err = migrations::load(source_dir() + "/persistence/migrations", all))
    throw std::runtime_error(*err);
  pqxx::connection conn{url_};
  migrations::outcome result;
  if (auto err = migrations::apply(conn, all, result))
    throw std::runtime_error(*err);
}

scoped_database::~scoped_database() {
  try {
    pqxx::connection admin{admin_database_url()};
    pqxx::nontransaction tx{admin};
    tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(name_) + " WITH (FORCE)");
  } catch (...) {
    // Leaving a database behind must not turn a passing test into a crash.
  }
}

long scalar(const std::string& url, const std::string& sql) {
  pqxx::connection c{url};
  pqxx::nontransaction tx{c};
  return tx.exec1(sql)[0].as<long>();
}

uint16_t free_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor{
    io, {boost::asio::ip::make_address("127.0.0.1"), 0}};
  return acceptor.local_endpoint().port();
}

private_server::private_server(const std::string& label) : port_(free_port()) {
  dir_ = source_dir() + "/var/test/private-" + label + "-" + unique_suffix();
  start();
  url_ = "host=" + dir_ + "/run port=" + std::to_string(port_)
         + " dbname=easymo user=easymo";
}

private_server::~private_server() {
  try {
    stop();
    std::error_code ec;
    auto target = std::filesystem::read_symlink(dir_, ec);
    std::filesystem::remove_all(dir_, ec);
    if (!target.empty())
      std::filesystem::remove_all(target, ec);
  } catch (...) {
    // See scoped_database: cleanup failures are not test failures.
  }
}

void private_server::run(const std::string& cmd) {
  auto line = source_dir() + "/tools/lib/pg " + cmd + " '" + dir_ + "' "
              + std::to_string(port_) + " >/dev/null";
  if (std::system(line.c_str()) != 0)
    throw std::runtime_error("tools/lib/pg " + cmd + " failed for " + dir_);
}

void private_server::start() {
  run("start");
}

void private_server::stop() {
  run("stop");
}

void private_server::restart() {
  run("restart");
}

void private_server::kill() {
  run("kill");
}

} // namespace easymo::test
