#include "actors/ratelimit/redis.hpp"

#include "actors/ratelimit/metrics.hpp"
#include "runtime/hex.hpp"
#include "runtime/introspect.hpp"
#include "runtime/log.hpp"

#include <caf/all.hpp>

#include <nlohmann/json.hpp>
#include <openssl/sha.h>

#include <cstdio>

namespace easymo::ratelimit {

namespace {

// KEYS[1] the key's bucket, KEYS[2] the shared bucket; ARGV: for each, the
// refill rate in tokens per millisecond (0: rule off) and the burst. Time is
// Redis's own clock, so nodes with skewed clocks agree. A bucket is a hash
// {t: tokens, ts: ms}; it expires once it would be full again, so idle keys
// cost no memory. Both buckets are checked before either is debited.
constexpr const char* script_text = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local levels = {}
local wait = 0
for i = 1, 2 do
  local rate = tonumber(ARGV[2 * i - 1])
  local burst = tonumber(ARGV[2 * i])
  if rate > 0 then
    local v = redis.call('HMGET', KEYS[i], 't', 'ts')
    local level = burst
    if v[1] then
      local elapsed = math.max(0, now - tonumber(v[2]))
      level = math.min(burst, tonumber(v[1]) + elapsed * rate)
    end
    levels[i] = level
    if level < 1 then
      wait = math.max(wait, math.ceil((1 - level) / rate))
    end
  end
end
if wait > 0 then
  return {0, wait}
end
for i = 1, 2 do
  local rate = tonumber(ARGV[2 * i - 1])
  if rate > 0 then
    redis.call('HSET', KEYS[i], 't', tostring(levels[i] - 1), 'ts', tostring(now))
    redis.call('PEXPIRE', KEYS[i], math.ceil(tonumber(ARGV[2 * i]) / rate))
  end
end
return {1, 0}
)lua";

std::string number(double x) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.17g", x);
  return buf;
}

std::vector<std::string> rule_args(const rule& r) {
  if (!r.enabled())
    return {"0", "0"};
  return {number(r.per_second / 1000.0), number(r.burst)};
}

redis::command call(const char* verb, const std::string& script,
                    const std::string& own_key, const std::string& shared_key,
                    const std::vector<std::string>& args) {
  redis::command cmd{verb, script, "2", own_key, shared_key};
  cmd.insert(cmd.end(), args.begin(), args.end());
  return cmd;
}

bool is_noscript(const redis::reply& r) {
  return r.is_error() && r.text.rfind("NOSCRIPT", 0) == 0;
}

bool connected(redis_actor* self) {
  auto& st = self->state;
  if (st.conn)
    return true;
  if (self->clock().now() < st.retry_at)
    return false;
  try {
    st.conn = std::make_unique<redis::connection>(st.where, st.opts.timeout);
    log::info("ratelimit", "redis connected");
    return true;
  } catch (const std::exception& e) {
    st.retry_at = self->clock().now() + st.opts.retry_backoff;
    log::warn("ratelimit", "redis unreachable, admitting without limits",
              {{"error", e.what()}});
    return false;
  }
}

// Runs the script once per key; keys Redis had forgotten the script for are
// sent again with the script's text.
std::vector<redis::reply> run_script(redis_actor* self, const check_request& req) {
  auto& st = self->state;
  auto own_args = rule_args(req.limits.per_key);
  auto shared_args = rule_args(req.limits.global);
  auto args = own_args;
  args.insert(args.end(), shared_args.begin(), shared_args.end());
  auto shared_key = st.opts.prefix + req.limits.name + ":*";
  std::vector<redis::command> cmds;
  for (auto& key : req.keys)
    cmds.push_back(call("EVALSHA", bucket_script_sha1(),
                        st.opts.prefix + req.limits.name + ":" + key,
                        shared_key, args));
  auto replies = st.conn->pipeline(cmds);
  std::vector<size_t> retry;
  for (size_t i = 0; i < replies.size(); ++i)
    if (is_noscript(replies[i]))
      retry.push_back(i);
  if (retry.empty())
    return replies;
  ++st.script_loads;
  std::vector<redis::command> again;
  for (auto i : retry)
    again.push_back(call("EVAL", bucket_script(), cmds[i][3], shared_key, args));
  auto second = st.conn->pipeline(again);
  for (size_t j = 0; j < retry.size(); ++j)
    replies[retry[j]] = std::move(second[j]);
  return replies;
}

decision to_decision(const redis::reply& r, uint64_t& errors) {
  if (r.type != redis::reply::kind::array || r.elements.size() != 2) {
    ++errors;
    return {};
  }
  return {r.elements[0].integer == 1,
          static_cast<uint32_t>(std::max(0LL, r.elements[1].integer))};
}

check_reply check(redis_actor* self, const check_request& req) {
  auto& st = self->state;
  check_reply reply;
  reply.decisions.resize(req.keys.size());
  st.checks += req.keys.size();
  if (req.keys.empty())
    return reply;
  if (!connected(self)) {
    st.errors += req.keys.size();
    count_errors("redis", req.keys.size());
    return reply;
  }
  try {
    auto replies = run_script(self, req);
    uint64_t errors = 0;
    for (size_t i = 0; i < replies.size(); ++i)
      reply.decisions[i] = to_decision(replies[i], errors);
    st.errors += errors;
    if (errors > 0)
      count_errors("redis", errors);
  } catch (const std::exception& e) {
    st.conn.reset();
    st.retry_at = self->clock().now() + st.opts.retry_backoff;
    st.errors += req.keys.size();
    count_errors("redis", req.keys.size());
    log::warn("ratelimit", "redis failed, admitting without limits",
              {{"error", e.what()}});
    reply.decisions.assign(req.keys.size(), decision{});
  }
  for (auto& d : reply.decisions)
    st.refused += d.allowed ? 0 : 1;
  count_decisions(req.limits.name, reply);
  return reply;
}

} // namespace

const std::string& bucket_script() {
  static const std::string text = script_text;
  return text;
}

const std::string& bucket_script_sha1() {
  static const std::string sha = [] {
    unsigned char md[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(bucket_script().data()),
         bucket_script().size(), md);
    return to_hex(md, sizeof(md));
  }();
  return sha;
}

caf::behavior redis_limiter(redis_actor* self, redis_options opts) {
  auto& st = self->state;
  st.opts = std::move(opts);
  if (auto err = redis::parse_url(st.opts.url, st.where))
    log::error("ratelimit", "bad redis URL, admitting without limits",
               {{"error", *err}});
  return {
    [self](const check_request& req) { return check(self, req); },
    [self](const check_request& req, check_completion& done) {
      done(check(self, req));
    },
    [self](caf::get_atom, info_atom) {
      auto& st = self->state;
      return nlohmann::json{{"backend", "redis"},
                            {"connected", static_cast<bool>(st.conn)},
                            {"checks", st.checks},
                            {"refused", st.refused},
                            {"errors", st.errors},
                            {"script_loads", st.script_loads},
                            {"mailbox", self->mailbox().size()}}
        .dump();
    },
  };
}

} // namespace easymo::ratelimit
