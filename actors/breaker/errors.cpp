// The breaker's error values and registry names (protocol.hpp).
#include "actors/breaker/protocol.hpp"

#include <caf/message.hpp>

namespace easymo::breaker {

namespace {

const char* errc_name(uint8_t code) {
  switch (static_cast<errc>(code)) {
    case errc::not_permitted:
      return "not_permitted";
    case errc::timeout:
      return "timeout";
    case errc::transport:
      return "transport";
    case errc::refused:
      return "refused";
    case errc::not_running:
      return "not_running";
  }
  return "unknown";
}

} // namespace

caf::error make_error(errc code, std::string gateway, std::string detail,
                      int64_t retry_after_ms) {
  return caf::error{static_cast<uint8_t>(code), error_category,
                    caf::make_message(std::move(gateway), std::move(detail),
                                      retry_after_ms)};
}

std::string render_error(uint8_t code, caf::atom_value,
                         const caf::message& context) {
  std::string out = "breaker:";
  out += errc_name(code);
  if (context.match_elements<std::string, std::string, int64_t>()) {
    out += " (" + context.get_as<std::string>(0);
    if (!context.get_as<std::string>(1).empty())
      out += ", " + context.get_as<std::string>(1);
    if (auto ms = context.get_as<int64_t>(2); ms > 0)
      out += ", retry in " + std::to_string(ms) + " ms";
    out += ")";
  }
  return out;
}

std::optional<errc> code_of(const caf::error& err) {
  // An empty caf::error has no category to read in CAF 0.17.
  if (!err || err.category() != error_category)
    return std::nullopt;
  return static_cast<errc>(err.code());
}

std::chrono::milliseconds retry_after(const caf::error& err) {
  if (code_of(err) != errc::not_permitted)
    return std::chrono::milliseconds{0};
  auto& ctx = err.context();
  if (!ctx.match_elements<std::string, std::string, int64_t>())
    return std::chrono::milliseconds{0};
  return std::chrono::milliseconds{ctx.get_as<int64_t>(2)};
}

caf::atom_value directory_name(const std::string& gateway) {
  if (gateway == "whatsapp")
    return caf::atom("brk.wa");
  // "brk." plus at most six characters of the gateway's name: momo,
  // paydun(ya), revolu(t), ai, slack stay distinct.
  auto name = "brk." + gateway.substr(0, 6);
  return caf::atom_from_string(name);
}

} // namespace easymo::breaker
