#include "protocols/http/client_target.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>

namespace easymo::http::client_detail {

namespace urls = boost::urls;
namespace bhttp = boost::beast::http;

namespace {

std::string lower(std::string_view text) {
  std::string out{text};
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return static_cast<char>(std::tolower(c));
  });
  return out;
}

// RFC 9110 token characters: anything else in a field name would let a
// caller's data split or forge header lines.
bool is_token(std::string_view name) {
  static constexpr std::string_view extra = "!#$%&'*+-.^_`|~";
  return !name.empty()
         && std::all_of(name.begin(), name.end(), [](unsigned char c) {
              return std::isalnum(c) || extra.find(static_cast<char>(c))
                                          != std::string_view::npos;
            });
}

bool is_field_value(std::string_view value) {
  return value.find_first_of(std::string_view{"\r\n\0", 3})
         == std::string_view::npos;
}

// Boost.URL guarantees digits but not range: its port_number() wraps
// 99999 around to 34463 instead of refusing it.
std::optional<uint16_t> parse_port(std::string_view digits) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(),
                                   value);
  if (ec != std::errc{} || end != digits.data() + digits.size() || value == 0
      || value > 65535)
    return std::nullopt;
  return static_cast<uint16_t>(value);
}

bool owned_by_client(std::string_view name) {
  auto f = bhttp::string_to_field(name);
  return f == bhttp::field::host || f == bhttp::field::content_length
         || f == bhttp::field::transfer_encoding
         || f == bhttp::field::connection;
}

} // namespace

std::string target::pool_key() const {
  return (tls ? "https://" : "http://") + host + ":" + port;
}

std::optional<target> parse_target(std::string_view url) {
  auto parsed = urls::parse_uri(url);
  if (!parsed)
    return std::nullopt;
  const urls::url_view& u = *parsed;
  target out;
  if (u.scheme_id() == urls::scheme::https)
    out.tls = true;
  else if (u.scheme_id() != urls::scheme::http)
    return std::nullopt;
  // Credentials in a URL end up in logs and proxies; gateways take them in
  // headers, so a URL carrying them is a mistake.
  if (!u.has_authority() || u.has_userinfo())
    return std::nullopt;
  auto kind = u.host_type();
  if (kind == urls::host_type::ipvfuture || kind == urls::host_type::none)
    return std::nullopt;
  out.host = lower(u.host_address());
  if (out.host.empty())
    return std::nullopt;
  out.host_is_ip = kind != urls::host_type::name;
  const char* default_port = out.tls ? "443" : "80";
  out.port = default_port;
  if (u.has_port() && !u.port().empty()) {
    auto port = parse_port(u.port());
    if (!port)
      return std::nullopt;
    out.port = std::to_string(*port);
  }
  out.host_header = lower(u.encoded_host());
  if (out.port != default_port)
    out.host_header += ":" + out.port;
  out.path = u.encoded_path().empty() ? "/" : std::string{u.encoded_path()};
  if (u.has_query())
    out.path += "?" + std::string{u.encoded_query()};
  return out;
}

std::variant<request_message, client_error>
make_request_message(const client_request& req, const target& where,
                     const client_options& opts) {
  request_message msg{req.method, where.path, 11};
  for (const auto& [name, value] : req.headers) {
    if (!is_token(name) || !is_field_value(value) || owned_by_client(name))
      return client_error::bad_request;
    msg.insert(name, value);
  }
  msg.set(bhttp::field::host, where.host_header);
  if (msg.find(bhttp::field::user_agent) == msg.end())
    msg.set(bhttp::field::user_agent, opts.user_agent);
  msg.keep_alive(true);
  msg.body() = req.body;
  msg.prepare_payload();
  return msg;
}

} // namespace easymo::http::client_detail
