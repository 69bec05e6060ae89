// Known-answer tests of webhook parsing on realistic Meta payloads (one
// fixture per message type and status under tests/fixtures/whatsapp), then
// the whole-body rules: batches, ignored fields, rejected items, 400s and
// hostile nesting.
#include "protocols/whatsapp/parse.hpp"
#include "tests/support/fixtures.hpp"

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

using namespace easymo::whatsapp;
using easymo::test::read_fixture;

namespace {

parsed_webhook parse_ok(const std::string& fixture) {
  auto r = parse_webhook(read_fixture("whatsapp/" + fixture));
  BOOST_REQUIRE_MESSAGE(r.ok(), fixture + ": " + r.error_message);
  return std::move(r.body);
}

// The single message of a fixture.
message only_message(const std::string& fixture) {
  auto body = parse_ok(fixture);
  BOOST_REQUIRE_EQUAL(body.events.size(), 1u);
  auto& e = body.events[0];
  BOOST_REQUIRE_MESSAGE(e.cat == event::category::message, e.reason);
  BOOST_CHECK_EQUAL(e.wa_id, "250788123456");
  auto& m = std::get<message>(e.detail);
  BOOST_CHECK_EQUAL(e.key, m.id);
  BOOST_CHECK_EQUAL(e.kind, m.type);
  BOOST_CHECK_EQUAL(m.from, "250788123456");
  BOOST_CHECK_EQUAL(m.timestamp, 1718012345);
  BOOST_CHECK_EQUAL(m.phone_number_id, "106540352242922");
  return m;
}

template <class T>
T content_of(const std::string& fixture) {
  auto m = only_message(fixture);
  BOOST_REQUIRE(std::holds_alternative<T>(m.content));
  return std::get<T>(m.content);
}

status_update only_status(const std::string& fixture, const char* kind) {
  auto body = parse_ok(fixture);
  BOOST_REQUIRE_EQUAL(body.events.size(), 1u);
  auto& e = body.events[0];
  BOOST_REQUIRE(e.cat == event::category::status);
  BOOST_CHECK_EQUAL(e.kind, kind);
  BOOST_CHECK_EQUAL(e.key,
                    "wamid.HBgMMjUwNzg4MTIzNDU2FQIAERgSOEI1NUY1RTdGMUI1RUQ3NjA4AA==");
  BOOST_CHECK_EQUAL(e.wa_id, "250788123456");
  return std::get<status_update>(e.detail);
}

std::string nested(size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

} // namespace

BOOST_AUTO_TEST_SUITE(messages)

BOOST_AUTO_TEST_CASE(text) {
  auto m = only_message("text.json");
  BOOST_CHECK_EQUAL(m.profile_name, "Aline Uwase");
  BOOST_CHECK(!m.context);
  BOOST_CHECK_EQUAL(std::get<text_content>(m.content).body,
                    "Muraho! Ndashaka moto ijya i Kimironko");
}

BOOST_AUTO_TEST_CASE(interactive_replies) {
  auto b = content_of<interactive_content>("interactive_button_reply.json");
  BOOST_CHECK(b.type == interactive_content::reply::button_reply);
  BOOST_CHECK_EQUAL(b.id, "ride.confirm");
  BOOST_CHECK_EQUAL(b.title, "Emeza");
  auto l = content_of<interactive_content>("interactive_list_reply.json");
  BOOST_CHECK(l.type == interactive_content::reply::list_reply);
  BOOST_CHECK_EQUAL(l.id, "menu.jobs");
  BOOST_CHECK_EQUAL(l.description, "Find work near you");
  auto f = content_of<interactive_content>("interactive_nfm_reply.json");
  BOOST_CHECK(f.type == interactive_content::reply::nfm_reply);
  BOOST_CHECK_EQUAL(f.flow_name, "flow");
  BOOST_CHECK_EQUAL(f.flow_body, "Sent");
  auto flow = nlohmann::json::parse(f.flow_response_json);
  BOOST_CHECK_EQUAL(flow["plate"], "RAD 123 B");
}

BOOST_AUTO_TEST_CASE(replies_carry_their_context) {
  auto m = only_message("interactive_button_reply.json");
  BOOST_REQUIRE(m.context);
  BOOST_CHECK_EQUAL(m.context->from, "250788000111");
  BOOST_CHECK_EQUAL(m.context->id,
                    "wamid.HBgMMjUwNzg4MTIzNDU2FQIAERgSQjdGMDAxQTI1QzdEOEU5RkEA");
  auto fwd = only_message("text_reply_forwarded.json");
  BOOST_REQUIRE(fwd.context);
  BOOST_CHECK(fwd.context->forwarded);
  BOOST_CHECK(fwd.context->frequently_forwarded);
  BOOST_CHECK(fwd.context->id.empty());
}

BOOST_AUTO_TEST_CASE(template_button) {
  auto b = content_of<button_content>("button.json");
  BOOST_CHECK_EQUAL(b.payload, "payment.remind.stop");
  BOOST_CHECK_EQUAL(b.text, "Stop reminders");
}

BOOST_AUTO_TEST_CASE(location) {
  auto l = content_of<location_content>("location.json");
  BOOST_CHECK_CLOSE(l.latitude, -1.9440727, 1e-9);
  BOOST_CHECK_CLOSE(l.longitude, 30.0618851, 1e-9);
  BOOST_CHECK_EQUAL(l.name, "Kigali Convention Centre");
  BOOST_CHECK_EQUAL(l.address, "KG 2 Roundabout, Kigali");
  BOOST_CHECK_EQUAL(l.url, "https://www.kcc.rw");
}

BOOST_AUTO_TEST_CASE(media) {
  auto img = content_of<media_content>("image.json");
  BOOST_CHECK_EQUAL(img.id, "1003383421387256");
  BOOST_CHECK_EQUAL(img.mime_type, "image/jpeg");
  BOOST_CHECK_EQUAL(img.sha256, "nqDvKnEoOVzXpYJnRjCkpxxsF3oUMjzOJIjZ8Y8V2Ko=");
  BOOST_CHECK_EQUAL(img.caption, "Ifoto y'imodoka");
  auto doc = content_of<media_content>("document.json");
  BOOST_CHECK_EQUAL(doc.filename, "carte-grise-RAD123B.pdf");
  BOOST_CHECK_EQUAL(doc.mime_type, "application/pdf");
  auto audio = content_of<media_content>("audio.json");
  BOOST_CHECK(audio.voice);
  BOOST_CHECK_EQUAL(audio.mime_type, "audio/ogg; codecs=opus");
  auto video = content_of<media_content>("video.json");
  BOOST_CHECK_EQUAL(video.caption, "Aho inzu iherereye");
  auto sticker = content_of<media_content>("sticker.json");
  BOOST_CHECK_EQUAL(sticker.id, "652317893456789");
  BOOST_CHECK(!sticker.animated);
}

BOOST_AUTO_TEST_CASE(reaction) {
  auto r = content_of<reaction_content>("reaction.json");
  BOOST_CHECK_EQUAL(r.message_id,
                    "wamid.HBgMMjUwNzg4MTIzNDU2FQIAERgSQjdGMDAxQTI1QzdEOEU5RkEA");
  BOOST_CHECK_EQUAL(r.emoji, "\xF0\x9F\x91\x8D");
}

BOOST_AUTO_TEST_CASE(contacts) {
  auto c = content_of<contacts_content>("contacts.json");
  BOOST_REQUIRE_EQUAL(c.cards.size(), 1u);
  BOOST_CHECK_EQUAL(c.cards[0].formatted_name, "Jean Bosco Habimana");
  BOOST_REQUIRE_EQUAL(c.cards[0].phones.size(), 2u);
  BOOST_CHECK_EQUAL(c.cards[0].phones[0].wa_id, "250788654321");
  BOOST_CHECK_EQUAL(c.cards[0].phones[1].type, "WORK");
  BOOST_CHECK(c.cards[0].phones[1].wa_id.empty());
}

BOOST_AUTO_TEST_CASE(unsupported_keeps_its_errors) {
  auto u = content_of<unsupported_content>("unsupported.json");
  BOOST_REQUIRE_EQUAL(u.errors.size(), 1u);
  BOOST_CHECK_EQUAL(u.errors[0].code, 131051);
  BOOST_CHECK_EQUAL(u.errors[0].title, "Message type unknown");
  BOOST_CHECK_EQUAL(u.errors[0].details, "Message type is currently not supported.");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(statuses)

BOOST_AUTO_TEST_CASE(sent_with_conversation_and_pricing) {
  auto s = only_status("status_sent.json", "status.sent");
  BOOST_CHECK(s.status == status_update::state::sent);
  BOOST_CHECK_EQUAL(s.timestamp, 1718012400);
  BOOST_REQUIRE(s.conversation);
  BOOST_CHECK_EQUAL(s.conversation->id, "8a3c0f0b7d6e4f3a9b1c2d3e4f5a6b7c");
  BOOST_CHECK_EQUAL(s.conversation->origin_type, "service");
  BOOST_CHECK_EQUAL(s.conversation->expiration_timestamp, 1718098800);
  BOOST_REQUIRE(s.pricing);
  BOOST_CHECK(s.pricing->billable);
  BOOST_CHECK_EQUAL(s.pricing->pricing_model, "CBP");
  BOOST_CHECK_EQUAL(s.pricing->category, "service");
}

BOOST_AUTO_TEST_CASE(delivered_read_and_failed) {
  auto d = only_status("status_delivered.json", "status.delivered");
  BOOST_CHECK(d.status == status_update::state::delivered);
  BOOST_CHECK_EQUAL(d.conversation->expiration_timestamp, 0);
  auto r = only_status("status_read.json", "status.read");
  BOOST_CHECK(r.status == status_update::state::read);
  BOOST_CHECK(!r.conversation && !r.pricing);
  auto f = only_status("status_failed.json", "status.failed");
  BOOST_CHECK(f.status == status_update::state::failed);
  BOOST_REQUIRE_EQUAL(f.errors.size(), 1u);
  BOOST_CHECK_EQUAL(f.errors[0].code, 131026);
  BOOST_CHECK_EQUAL(f.errors[0].details,
                    "Message could not be delivered to the recipient.");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(bodies)

BOOST_AUTO_TEST_CASE(many_entries_changes_and_items_in_one_body) {
  auto body = parse_ok("batch_many.json");
  BOOST_CHECK_EQUAL(body.events.size(), 6u);
  BOOST_CHECK_EQUAL(body.count(event::category::message), 4u);
  BOOST_CHECK_EQUAL(body.count(event::category::status), 2u);
  // account_update and message_template_status_update are acknowledged only.
  BOOST_CHECK_EQUAL(body.ignored, 2u);
  // Order is preserved; each message knows its own sender's profile.
  BOOST_CHECK_EQUAL(body.events[2].kind, "status.delivered");
  BOOST_CHECK_EQUAL(body.events[3].kind, "status.read");
  BOOST_CHECK_EQUAL(body.events[2].key, body.events[3].key);
  auto& m = std::get<message>(body.events[5].detail);
  BOOST_CHECK_EQUAL(m.from, "250722345678");
  BOOST_CHECK_EQUAL(m.profile_name, "Claudine Mukamana");
}

BOOST_AUTO_TEST_CASE(other_objects_are_accepted_and_ignored) {
  auto body = parse_ok("other_object.json");
  BOOST_CHECK(body.events.empty());
  BOOST_CHECK_EQUAL(body.ignored, 1u);
}

BOOST_AUTO_TEST_CASE(a_bad_item_is_rejected_and_the_rest_kept) {
  auto body = parse_ok("batch_bad_item.json");
  BOOST_REQUIRE_EQUAL(body.events.size(), 4u);
  BOOST_CHECK(body.events[0].cat == event::category::message);
  BOOST_CHECK(body.events[3].cat == event::category::message);
  auto& bad = body.events[1];
  BOOST_CHECK(bad.cat == event::category::rejected);
  BOOST_CHECK_EQUAL(bad.kind, "rejected.message");
  BOOST_CHECK_EQUAL(bad.key,
                    "wamid.HBgMMjUwNzg4MTIzNDU2FQIAEhggQkFEMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwAA==");
  BOOST_CHECK_EQUAL(bad.wa_id, "250788123456");
  BOOST_CHECK_EQUAL(bad.reason, "text.body is not a string");
  // An item without an id is keyed by its content, stably.
  auto& alien = body.events[2];
  BOOST_CHECK(alien.cat == event::category::rejected);
  BOOST_CHECK_EQUAL(alien.key.rfind("sha256:", 0), 0u);
  BOOST_CHECK_EQUAL(alien.key.size(), 7u + 64u);
  BOOST_CHECK_EQUAL(parse_ok("batch_bad_item.json").events[2].key, alien.key);
  auto payload = nlohmann::json::parse(alien.payload);
  BOOST_CHECK_EQUAL(payload["rejected"]["item"], "not an object");
}

BOOST_AUTO_TEST_CASE(items_missing_required_fields_are_rejected) {
  const char* items[] = {
    R"({"id":"wamid.X","timestamp":"1","type":"text","text":{"body":"a"}})",
    R"({"from":"2507","timestamp":"1","type":"text","text":{"body":"a"}})",
    R"({"from":"2507","id":"wamid.X","type":"text","text":{"body":"a"}})",
    R"({"from":"2507","id":"wamid.X","timestamp":"-5","type":"text","text":{"body":"a"}})",
    R"({"from":"2507","id":"wamid.X","timestamp":"1","type":"image","image":{}})",
    R"({"from":"2507","id":"wamid X","timestamp":"1","type":"text","text":{"body":"a"}})",
    R"({"from":"2507","id":"wamid.X","timestamp":"1","type":"location","location":{"latitude":91,"longitude":0}})",
    R"({"from":"2507","id":"wamid.X","timestamp":"1","type":"Text!","text":{"body":"a"}})",
  };
  for (auto item : items) {
    auto body = std::string{R"({"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"messages":[)"}
                + item + "]}}]}]}";
    auto r = parse_webhook(body);
    BOOST_REQUIRE_MESSAGE(r.ok(), item);
    BOOST_REQUIRE_EQUAL(r.body.events.size(), 1u);
    BOOST_CHECK_MESSAGE(r.body.events[0].cat == event::category::rejected, item);
  }
}

BOOST_AUTO_TEST_CASE(unknown_message_types_are_kept_under_their_own_kind) {
  auto r = parse_webhook(
    R"({"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"messages":[{"from":"250788123456","id":"wamid.O1","timestamp":"1718012345","type":"order","order":{"catalog_id":"1"}}]}}]}]})");
  BOOST_REQUIRE(r.ok());
  BOOST_REQUIRE_EQUAL(r.body.events.size(), 1u);
  BOOST_CHECK_EQUAL(r.body.events[0].kind, "order");
  auto& m = std::get<message>(r.body.events[0].detail);
  BOOST_CHECK_EQUAL(std::get<other_content>(m.content).type, "order");
}

BOOST_AUTO_TEST_CASE(malformed_json_and_wrong_shapes_fail_the_body) {
  std::pair<const char*, parse_error> cases[] = {
    {"", parse_error::malformed_json},
    {"{\"object\":", parse_error::malformed_json},
    {"{\"object\":\"whatsapp_business_account\",\"entry\":[]} trailing",
     parse_error::malformed_json},
    {"{\"a\":\"\xff\"}", parse_error::malformed_json},
    {"[]", parse_error::wrong_shape},
    {"{\"entry\":[]}", parse_error::wrong_shape},
    {"{\"object\":\"whatsapp_business_account\"}", parse_error::wrong_shape},
    {"{\"object\":\"whatsapp_business_account\",\"entry\":{}}",
     parse_error::wrong_shape},
    {"{\"object\":\"whatsapp_business_account\",\"entry\":[{}]}",
     parse_error::wrong_shape},
    {"{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":[1]}]}",
     parse_error::wrong_shape},
    {"{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":[{"
     "\"field\":\"messages\",\"value\":[]}]}]}",
     parse_error::wrong_shape},
    {"{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":[{"
     "\"field\":\"messages\",\"value\":{\"messages\":{}}}]}]}",
     parse_error::wrong_shape},
  };
  for (auto& [body, expected] : cases) {
    auto r = parse_webhook(body);
    BOOST_CHECK_MESSAGE(r.error == expected,
                        std::string{body} + " -> " + to_string(r.error));
    BOOST_CHECK(r.body.events.empty());
    BOOST_CHECK(!r.error_message.empty());
  }
}

BOOST_AUTO_TEST_CASE(deep_nesting_is_refused_without_building_it) {
  // A million levels would overflow any recursive walk of the DOM.
  auto r = parse_webhook(nested(1'000'000));
  BOOST_CHECK(r.error == parse_error::too_deep);
  parse_limits limits;
  limits.depth_max = 4;
  BOOST_CHECK(parse_webhook(nested(5), limits).error == parse_error::too_deep);
  // Exactly at the limit parses (and then fails on shape, not depth).
  BOOST_CHECK(parse_webhook(nested(4), limits).error == parse_error::wrong_shape);
  // Real payloads fit the default limit comfortably.
  BOOST_CHECK(parse_webhook(read_fixture("whatsapp/contacts.json"), limits).error
              == parse_error::too_deep);
  BOOST_CHECK(parse_webhook(read_fixture("whatsapp/contacts.json")).ok());
}

BOOST_AUTO_TEST_CASE(brackets_inside_strings_do_not_count_as_nesting) {
  BOOST_CHECK(!nesting_exceeds(R"(["[[[[[[", "{{{{\"[[["])", 1));
  BOOST_CHECK(nesting_exceeds(R"([["]"]])", 1));
  BOOST_CHECK(!nesting_exceeds(R"([["]"]])", 2));
  BOOST_CHECK(!nesting_exceeds("]]]]]][", 1));
}

BOOST_AUTO_TEST_CASE(too_many_items_fail_the_body) {
  std::string items;
  for (int i = 0; i < 6; ++i)
    items += std::string{i ? "," : ""} + R"({"id":"wamid.S)" + std::to_string(i)
             + R"(","status":"read","timestamp":"1","recipient_id":"2507"})";
  auto body = R"({"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"statuses":[)"
              + items + "]}}]}]}";
  parse_limits limits;
  limits.events_max = 5;
  BOOST_CHECK(parse_webhook(body, limits).error == parse_error::too_many_events);
  limits.events_max = 6;
  BOOST_CHECK_EQUAL(parse_webhook(body, limits).body.events.size(), 6u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(stored_payloads_decode_to_the_same_events) {
  for (auto& name : easymo::test::list_fixtures("whatsapp")) {
    auto body = parse_ok(name);
    for (auto& e : body.events) {
      stored_event back;
      std::string reason;
      bool ok = decode_stored(e.payload, back, reason);
      BOOST_CHECK_EQUAL(ok, e.cat != event::category::rejected);
      if (auto* m = std::get_if<message>(&e.detail)) {
        auto& d = std::get<message>(back);
        BOOST_CHECK_EQUAL(d.id, m->id);
        BOOST_CHECK_EQUAL(d.type, m->type);
        BOOST_CHECK_EQUAL(d.profile_name, m->profile_name);
        BOOST_CHECK_EQUAL(d.phone_number_id, m->phone_number_id);
        BOOST_CHECK_EQUAL(d.content.index(), m->content.index());
      } else if (auto* s = std::get_if<status_update>(&e.detail)) {
        auto& d = std::get<status_update>(back);
        BOOST_CHECK_EQUAL(d.id, s->id);
        BOOST_CHECK(d.status == s->status);
        BOOST_CHECK_EQUAL(d.phone_number_id, s->phone_number_id);
      }
    }
  }
}
