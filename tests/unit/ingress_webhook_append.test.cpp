// From a judged webhook to the journal append: records in body order with
// the right statuses and limits, and the audit entry of accepted and refused
// requests.
#include "actors/ingress/webhook_append.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/webhook.hpp"

#include <boost/test/unit_test.hpp>

using namespace easymo;

namespace {
const std::string secret = "test-app-secret";
const ingress::request_facts facts{"req-42", 1234, 777};
} // namespace

BOOST_AUTO_TEST_CASE(an_accepted_batch_becomes_records_in_order) {
  auto body = test::read_fixture("whatsapp/batch_many.json");
  auto v = whatsapp::judge_post(body, test::meta_signature(body, secret), secret);
  BOOST_REQUIRE(v.accepted());
  auto req = ingress::accepted_append(v.parsed.body, facts);
  BOOST_REQUIRE_EQUAL(req.records.size(), 6u);
  BOOST_CHECK_EQUAL(req.records[0].kind, "text");
  BOOST_CHECK(req.records[0].rate_limited);
  BOOST_CHECK_EQUAL(req.records[2].kind, "status.delivered");
  BOOST_CHECK(!req.records[2].rate_limited);
  BOOST_CHECK(req.records[2].status == journal::event_status::received);
  BOOST_CHECK(req.records[0].payload.find("\"message\"") != std::string::npos);
  BOOST_CHECK_EQUAL(req.audit.request_id, "req-42");
  BOOST_CHECK_EQUAL(req.audit.http_status, 200);
  BOOST_CHECK(req.audit.signature_valid);
  BOOST_CHECK_EQUAL(req.audit.events, 6u);
  BOOST_CHECK_EQUAL(req.audit.rejected, 0u);
  BOOST_CHECK_EQUAL(req.audit.body_bytes, 1234u);
  BOOST_CHECK_EQUAL(req.audit.received_ns, 777);
}

BOOST_AUTO_TEST_CASE(unreadable_items_are_stored_rejected_and_not_limited) {
  auto body = test::read_fixture("whatsapp/batch_bad_item.json");
  auto v = whatsapp::judge_post(body, test::meta_signature(body, secret), secret);
  BOOST_REQUIRE(v.accepted());
  auto req = ingress::accepted_append(v.parsed.body, facts);
  BOOST_REQUIRE_EQUAL(req.records.size(), 4u);
  BOOST_CHECK(req.records[1].status == journal::event_status::rejected);
  BOOST_CHECK(!req.records[1].rate_limited);
  BOOST_CHECK_EQUAL(req.audit.rejected, 2u);
}

BOOST_AUTO_TEST_CASE(refused_requests_leave_only_an_audit_entry) {
  auto body = test::text_webhook({{"wamid.R1"}});
  auto forged = whatsapp::judge_post(body, "sha256=" + std::string(64, '0'), secret);
  auto req = ingress::refused_append(forged, facts);
  BOOST_CHECK(req.records.empty());
  BOOST_CHECK_EQUAL(req.audit.http_status, 401);
  BOOST_CHECK(!req.audit.signature_valid);
  auto garbled = std::string{"{\"object\":"};
  auto bad = whatsapp::judge_post(garbled, test::meta_signature(garbled, secret), secret);
  req = ingress::refused_append(bad, facts);
  BOOST_CHECK_EQUAL(req.audit.http_status, 400);
  BOOST_CHECK(req.audit.signature_valid);
}
