#include "tests/support/http_client.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <cctype>

namespace easymo::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

std::optional<http_result> http_request(uint16_t port, const std::string& method,
                                        const std::string& target,
                                        const std::string& body,
                                        const header_list& headers,
                                        std::chrono::milliseconds timeout) {
  return http_request_from({}, port, method, target, body, headers, timeout);
}

std::optional<http_result>
http_request_from(const std::string& source, uint16_t port,
                  const std::string& method, const std::string& target,
                  const std::string& body, const header_list& headers,
                  std::chrono::milliseconds timeout) {
  try {
    asio::io_context io;
    beast::tcp_stream stream{io};
    stream.expires_after(timeout);
    if (!source.empty()) {
      // Bound before connecting, so the server sees this address.
      stream.socket().open(asio::ip::tcp::v4());
      stream.socket().bind({asio::ip::make_address(source), 0});
    }
    stream.connect({asio::ip::make_address("127.0.0.1"), port});
    bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method),
                                           target, 11};
    req.set(bhttp::field::host, "127.0.0.1");
    for (auto& [k, v] : headers)
      req.set(k, v);
    req.body() = body;
    req.prepare_payload();
    bhttp::write(stream, req);
    beast::flat_buffer buf;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    bhttp::read(stream, buf, parser);
    auto& res = parser.get();
    http_result out;
    out.status = static_cast<int>(res.result_int());
    for (auto& field : res) {
      std::string name{field.name_string()};
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return std::tolower(c); });
      out.headers[name] = std::string{field.value()};
    }
    out.body = std::move(res.body());
    beast::error_code ec;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    return out;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

} // namespace easymo::test
