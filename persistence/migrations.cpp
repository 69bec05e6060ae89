#include "persistence/migrations.hpp"

#include "runtime/log.hpp"

#include <openssl/evp.h>
#include <pqxx/pqxx>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

namespace easymo::migrations {

namespace {

// Any constant works; it only has to be the same on every node.
constexpr long long advisory_lock_key = 0x6561737932303236; // "easy2026"

const std::regex file_pattern{R"(^(\d{4})_[a-z0-9_]+\.sql$)"};

void ensure_table(pqxx::connection_base& conn) {
  pqxx::work tx{conn};
  tx.exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
          " version integer PRIMARY KEY,"
          " name text NOT NULL,"
          " checksum text NOT NULL,"
          " applied_at timestamptz NOT NULL DEFAULT now())");
  tx.commit();
}

std::map<int, std::pair<std::string, std::string>>
applied_versions(pqxx::connection_base& conn) {
  std::map<int, std::pair<std::string, std::string>> out;
  pqxx::read_transaction tx{conn};
  for (auto row : tx.exec("SELECT version, name, checksum FROM schema_migrations"))
    out[row[0].as<int>()] = {row[1].as<std::string>(), row[2].as<std::string>()};
  return out;
}

std::optional<std::string>
check_applied(const std::vector<migration>& all,
              const std::map<int, std::pair<std::string, std::string>>& done) {
  for (auto& m : all) {
    auto i = done.find(m.version);
    if (i == done.end() || i->second.second == m.checksum)
      continue;
    return "migration " + m.name + " was changed after it was applied (recorded "
           "sha256 " + i->second.second.substr(0, 12) + "..., file has "
           + m.checksum.substr(0, 12)
           + "...): restore the file and put the change in a new migration";
  }
  for (auto& [version, entry] : done) {
    bool known = std::any_of(all.begin(), all.end(),
                             [v = version](auto& m) { return m.version == v; });
    if (!known)
      log::warn("migrations", "database has a migration this build lacks",
                {{"version", version}, {"name", entry.first}});
  }
  return std::nullopt;
}

void apply_one(pqxx::connection_base& conn, const migration& m) {
  pqxx::work tx{conn};
  tx.exec(m.sql);
  tx.exec_params("INSERT INTO schema_migrations (version, name, checksum) "
                 "VALUES ($1, $2, $3)",
                 m.version, m.name, m.checksum);
  tx.commit();
}

} // namespace

std::string sha256_hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha256(), nullptr);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(hex[digest[i] >> 4]);
    out.push_back(hex[digest[i] & 0xf]);
  }
  return out;
}

std::optional<std::string> load(const std::string& dir,
                                std::vector<migration>& out) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return "migrations: not a directory: " + dir;
  out.clear();
  for (auto& entry : fs::directory_iterator{dir, ec}) {
    auto name = entry.path().filename().string();
    if (entry.path().extension() != ".sql")
      continue;
    std::smatch match;
    if (!std::regex_match(name, match, file_pattern))
      return "migrations: bad file name " + name
             + " (expected NNNN_lowercase_name.sql)";
    std::ifstream in{entry.path(), std::ios::binary};
    if (!in)
      return "migrations: cannot read " + name;
    std::stringstream buf;
    buf << in.rdbuf();
    migration m;
    m.version = std::stoi(match[1].str());
    m.name = name;
    m.sql = buf.str();
    m.checksum = sha256_hex(m.sql);
    out.push_back(std::move(m));
  }
  if (ec)
    return "migrations: cannot list " + dir + ": " + ec.message();
  std::sort(out.begin(), out.end(),
            [](auto& a, auto& b) { return a.version < b.version; });
  for (size_t i = 1; i < out.size(); ++i)
    if (out[i].version == out[i - 1].version)
      return "migrations: " + out[i - 1].name + " and " + out[i].name
             + " share version " + std::to_string(out[i].version);
  return std::nullopt;
}

int latest_version(const std::vector<migration>& all) {
  return all.empty() ? 0 : all.back().version;
}

std::optional<std::string> apply(pqxx::connection_base& conn,
                                 const std::vector<migration>& all,
                                 outcome& result) {
  result = outcome{};
  pqxx::nontransaction lock{conn};
  lock.exec("SELECT pg_advisory_lock(" + std::to_string(advisory_lock_key) + ")");
  lock.commit();
  auto unlock = [&conn] {
    pqxx::nontransaction tx{conn};
    tx.exec("SELECT pg_advisory_unlock(" + std::to_string(advisory_lock_key)
            + ")");
  };
  try {
    ensure_table(conn);
    auto done = applied_versions(conn);
    if (auto err = check_applied(all, done)) {
      unlock();
      return err;
    }
    for (auto& m : all) {
      if (done.count(m.version) != 0)
        continue;
      apply_one(conn, m);
      result.applied.push_back(m.name);
      log::info("migrations", "applied", {{"migration", m.name}});
    }
    result.latest = latest_version(all);
    unlock();
    return std::nullopt;
  } catch (const std::exception& e) {
    try {
      unlock();
    } catch (...) {
      // The connection is gone; the server drops the lock with the session.
    }
    return std::string{"migrations: "} + e.what();
  }
}

} // namespace easymo::migrations
