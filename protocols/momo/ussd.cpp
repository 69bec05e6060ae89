#include "protocols/momo/ussd.hpp"

#include "protocols/crypto/digest.hpp"
#include "protocols/http/client_form.hpp"

#include <algorithm>
#include <charconv>

namespace easymo::momo {

namespace {

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return c >= '0' && c <= '9';
  });
}

bool valid_amount(int64_t amount) {
  return amount > 0 && amount <= ussd_amount_max;
}

std::string qr_mac(const qr_link& link, const std::string& secret) {
  return crypto::hmac_sha256_hex(
    secret, "qr|" + link.reference + "|" + std::to_string(link.amount) + "|"
              + std::to_string(link.expires));
}

std::optional<int64_t> to_int(std::string_view text) {
  int64_t out = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc{} || end != text.data() + text.size())
    return std::nullopt;
  return out;
}

} // namespace

std::string qr_query(const qr_link& link, const std::string& secret) {
  return http::form_encode({{"ref", link.reference},
                            {"amount", std::to_string(link.amount)},
                            {"exp", std::to_string(link.expires)},
                            {"sig", qr_mac(link, secret)}});
}

std::optional<qr_link> verify_qr_query(std::string_view target,
                                       const std::string& secret,
                                       int64_t now_unix) {
  if (secret.empty())
    return std::nullopt;
  auto query = http::query_of(target);
  qr_link link;
  link.reference = query["ref"];
  auto amount = to_int(query["amount"]);
  auto exp = to_int(query["exp"]);
  auto sig = query["sig"];
  if (link.reference.empty() || !amount || !exp || !valid_amount(*amount))
    return std::nullopt;
  link.amount = *amount;
  link.expires = *exp;
  if (!crypto::equal_hex(sig, qr_mac(link, secret)) || link.expires < now_unix)
    return std::nullopt;
  return link;
}

std::optional<std::string> local_msisdn(std::string_view phone) {
  if (!phone.empty() && phone.front() == '+')
    phone.remove_prefix(1);
  if (!all_digits(phone))
    return std::nullopt;
  std::string local;
  if (phone.size() == 12 && phone.substr(0, 3) == "250")
    local = "0" + std::string{phone.substr(3)};
  else if (phone.size() == 10)
    local = std::string{phone};
  else
    return std::nullopt;
  // Rwandan mobile numbers are 07x xxx xxxx; MoMo serves no other.
  if (local.substr(0, 2) != "07")
    return std::nullopt;
  return local;
}

std::optional<std::string> p2p_code(std::string_view phone, int64_t amount_rwf) {
  auto local = local_msisdn(phone);
  if (!local || !valid_amount(amount_rwf))
    return std::nullopt;
  return "*182*1*1*" + *local + "*" + std::to_string(amount_rwf) + "#";
}

std::optional<std::string> merchant_code(std::string_view merchant,
                                         int64_t amount_rwf) {
  if (!all_digits(merchant) || merchant.size() < 4 || merchant.size() > 10
      || !valid_amount(amount_rwf))
    return std::nullopt;
  return "*182*8*1*" + std::string{merchant} + "*" + std::to_string(amount_rwf)
         + "#";
}

std::string tel_link(std::string_view code) {
  std::string out = "tel:";
  for (char c : code) {
    if (c == '#')
      out += "%23";
    else
      out += c;
  }
  return out;
}

} // namespace easymo::momo
