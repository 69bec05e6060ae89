#include "actors/domains/home/home.hpp"

#include "actors/domains/services.hpp"
#include "actors/router/router.hpp"

namespace easymo::domains::home {

reply menu(const catalog& texts, language lang, const std::string& body_key) {
  std::vector<row> rows;
  rows.reserve(services.size());
  for (auto& svc : services) {
    std::string name{svc.name};
    rows.push_back({name + ":open",
                    texts.get(lang, "home.row." + name + ".title"),
                    texts.get(lang, "home.row." + name + ".description")});
  }
  return list_reply(texts.get(lang, body_key), texts.get(lang, "home.button"),
                    texts.get(lang, "home.section"), std::move(rows));
}

decision decide(const catalog& texts, const decision_request& req) {
  auto lang = req.session.flow.lang;
  std::string body_key = "home.body";
  if (req.action == router::soon_action) {
    auto svc = find_service(req.arg);
    if (svc != nullptr && !svc->built)
      body_key = "soon." + req.arg;
  }
  decision out;
  out.next.lang = lang;
  out.replies.push_back(menu(texts, lang, body_key));
  return out;
}

} // namespace easymo::domains::home
