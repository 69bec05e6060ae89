#include "protocols/whatsapp/webhook.hpp"

namespace easymo::whatsapp {

post_verdict judge_post(std::string_view body, std::string_view signature_header,
                        std::string_view app_secret,
                        const parse_limits& limits) {
  post_verdict v;
  v.signature = check_signature(body, signature_header, app_secret);
  if (v.signature != signature_check::valid) {
    v.status = 401;
    v.error = v.signature == signature_check::missing
                ? "missing X-Hub-Signature-256"
                : "invalid X-Hub-Signature-256";
    return v;
  }
  v.parsed = parse_webhook(body, limits);
  if (!v.parsed.ok()) {
    v.status = 400;
    v.error = v.parsed.error_message;
  }
  return v;
}

} // namespace easymo::whatsapp
