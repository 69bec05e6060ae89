// The delivery subtrees of the supervision tree: gateways (every gateway's
// breaker, WhatsApp's and the payment gateways') and outbox (the dispatcher, and the sandbox sink in sandbox mode). They
// start after the admin actor and stop before it; the outbox stops before
// the gateways, so its last sends still find their breaker.
#pragma once

#include "runtime/supervisor/protocol.hpp"
#include "runtime/tree.hpp"

namespace easymo {

/// gateways (one_for_one): breaker board, then one breaker per gateway of
/// breaker_gateways (whatsapp, momo, paydunya, revolut, slack).
supervision::child_spec gateways_subtree(const tree_context& ctx);

/// outbox (one_for_one): sandbox sink (sandbox mode only), dispatcher.
supervision::child_spec outbox_subtree(const tree_context& ctx);

} // namespace easymo
