// libFuzzer target: webhook body parsing (seeded with the realistic payloads
// of tests/fixtures/whatsapp).
//
// Beyond "no crash, no UB, no stack overflow": an accepted body nests no
// deeper than the limit, every event has a key and a kind, every stored
// payload is JSON that jsonb accepts (no \u0000), and every non-rejected
// payload decodes back to an event with the same key.
#include "protocols/whatsapp/parse.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

using namespace easymo::whatsapp;

namespace {

// Iterative, so measuring a hostile document cannot overflow the stack.
size_t depth_of(const nlohmann::json& doc) {
  std::vector<std::pair<const nlohmann::json*, size_t>> todo{{&doc, 0}};
  size_t deepest = 0;
  while (!todo.empty()) {
    auto [node, depth] = todo.back();
    todo.pop_back();
    if (!node->is_structured())
      continue;
    deepest = std::max(deepest, depth + 1);
    for (auto& child : *node)
      todo.emplace_back(&child, depth + 1);
  }
  return deepest;
}

void check_event(const event& e) {
  if (e.key.empty() || e.kind.empty())
    std::abort();
  if (e.payload.find("\\u0000") != std::string::npos)
    std::abort();
  if (!nlohmann::json::accept(e.payload))
    std::abort();
  stored_event back;
  std::string reason;
  bool decoded = decode_stored(e.payload, back, reason);
  if (decoded != (e.cat != event::category::rejected))
    std::abort();
  if (auto* m = std::get_if<message>(&back); decoded && m && m->id != e.key)
    std::abort();
  if (auto* s = std::get_if<status_update>(&back); decoded && s && s->id != e.key)
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body{reinterpret_cast<const char*>(data), size};
  parse_limits limits;
  limits.depth_max = 16;
  limits.events_max = 64;
  auto result = parse_webhook(body, limits);
  if (!result.ok())
    return 0;
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded() || depth_of(doc) > limits.depth_max)
    std::abort();
  for (auto& e : result.body.events)
    check_event(e);
  return 0;
}
