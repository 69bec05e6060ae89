#include "protocols/http/session.hpp"

#include "runtime/log.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/error.hpp>

#include <exception>

namespace easymo::http::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;

namespace {

// How long a closing connection goes on reading (and discarding) after its
// last answer. Closing with unread bytes makes the kernel send a reset,
// which can destroy the answer before the client has read it.
constexpr std::chrono::milliseconds linger_timeout{1000};

bool is_http_error(const boost::system::error_code& ec) {
  static const auto& category
    = beast_http::make_error_code(beast_http::error::bad_target).category();
  return ec.category() == category;
}

// The client stopped sending between requests, which is a normal way to end
// a keep-alive connection (possibly after pipelining a last few requests).
bool is_clean_eof(const boost::system::error_code& ec) {
  return ec == beast_http::error::end_of_stream || ec == asio::error::eof
         || ec == asio::ssl::error::stream_truncated;
}

} // namespace

session::session(std::shared_ptr<server_core> core,
                 boost::asio::any_io_executor ex, tcp::endpoint remote)
  : core_(std::move(core)),
    // Parsed bytes leave the buffer as they are parsed, so it never holds
    // more than one header plus one read; the cap backs that up.
    buffer_(core_->opts.header_bytes_max + read_chunk_bytes),
    in_flight_(core_, &core_->in_flight),
    executor_(std::move(ex)),
    deadlines_(executor_),
    pipeline_(core_->opts.pipelined_max),
    remote_(std::move(remote)) {
}

session::~session() {
  if (registered_)
    core_->remove(*registered_);
  if (admitted_) {
    core_->connections.fetch_sub(1, std::memory_order_acq_rel);
    core_->metrics.connections_open().sub(1);
  } else {
    core_->refusals.fetch_sub(1, std::memory_order_acq_rel);
  }
}

void session::run() {
  admitted_ = true;
  core_->metrics.connections_open().add(1);
  registered_ = core_->add(weak_from_this());
  // Accepted on the listener's thread: everything else happens on the
  // connection's strand.
  asio::dispatch(executor_, [self = shared_from_this()] { self->start_io(); });
}

void session::refuse(response answer) {
  registered_ = core_->add(weak_from_this());
  asio::dispatch(executor_, [self = shared_from_this(),
                             answer = std::move(answer)]() mutable {
    self->read_closed_ = true;
    auto seq = self->pipeline_.push(make_request_id(), 11, false, false);
    self->pipeline_.fill(seq, std::move(answer));
    self->do_write();
  });
}

// -- connection ---------------------------------------------------------------

void session::deliver(std::uint64_t seq, response res) {
  asio::post(executor_, [self = shared_from_this(), seq,
                         res = std::move(res)]() mutable {
    self->on_response(seq, std::move(res));
  });
}

void session::stop() {
  asio::post(executor_, [self = shared_from_this()] { self->on_stop(); });
}

void session::abort() {
  asio::post(executor_, [self = shared_from_this()] { self->hard_close(); });
}

// -- reading ------------------------------------------------------------------

void session::do_read() {
  if (closed_ || closing_ || read_closed_ || reading_)
    return;
  if (core_->stopping.load(std::memory_order_acquire)) {
    read_closed_ = true;
    if (idle())
      do_close();
    return;
  }
  // A full pipeline pauses reading; after_write resumes it.
  if (pipeline_.full())
    return;
  // A pipelined request may already sit in the buffer.
  if (buffer_.size() > 0)
    return start_parse();
  // While an answer is owed there is no deadline: the idle time of a
  // keep-alive connection only starts once its last answer is written.
  if (!pipeline_.empty())
    deadlines_.clear_read();
  else
    set_read_deadline(served_ ? core_->opts.idle_timeout
                              : core_->opts.read_timeout);
  reading_ = true;
  read_some(&session::on_first_bytes);
}

void session::on_first_bytes(error_code ec, std::size_t bytes) {
  reading_ = false;
  // A close began while this read waited; it now serves as the linger read.
  if (closing_)
    return on_linger(ec, bytes);
  if (closed_)
    return;
  if (ec)
    return on_read_error(ec);
  buffer_.commit(bytes);
  start_parse();
}

void session::start_parse() {
  parsing_ = true;
  // A fresh parser per request, otherwise the previous request's state and
  // limits would carry over.
  parser_.emplace();
  parser_->body_limit(core_->opts.body_bytes_max);
  parser_->header_limit(
    static_cast<std::uint32_t>(core_->opts.header_bytes_max));
  // From its first byte, the whole request must arrive within read_timeout,
  // however slowly it trickles in: this is what ends slowloris connections.
  set_read_deadline(core_->opts.read_timeout);
  reading_ = true;
  read_request();
}

void session::on_read(error_code ec, std::size_t) {
  reading_ = false;
  if (closed_)
    return;
  if (closing_)
    return hard_close();
  if (ec)
    return on_read_error(ec);
  parsing_ = false;
  served_ = true;
  deadlines_.clear_read();
  dispatch();
  // Pipelining: read the next request while this one is being handled.
  do_read();
}

void session::on_read_error(error_code ec) {
  parsing_ = false;
  deadlines_.clear_read();
  if (ec == asio::error::operation_aborted)
    return;
  if (is_clean_eof(ec)) {
    // Requests already read are still answered before the close.
    read_closed_ = true;
    if (idle())
      hard_close();
    return;
  }
  if (ec == beast_http::error::body_limit)
    return reject(json_error(beast_http::status::payload_too_large,
                             "request body too large"),
                  reject_reason::body_too_large);
  if (ec == beast_http::error::header_limit)
    return reject(
      json_error(beast_http::status::request_header_fields_too_large,
                 "request headers too large"),
      reject_reason::header_too_large);
  // A message cut short by the peer is a disconnect, not a bad request.
  if (is_http_error(ec) && ec != beast_http::error::partial_message)
    return reject(json_error(beast_http::status::bad_request,
                             "malformed request"),
                  reject_reason::bad_request);
  log::debug("http", "read failed",
             {{"listener", core_->opts.name}, {"error", ec.message()}});
  hard_close();
}

void session::dispatch() {
  auto message = parser_->release();
  parser_.reset();
  bool keep_alive = message.keep_alive();
  if (!keep_alive)
    read_closed_ = true;
  auto id = make_request_id();
  auto seq = pipeline_.push(id, message.version(), keep_alive,
                            message.method() == beast_http::verb::head);
  auto received = std::chrono::steady_clock::now();
  auto req = std::make_shared<const request>(
    request{std::move(message), remote_, core_->opts.name, id, received});
  in_flight_->fetch_add(1, std::memory_order_acq_rel);
  responder res{weak_from_this(), seq,        id,
                received,         &core_->metrics.unrouted(), in_flight_};
  try {
    core_->on_request(std::move(req), std::move(res));
  } catch (const std::exception& e) {
    // The responder died with the handler's frame and answered 500, unless
    // the handler kept a copy that will still answer.
    log::error("http", "handler threw", {{"what", e.what()}}, id);
  }
}

void session::reject(response answer, reject_reason reason) {
  core_->metrics.rejected(reason);
  core_->metrics.rejected_route().count(answer.result_int());
  log::debug("http", "request rejected",
             {{"listener", core_->opts.name},
              {"reason", to_string(reason)},
              {"remote", remote_.address().to_string()}});
  // The stream is no longer in a known state: answer, then close.
  read_closed_ = true;
  auto seq = pipeline_.push(make_request_id(), 11, false, false);
  pipeline_.fill(seq, std::move(answer));
  do_write();
}

// -- writing ------------------------------------------------------------------

void session::on_response(std::uint64_t seq, response res) {
  if (closed_ || closing_)
    return;
  if (!pipeline_.fill(seq, std::move(res))) {
    log::warn("http", "answer for an unknown pipeline slot dropped",
              {{"listener", core_->opts.name}, {"seq", seq}});
    return;
  }
  do_write();
}

void session::do_write() {
  auto* slot = pipeline_.ready_front();
  if (!slot || writing_ || closed_)
    return;
  // The handler may ask to close; otherwise the last answer before the end
  // of reading carries the close.
  close_after_write_ = !slot->keep_alive || !slot->answer->keep_alive()
                       || (pipeline_.outstanding() == 1
                           && !more_requests_expected());
  finalize(*slot, close_after_write_);
  writing_ = true;
  deadlines_.write_in(core_->opts.write_timeout);
  arm_timer();
  write_answer(*slot->answer);
}

void session::finalize(pipeline::slot& slot, bool close) {
  auto& res = *slot.answer;
  res.version(slot.version);
  auto status = res.result_int();
  // These statuses never carry a body, and prepare_payload throws on one.
  if (status < 200 || status == 204 || status == 304)
    res.body().clear();
  res.prepare_payload();
  res.set("X-Request-Id", slot.request_id);
  res.keep_alive(!close);
  // A HEAD answer keeps the Content-Length of the GET it mirrors.
  if (slot.head)
    res.body().clear();
}

void session::on_write(error_code ec, std::size_t) {
  writing_ = false;
  deadlines_.clear_write();
  if (closed_)
    return;
  if (ec) {
    log::debug("http", "write failed",
               {{"listener", core_->opts.name}, {"error", ec.message()}});
    return hard_close();
  }
  pipeline_.pop();
  if (close_after_write_)
    return do_close();
  after_write();
}

void session::after_write() {
  if (idle() && !more_requests_expected())
    return do_close();
  do_write();
  if (!reading_) {
    // Reading paused while the pipeline was full; there is room now.
    do_read();
  } else if (!parsing_ && pipeline_.empty()) {
    // The outstanding wait for the next request becomes an idle wait.
    set_read_deadline(core_->opts.idle_timeout);
  }
}

// -- closing ------------------------------------------------------------------

void session::on_stop() {
  if (closed_ || closing_)
    return;
  if (handshaking_)
    return hard_close();
  // Busy connections close after their last answer, since
  // more_requests_expected() now says no; idle ones go now.
  if (idle())
    do_close();
}

void session::do_close() {
  if (closed_ || closing_)
    return;
  closing_ = true;
  read_closed_ = true;
  set_read_deadline(linger_timeout);
  close_gracefully();
}

void session::linger() {
  buffer_.consume(buffer_.size());
  reading_ = true;
  read_some(&session::on_linger);
}

void session::on_linger(error_code ec, std::size_t bytes) {
  reading_ = false;
  if (ec || closed_)
    return hard_close();
  buffer_.commit(bytes);
  linger();
}

void session::hard_close() {
  if (closed_)
    return;
  closed_ = true;
  deadlines_.cancel();
  // Closing cancels every outstanding operation; their handlers see
  // operation_aborted (or closed_) and return.
  error_code ignored;
  socket().close(ignored);
}

// -- deadlines ----------------------------------------------------------------

void session::set_read_deadline(std::chrono::steady_clock::duration timeout) {
  deadlines_.read_in(timeout);
  arm_timer();
}

void session::arm_timer() {
  if (closed_ || !deadlines_.needs_wait())
    return;
  deadlines_.wait(
    beast::bind_front_handler(&session::on_timer, shared_from_this()));
}

void session::on_timer(error_code ec) {
  // Aborted: re-armed (a newer wait is pending) or closed.
  if (ec == asio::error::operation_aborted || closed_)
    return;
  switch (deadlines_.on_wake()) {
    case deadlines::wake::expired:
      return on_deadline();
    case deadlines::wake::wait_again:
      return deadlines_.wait(
        beast::bind_front_handler(&session::on_timer, shared_from_this()));
    case deadlines::wake::newer_wait_pending:
      return;
  }
}

void session::on_deadline() {
  bool stalled_write = deadlines_.write_passed();
  // Ending an idle keep-alive connection or a lingering close is routine; a
  // request or handshake cut short, or an answer the client would not take,
  // is a rejection.
  if (stalled_write || parsing_ || handshaking_) {
    core_->metrics.rejected(reject_reason::timeout);
    log::debug("http", "connection timed out",
               {{"listener", core_->opts.name},
                {"phase", stalled_write ? "write"
                          : handshaking_ ? "handshake"
                                         : "read"},
                {"remote", remote_.address().to_string()}});
  }
  hard_close();
}

// -- properties ---------------------------------------------------------------

bool session::more_requests_expected() const {
  return parsing_
         || (!read_closed_ && !core_->stopping.load(std::memory_order_acquire));
}

bool session::idle() const {
  return !parsing_ && !writing_ && pipeline_.empty();
}

} // namespace easymo::http::detail
