// Percent and form encoding, as PayDunya IPNs and MoMo callbacks use them:
// exact outputs for the tricky characters, a round trip over every byte, and
// rejection of every malformed escape.
#include "protocols/http/client_form.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

using namespace easymo::http;

BOOST_AUTO_TEST_CASE(url_encode_keeps_only_unreserved_characters) {
  BOOST_CHECK_EQUAL(url_encode("AZaz09-._~"), "AZaz09-._~");
  BOOST_CHECK_EQUAL(url_encode("a b&c/d+e=f"), "a%20b%26c%2Fd%2Be%3Df");
  BOOST_CHECK_EQUAL(url_encode("Kigali é"), "Kigali%20%C3%A9");
  BOOST_CHECK_EQUAL(url_encode(std::string_view{"\0\xff", 2}), "%00%FF");
  BOOST_CHECK_EQUAL(url_encode(""), "");
}

BOOST_AUTO_TEST_CASE(form_encode_uses_plus_for_spaces) {
  form_fields fields{{"phone number", "+250 788"}, {"memo", "a&b=c~*"},
                     {"empty", ""}};
  BOOST_CHECK_EQUAL(form_encode(fields),
                    "phone+number=%2B250+788&memo=a%26b%3Dc%7E*&empty=");
  BOOST_CHECK_EQUAL(form_encode({}), "");
}

BOOST_AUTO_TEST_CASE(form_decode_undoes_plus_and_escapes) {
  auto fields = form_decode("a=1&b=%41%62+c&&flag&c=x%3dy%3D&=v");
  BOOST_REQUIRE(fields);
  form_fields expected{{"a", "1"}, {"b", "Ab c"}, {"flag", ""},
                       {"c", "x=y="},  {"", "v"}};
  BOOST_CHECK(*fields == expected);
  BOOST_CHECK(form_decode("")->empty());
  // A literal '+' only survives as %2B.
  BOOST_CHECK((*form_decode("x=1%2B1+2"))[0].second == "1+1 2");
}

BOOST_AUTO_TEST_CASE(form_round_trips_every_byte) {
  std::string all;
  for (int c = 0; c < 256; ++c)
    all += static_cast<char>(c);
  form_fields fields{{all, all}, {"k", "v=w&x"}};
  auto back = form_decode(form_encode(fields));
  BOOST_REQUIRE(back);
  BOOST_CHECK(*back == fields);
}

BOOST_AUTO_TEST_CASE(form_decode_rejects_malformed_escapes) {
  for (const auto* body : {"a=%", "a=%4", "a=%zz", "a=%4g", "%g1=2", "a=1&b=%",
                           "a=%%41"})
    BOOST_CHECK_MESSAGE(!form_decode(body), body);
}
