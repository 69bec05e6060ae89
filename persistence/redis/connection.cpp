#include "persistence/redis/connection.hpp"

#include <boost/url/parse.hpp>
#include <hiredis/hiredis.h>

#include <stdexcept>
#include <sys/time.h>

namespace easymo::redis {

namespace {

timeval to_timeval(std::chrono::milliseconds t) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(t.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((t.count() % 1000) * 1000);
  return tv;
}

reply copy(const redisReply* r) {
  reply out;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out.type = reply::kind::string;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = reply::kind::array;
      break;
    case REDIS_REPLY_INTEGER:
      out.type = reply::kind::integer;
      break;
    case REDIS_REPLY_STATUS:
      out.type = reply::kind::status;
      break;
    case REDIS_REPLY_ERROR:
      out.type = reply::kind::error;
      break;
    default:
      out.type = reply::kind::nil;
  }
  out.integer = r->integer;
  if (r->str != nullptr)
    out.text.assign(r->str, r->len);
  for (size_t i = 0; i < r->elements; ++i)
    out.elements.push_back(copy(r->element[i]));
  return out;
}

} // namespace

std::optional<std::string> parse_url(const std::string& url, endpoint& out) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed)
    return std::string{"redis: not a URL"}; // never echo it: it may hold a password
  out = endpoint{};
  if (parsed->scheme() == "unix") {
    out.unix_path = std::string{parsed->path()};
    return out.unix_path.empty() ? std::optional<std::string>{"redis: no socket path"}
                                 : std::nullopt;
  }
  if (parsed->scheme() != "redis")
    return "redis: expected redis:// or unix://";
  out.host = std::string{parsed->host()};
  if (out.host.empty())
    return "redis: no host";
  if (parsed->has_port())
    out.port = parsed->port_number();
  if (parsed->has_password())
    out.password = std::string{parsed->password()};
  return std::nullopt;
}

void connection::context_deleter::operator()(redisContext* c) const {
  redisFree(c);
}

connection::connection(const endpoint& where, std::chrono::milliseconds timeout) {
  auto tv = to_timeval(timeout);
  ctx_.reset(where.unix_path.empty()
               ? redisConnectWithTimeout(where.host.c_str(), where.port, tv)
               : redisConnectUnixWithTimeout(where.unix_path.c_str(), tv));
  if (!ctx_)
    throw std::runtime_error("redis: out of memory");
  if (ctx_->err != 0)
    throw std::runtime_error(std::string{"redis: "} + ctx_->errstr);
  redisSetTimeout(ctx_.get(), tv);
  if (!where.password.empty()) {
    auto r = run({"AUTH", where.password});
    if (r.is_error())
      throw std::runtime_error("redis: authentication failed");
  }
}

connection::~connection() = default;

std::vector<reply> connection::pipeline(const std::vector<command>& commands) {
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (auto& cmd : commands) {
    argv.clear();
    lens.clear();
    for (auto& arg : cmd) {
      argv.push_back(arg.data());
      lens.push_back(arg.size());
    }
    if (redisAppendCommandArgv(ctx_.get(), static_cast<int>(argv.size()),
                               argv.data(), lens.data())
        != REDIS_OK)
      throw std::runtime_error(std::string{"redis: "} + ctx_->errstr);
  }
  std::vector<reply> out;
  out.reserve(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(ctx_.get(), &raw) != REDIS_OK || raw == nullptr)
      throw std::runtime_error(std::string{"redis: "} + ctx_->errstr);
    std::unique_ptr<redisReply, void (*)(void*)> r{static_cast<redisReply*>(raw),
                                                   freeReplyObject};
    out.push_back(copy(r.get()));
  }
  return out;
}

} // namespace easymo::redis
