// HTTP requests and responders travel between io threads and actors inside
// local CAF messages. They hold shared pointers and callbacks, so they can
// never cross a node boundary; declaring them here, once, keeps every actor
// protocol that takes them consistent.
//
// Outbound calls (client_request / client_response) travel the same way:
// between a gateway's actor and the actor that calls the gateway for it.
#pragma once

#include "protocols/http/client.hpp"
#include "protocols/http/message.hpp"
#include "protocols/http/responder.hpp"

#include <caf/allowed_unsafe_message_type.hpp>

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(easymo::http::request_ptr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(easymo::http::responder)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(easymo::http::client_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(easymo::http::client_response)
