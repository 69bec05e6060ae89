// A blocking Redis connection (hiredis 0.14) with pipelining. Blocking:
// only detached actors may own one.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct redisContext;
struct redisReply;

namespace easymo::redis {

/// Where to connect, from redis://[:password@]host[:port] or unix:///path.
struct endpoint {
  std::string host;
  uint16_t port = 6379;
  std::string unix_path;
  std::string password;
};

/// Parses a Redis URL; returns a one-line error for anything else.
std::optional<std::string> parse_url(const std::string& url, endpoint& out);

/// One reply, copied out of hiredis's tree.
struct reply {
  enum class kind { string, array, integer, nil, status, error };
  kind type = kind::nil;
  long long integer = 0;
  std::string text;
  std::vector<reply> elements;

  bool is_error() const { return type == kind::error; }
};

using command = std::vector<std::string>;

class connection {
public:
  /// Connects (and authenticates); throws std::runtime_error on failure.
  /// `timeout` bounds the connect and every later read and write.
  connection(const endpoint& where, std::chrono::milliseconds timeout);
  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  /// Sends every command, then reads every reply: one round trip. Throws
  /// std::runtime_error when the connection fails (it is then unusable);
  /// Redis errors come back as replies of kind `error`.
  std::vector<reply> pipeline(const std::vector<command>& commands);

  reply run(const command& cmd) { return pipeline({cmd}).at(0); }

private:
  struct context_deleter {
    void operator()(redisContext* c) const;
  };
  std::unique_ptr<redisContext, context_deleter> ctx_;
};

} // namespace easymo::redis
