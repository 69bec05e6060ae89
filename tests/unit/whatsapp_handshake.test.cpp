// GET /webhook handshake decisions: the challenge comes back verbatim only
// for subscribe with our token; everything else is 400 or 403.
#include "protocols/whatsapp/handshake.hpp"

#include <boost/test/unit_test.hpp>

using namespace easymo::whatsapp;

namespace {
const std::string token = "kigali-verify-2024";
}

BOOST_AUTO_TEST_CASE(subscribe_with_our_token_echoes_the_challenge) {
  auto a = answer_handshake(
    "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=kigali-verify-2024",
    token);
  BOOST_CHECK_EQUAL(a.status, 200u);
  BOOST_CHECK_EQUAL(a.body, "1158201444");
}

BOOST_AUTO_TEST_CASE(parameters_are_percent_decoded) {
  auto a = answer_handshake(
    "hub.mode=subscribe&hub.verify_token=a%20b%26c&hub.challenge=x%2By", "a b&c");
  BOOST_CHECK_EQUAL(a.status, 200u);
  BOOST_CHECK_EQUAL(a.body, "x+y");
}

BOOST_AUTO_TEST_CASE(a_wrong_token_is_forbidden) {
  auto a = answer_handshake(
    "hub.mode=subscribe&hub.verify_token=guess&hub.challenge=42", token);
  BOOST_CHECK_EQUAL(a.status, 403u);
  BOOST_CHECK(a.body.find("42") == std::string::npos);
  // A token that is a prefix of ours is still wrong.
  a = answer_handshake(
    "hub.mode=subscribe&hub.verify_token=kigali&hub.challenge=42", token);
  BOOST_CHECK_EQUAL(a.status, 403u);
}

BOOST_AUTO_TEST_CASE(missing_parameters_are_a_bad_request) {
  const char* queries[] = {
    "",
    "hub.mode=subscribe&hub.verify_token=kigali-verify-2024",
    "hub.mode=subscribe&hub.challenge=1",
    "hub.verify_token=kigali-verify-2024&hub.challenge=1",
    "hub.mode&hub.verify_token=kigali-verify-2024&hub.challenge=1",
  };
  for (auto q : queries)
    BOOST_CHECK_MESSAGE(answer_handshake(q, token).status == 400u, q);
}

BOOST_AUTO_TEST_CASE(other_modes_and_odd_challenges_are_refused) {
  BOOST_CHECK_EQUAL(
    answer_handshake("hub.mode=unsubscribe&hub.verify_token=kigali-verify-2024"
                     "&hub.challenge=1",
                     token)
      .status,
    400u);
  BOOST_CHECK_EQUAL(
    answer_handshake("hub.mode=subscribe&hub.verify_token=kigali-verify-2024"
                     "&hub.challenge=",
                     token)
      .status,
    400u);
  std::string huge = "hub.mode=subscribe&hub.verify_token=kigali-verify-2024"
                     "&hub.challenge="
                     + std::string(300, '7');
  BOOST_CHECK_EQUAL(answer_handshake(huge, token).status, 400u);
  BOOST_CHECK_EQUAL(answer_handshake("hub.mode=%zz", token).status, 400u);
}

BOOST_AUTO_TEST_CASE(the_first_occurrence_of_a_parameter_wins) {
  auto a = answer_handshake("hub.mode=subscribe&hub.verify_token=wrong"
                            "&hub.verify_token=kigali-verify-2024&hub.challenge=7",
                            token);
  BOOST_CHECK_EQUAL(a.status, 403u);
}

BOOST_AUTO_TEST_CASE(an_unset_verify_token_forbids_everything) {
  BOOST_CHECK_EQUAL(
    answer_handshake("hub.mode=subscribe&hub.verify_token=&hub.challenge=1", "")
      .status,
    403u);
}

BOOST_AUTO_TEST_CASE(only_the_given_part_of_a_buffer_is_read) {
  // A view into a larger buffer (as Beast hands out targets): the bytes past
  // its end must not be parsed (Boost.URL 1.81 would, see handshake.cpp).
  std::string buffer = "hub.mode=subscribe&hub.verify_token=kigali-verify-2024"
                       "&hub.challenge=12345&extra=1";
  std::string_view query{buffer.data(), buffer.find("45&extra")};
  auto a = answer_handshake(query, token);
  BOOST_CHECK_EQUAL(a.status, 200u);
  BOOST_CHECK_EQUAL(a.body, "123");
}
