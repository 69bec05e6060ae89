#include "protocols/whatsapp/handshake.hpp"

#include "protocols/whatsapp/signature.hpp"

#include <boost/url/params_view.hpp>
#include <boost/url/parse_query.hpp>

#include <optional>

namespace easymo::whatsapp {

namespace {

// Meta's challenges are short decimal strings; anything longer is not Meta
// and is refused rather than reflected.
constexpr size_t challenge_bytes_max = 256;

struct hub_params {
  std::optional<std::string> mode;
  std::optional<std::string> token;
  std::optional<std::string> challenge;
};

// Only the first occurrence of each parameter counts, so a second
// `hub.verify_token` appended to a URL cannot override the first.
bool read_params(std::string_view query, hub_params& out) {
  // Boost.URL 1.81's parse_query rebuilds its view with strlen (boostorg/url
  // #757): it reads past a view that is not NUL-terminated, such as Beast's
  // target buffer, and parses what lies beyond. The fuzzer found it; a
  // terminated copy keeps it within the query.
  std::string terminated{query};
  auto parsed = boost::urls::parse_query(terminated);
  if (!parsed)
    return false;
  for (auto param : boost::urls::params_view(*parsed)) {
    std::optional<std::string>* slot = nullptr;
    if (param.key == "hub.mode")
      slot = &out.mode;
    else if (param.key == "hub.verify_token")
      slot = &out.token;
    else if (param.key == "hub.challenge")
      slot = &out.challenge;
    if (slot != nullptr && !*slot && param.has_value)
      *slot = std::string{param.value};
  }
  return true;
}

} // namespace

handshake_answer answer_handshake(std::string_view query,
                                  std::string_view verify_token) {
  hub_params params;
  if (!read_params(query, params))
    return {400, "malformed query string"};
  if (!params.mode || !params.token || !params.challenge)
    return {400, "missing hub.mode, hub.verify_token or hub.challenge"};
  if (*params.mode != "subscribe")
    return {400, "hub.mode must be subscribe"};
  if (params.challenge->empty()
      || params.challenge->size() > challenge_bytes_max)
    return {400, "hub.challenge is empty or too long"};
  if (verify_token.empty() || !secrets_equal(*params.token, verify_token))
    return {403, "verify token mismatch"};
  return {200, std::move(*params.challenge)};
}

} // namespace easymo::whatsapp
