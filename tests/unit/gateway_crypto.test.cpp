// Digests, MACs, hex comparison and UUIDs the gateways rely on. Expected
// values are known answers: FIPS 180 / RFC 4231 vectors and digests computed
// independently with Python's hashlib/hmac, never by this code.
#include "protocols/crypto/digest.hpp"

#include <boost/test/unit_test.hpp>

#include <set>

using namespace easymo;

BOOST_AUTO_TEST_CASE(sha_digests_match_known_answers) {
  BOOST_CHECK_EQUAL(crypto::sha256_hex("abc"),
                    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f2"
                    "0015ad");
  BOOST_CHECK_EQUAL(crypto::sha512_hex(""),
                    "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d3"
                    "6ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538"
                    "327af927da3e");
}

BOOST_AUTO_TEST_CASE(hmac_sha256_matches_rfc_4231_case_2) {
  BOOST_CHECK_EQUAL(crypto::hmac_sha256_hex("Jefe",
                                            "what do ya want for nothing?"),
                    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964"
                    "ec3843");
}

BOOST_AUTO_TEST_CASE(equal_hex_compares_bytes_not_spelling) {
  BOOST_CHECK(crypto::equal_hex("00ff", "00FF"));
  BOOST_CHECK(!crypto::equal_hex("00ff", "00fe"));
  // Different lengths, odd lengths, non-hex and empty never match.
  BOOST_CHECK(!crypto::equal_hex("00ff", "00ff00"));
  BOOST_CHECK(!crypto::equal_hex("0ff", "0ff"));
  BOOST_CHECK(!crypto::equal_hex("zz", "zz"));
  BOOST_CHECK(!crypto::equal_hex("", ""));
}

BOOST_AUTO_TEST_CASE(from_hex_refuses_malformed_input) {
  BOOST_CHECK_EQUAL(*crypto::from_hex("41Ff"), std::string("A\xff"));
  BOOST_CHECK(!crypto::from_hex("4"));
  BOOST_CHECK(!crypto::from_hex("4g"));
}

BOOST_AUTO_TEST_CASE(base64_matches_rfc_4648) {
  BOOST_CHECK_EQUAL(crypto::base64(""), "");
  BOOST_CHECK_EQUAL(crypto::base64("f"), "Zg==");
  BOOST_CHECK_EQUAL(crypto::base64("fo"), "Zm8=");
  BOOST_CHECK_EQUAL(crypto::base64("foobar"), "Zm9vYmFy");
}

BOOST_AUTO_TEST_CASE(uuid_v4_has_version_and_variant_and_does_not_repeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto id = crypto::uuid_v4();
    BOOST_REQUIRE_MESSAGE(crypto::is_uuid_v4(id), id);
    BOOST_CHECK_EQUAL(id.size(), 36u);
    seen.insert(id);
  }
  BOOST_CHECK_EQUAL(seen.size(), 1000u);
}

BOOST_AUTO_TEST_CASE(is_uuid_v4_refuses_other_versions_and_shapes) {
  BOOST_CHECK(crypto::is_uuid_v4("c72025f5-5cd1-4630-99e4-8ba4722fad56"));
  BOOST_CHECK(crypto::is_uuid_v4("C72025F5-5CD1-4630-A9E4-8BA4722FAD56"));
  // Version 1, variant 0, a missing dash, a non-hex digit.
  BOOST_CHECK(!crypto::is_uuid_v4("c72025f5-5cd1-1630-99e4-8ba4722fad56"));
  BOOST_CHECK(!crypto::is_uuid_v4("c72025f5-5cd1-4630-79e4-8ba4722fad56"));
  BOOST_CHECK(!crypto::is_uuid_v4("c72025f55cd1-4630-99e4-8ba4722fad56x"));
  BOOST_CHECK(!crypto::is_uuid_v4("g72025f5-5cd1-4630-99e4-8ba4722fad56"));
  BOOST_CHECK(!crypto::is_uuid_v4(""));
}

BOOST_AUTO_TEST_CASE(uuid_v4_from_a_seed_is_its_sha256_in_uuid_form) {
  // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223..., with the version
  // nibble and the variant bits set.
  BOOST_CHECK_EQUAL(crypto::uuid_v4_from("abc"),
                    "ba7816bf-8f01-4fea-8141-40de5dae2223");
  BOOST_CHECK_EQUAL(crypto::uuid_v4_from("wallet:1"),
                    crypto::uuid_v4_from("wallet:1"));
  BOOST_CHECK_NE(crypto::uuid_v4_from("wallet:1"),
                 crypto::uuid_v4_from("wallet:2"));
  BOOST_CHECK(crypto::is_uuid_v4(crypto::uuid_v4_from("")));
}
