// X-Hub-Signature-256 checks: known answers (RFC 4231 and a Meta-shaped
// body), every malformed header form, and that the HMAC covers the raw
// bytes, so re-serialised JSON (reordered or re-spaced) does not verify.
#include "protocols/whatsapp/signature.hpp"

#include <boost/test/unit_test.hpp>

using namespace easymo::whatsapp;

namespace {

const std::string secret = "a3f1c9e0b7d24e58a6c1f0e9d8b7a6c5";
const std::string body
  = R"({"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"250788000111","phone_number_id":"106540352242922"},"messages":[{"from":"250788123456","id":"wamid.A1","timestamp":"1718012345","type":"text","text":{"body":"Muraho"}}]},"field":"messages"}]}]})";
// Computed independently with Python's hmac module.
const std::string expected
  = "sha256=f407dacd5bf1d6462308a19778694f4d6bc433045e7e0fe83e8e308f214b29ed";

} // namespace

BOOST_AUTO_TEST_CASE(rfc4231_known_answer) {
  BOOST_CHECK_EQUAL(sign("what do ya want for nothing?", "Jefe"),
                    "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec5"
                    "8b964ec3843");
}

BOOST_AUTO_TEST_CASE(a_meta_body_signed_with_the_app_secret_verifies) {
  BOOST_CHECK_EQUAL(sign(body, secret), expected);
  BOOST_CHECK(check_signature(body, expected, secret) == signature_check::valid);
}

BOOST_AUTO_TEST_CASE(uppercase_hex_and_surrounding_spaces_are_accepted) {
  std::string upper = "sha256=";
  for (char c : expected.substr(7))
    upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  BOOST_CHECK(check_signature(body, upper, secret) == signature_check::valid);
  BOOST_CHECK(check_signature(body, " " + expected + "\t", secret)
              == signature_check::valid);
}

BOOST_AUTO_TEST_CASE(missing_and_malformed_headers_are_told_apart) {
  BOOST_CHECK(check_signature(body, "", secret) == signature_check::missing);
  BOOST_CHECK(check_signature(body, "   ", secret) == signature_check::missing);
  auto hex = expected.substr(7);
  const std::string malformed[] = {
    hex,                          // no prefix
    "sha1=" + hex,                // another algorithm
    "SHA256=" + hex,              // Meta's prefix is lowercase
    "sha256=",                    // no digest
    "sha256=" + hex.substr(1),    // 63 digits
    "sha256=" + hex + "0",        // 65 digits
    "sha256=" + hex.substr(0, 63) + "g", // not hex
    "sha256= " + hex,             // space inside
    "sha256=" + hex + ",sha256=" + hex,
  };
  for (auto& header : malformed)
    BOOST_CHECK_MESSAGE(check_signature(body, header, secret)
                          == signature_check::malformed,
                        header);
}

BOOST_AUTO_TEST_CASE(wrong_secret_or_changed_body_is_a_mismatch) {
  BOOST_CHECK(check_signature(body, expected, secret + "x")
              == signature_check::mismatch);
  auto changed = body;
  changed[changed.size() - 3] = ' ';
  BOOST_CHECK(check_signature(changed, expected, secret)
              == signature_check::mismatch);
  // An empty secret never verifies, even against its own signature.
  BOOST_CHECK(check_signature(body, sign(body, ""), "")
              == signature_check::mismatch);
}

BOOST_AUTO_TEST_CASE(the_hmac_covers_raw_bytes_not_the_json_value) {
  // The same JSON value, pretty-printed and with keys reordered.
  std::string reformatted = R"({ "entry": [], "object": "whatsapp_business_account" })";
  std::string original = R"({"object":"whatsapp_business_account","entry":[]})";
  BOOST_CHECK(check_signature(reformatted, sign(original, secret), secret)
              == signature_check::mismatch);
  // Bytes that are not UTF-8 are signed and verified like any others.
  std::string binary{"\xff\x00\xfe\x01", 4};
  BOOST_CHECK(check_signature(binary, sign(binary, secret), secret)
              == signature_check::valid);
}

BOOST_AUTO_TEST_CASE(secrets_compare_by_value_whatever_their_lengths) {
  BOOST_CHECK(secrets_equal("verify-me", "verify-me"));
  BOOST_CHECK(!secrets_equal("verify-me", "verify-mE"));
  BOOST_CHECK(!secrets_equal("verify-me", "verify-me-longer"));
  BOOST_CHECK(!secrets_equal("", "x"));
  BOOST_CHECK(secrets_equal("", ""));
}
