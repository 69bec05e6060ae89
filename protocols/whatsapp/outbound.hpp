// Builders for outbound WhatsApp messages: the request bodies of the Cloud
// API's POST /{version}/{phone_number_id}/messages.
//
// Meta refuses a message that breaks its limits with a 400, after the user
// has been left waiting. Here every limit is checked before anything is
// sent: a builder returns the body, or an error value (category
// "wa.limits") naming the field, its length and the limit, so a domain
// that builds a bad menu fails its unit test instead of a conversation.
// Lengths count Unicode characters (see utf8.hpp).
//
// check_message() applies the same rules to any body, however it was made:
// the dispatcher, the sandbox sink and the Graph API simulator use it.
#pragma once

#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/expected.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace easymo::whatsapp {

/// Meta's limits, in characters (code points) unless the name says items.
namespace limits {
constexpr std::size_t text_body_chars_max = 4096;
constexpr std::size_t interactive_body_chars_max = 1024;
constexpr std::size_t header_chars_max = 60;
constexpr std::size_t footer_chars_max = 60;
constexpr std::size_t buttons_min = 1;
constexpr std::size_t buttons_max = 3;
constexpr std::size_t button_title_chars_max = 20;
constexpr std::size_t button_id_chars_max = 256;
constexpr std::size_t list_button_chars_max = 20;
constexpr std::size_t list_sections_max = 10;
/// Rows of all sections together.
constexpr std::size_t list_rows_max = 10;
constexpr std::size_t section_title_chars_max = 24;
constexpr std::size_t row_id_chars_max = 200;
constexpr std::size_t row_title_chars_max = 24;
constexpr std::size_t row_description_chars_max = 72;
constexpr std::size_t caption_chars_max = 1024;
constexpr std::size_t template_name_chars_max = 512;
constexpr std::size_t recipient_chars_max = 64;
/// biz_opaque_callback_data, echoed in status webhooks.
constexpr std::size_t callback_data_chars_max = 512;
} // namespace limits

/// What is wrong with a message (category "wa.limits").
enum class limit_errc : uint8_t {
  /// A string is not valid UTF-8.
  invalid_utf8 = 1,
  /// A required field is absent or has the wrong JSON type.
  missing_field,
  /// A required text is empty.
  empty_text,
  /// A text is longer than Meta allows.
  text_too_long,
  /// Fewer items than Meta requires (buttons, rows, sections).
  too_few_items,
  /// More items than Meta allows.
  too_many_items,
  /// Two buttons share a title, or two buttons or rows share an id.
  duplicate,
  /// The message type, or an interactive type, that is not supported here.
  unsupported_type,
  /// Media needs exactly one of an id or an http(s) link.
  bad_media,
};

constexpr caf::atom_value limit_error_category = caf::atom("wa.limits");

/// The error: its code, and the field path with the figures as context.
caf::error make_limit_error(limit_errc code, std::string context);

/// Renders "wa.limits:text_too_long (interactive.body.text: 1025 > 1024)".
std::string render_limit_error(uint8_t code, caf::atom_value category,
                               const caf::message& context);

/// The code of a wa.limits error (nothing for another error).
std::optional<limit_errc> limit_code(const caf::error& err);

// -- specs ---------------------------------------------------------------------

struct reply_button {
  /// Comes back as the interactive reply id: "<domain>:<action>[:<arg>]".
  std::string id;
  std::string title;
};

/// Header, body and footer shared by every interactive message; header and
/// footer are optional (empty).
struct interactive_text {
  std::string header;
  std::string body;
  std::string footer;
};

struct buttons_spec {
  interactive_text text;
  std::vector<reply_button> buttons;
};

struct list_row {
  std::string id;
  std::string title;
  /// Optional.
  std::string description;
};

struct list_section {
  /// Required when the list has more than one section.
  std::string title;
  std::vector<list_row> rows;
};

struct list_spec {
  interactive_text text;
  /// The label of the button that opens the list.
  std::string button;
  std::vector<list_section> sections;
};

struct template_spec {
  std::string name;
  /// A language code Meta knows: "en", "fr", "rw" (or "en_US" ...).
  std::string language;
  /// Meta's `components` array (parameters), passed through; may be empty.
  nlohmann::json components = nlohmann::json::array();
};

struct image_spec {
  /// Exactly one of a media id (uploaded to Meta) or an https link.
  std::string media_id;
  std::string link;
  std::string caption;
};

// -- builders ----------------------------------------------------------------

using built = caf::expected<nlohmann::json>;

built text_message(std::string_view to, std::string_view body,
                   bool preview_url = false);

built buttons_message(std::string_view to, const buttons_spec& spec);

built list_message(std::string_view to, const list_spec& spec);

/// Asks the user to share their location (interactive
/// location_request_message).
built location_request_message(std::string_view to, std::string_view body);

built template_message(std::string_view to, const template_spec& spec);

built image_message(std::string_view to, const image_spec& spec);

// -- checks --------------------------------------------------------------------

/// Checks a complete request body against Meta's limits; an empty error when
/// it complies. Types without limits here (audio, document...) only need
/// their object.
caf::error check_message(const nlohmann::json& body);

/// Whether the body is a template message (the only kind allowed outside
/// the customer-service window).
bool is_template(const nlohmann::json& body);

} // namespace easymo::whatsapp
