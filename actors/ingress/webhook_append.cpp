#include "actors/ingress/webhook_append.hpp"

namespace easymo::ingress {

namespace {

journal::audit_entry audit_of(const request_facts& facts, uint16_t status,
                              bool signature_valid) {
  journal::audit_entry a;
  a.request_id = facts.request_id;
  a.http_status = status;
  a.signature_valid = signature_valid;
  a.body_bytes = facts.body_bytes;
  a.received_ns = facts.received_ns;
  return a;
}

} // namespace

journal::append_request accepted_append(whatsapp::parsed_webhook& body,
                                        const request_facts& facts) {
  using category = whatsapp::event::category;
  journal::append_request req;
  req.audit = audit_of(facts, 200, true);
  req.records.reserve(body.events.size());
  for (auto& e : body.events) {
    journal::record r;
    r.key = e.key;
    r.kind = e.kind;
    r.wa_id = e.wa_id;
    r.payload = std::move(e.payload);
    r.status = e.cat == category::rejected ? journal::event_status::rejected
                                           : journal::event_status::received;
    r.rate_limited = e.cat == category::message;
    req.audit.rejected += e.cat == category::rejected ? 1 : 0;
    req.records.push_back(std::move(r));
  }
  req.audit.events = static_cast<uint32_t>(req.records.size());
  return req;
}

journal::append_request refused_append(const whatsapp::post_verdict& verdict,
                                       const request_facts& facts) {
  journal::append_request req;
  req.audit = audit_of(facts, static_cast<uint16_t>(verdict.status),
                       verdict.signature == whatsapp::signature_check::valid);
  return req;
}

} // namespace easymo::ingress
