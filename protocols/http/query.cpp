#include "protocols/http/query.hpp"

#include <boost/url/parse.hpp>

#include <charconv>

namespace easymo::http {

std::optional<std::string> query_param(const request& req,
                                       std::string_view name) {
  auto target = req.message.target();
  auto url = boost::urls::parse_origin_form(
    boost::core::string_view{target.data(), target.size()});
  if (!url)
    return std::nullopt;
  auto params = url->params();
  auto it = params.find(boost::core::string_view{name.data(), name.size()});
  if (it == params.end())
    return std::nullopt;
  return std::string{(*it).value};
}

std::optional<int64_t> query_int(const request& req, std::string_view name,
                                 int64_t fallback) {
  auto text = query_param(req, name);
  if (!text)
    return fallback;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(),
                                   value);
  if (text->empty() || ec != std::errc{} || end != text->data() + text->size()
      || value < 0)
    return std::nullopt;
  return value;
}

} // namespace easymo::http
