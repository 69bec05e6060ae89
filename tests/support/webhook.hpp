// Meta-shaped webhook bodies for tests, simulators and benchmarks, and their
// signatures, so every caller sends what Meta would.
#pragma once

#include "tests/support/http_client.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace easymo::test {

/// One inbound text message.
struct text_message {
  std::string wamid;
  std::string from = "250788123456";
  std::string body = "Muraho! Ndashaka moto ijya i Kimironko";
  /// Meta's timestamp (unix seconds); 0 stamps the current time, as Meta
  /// does, so replies fall inside the 24-hour customer-service window.
  int64_t timestamp = 0;
};

/// A compact `whatsapp_business_account` notification carrying `messages`
/// in one change, with a contact entry per distinct sender.
std::string text_webhook(const std::vector<text_message>& messages);

/// A tap on one of our buttons (`list` false) or list rows (`list` true):
/// an interactive button_reply or list_reply with the id we gave it.
std::string reply_webhook(const std::string& wamid, const std::string& from,
                          const std::string& id, const std::string& title,
                          bool list = false);

/// A notification with one status update about our message `wamid`.
std::string status_webhook(const std::string& wamid, const std::string& status,
                           const std::string& recipient = "250788123456");

/// The X-Hub-Signature-256 value Meta would send for `body`.
std::string meta_signature(const std::string& body, const std::string& app_secret);

/// Content-Type and X-Hub-Signature-256 for a signed POST of `body`.
header_list signed_headers(const std::string& body, const std::string& app_secret);

/// POSTs `body` to /webhook on 127.0.0.1:port, signed with `app_secret`.
std::optional<http_result> post_webhook(uint16_t port, const std::string& body,
                                        const std::string& app_secret);

/// The raw bytes of a signed POST /webhook, for raw_client tests. With
/// `chunked`, the body is sent as two chunks instead of with a length.
std::string signed_request_text(const std::string& body,
                                const std::string& app_secret,
                                bool chunked = false);

} // namespace easymo::test
