// One HTTP/1.1 connection: the state machine, independent of the transport.
//
// The story of a request: do_read waits for its first byte (the idle
// phase), start_parse reads the rest under read_timeout, on_read hands it to
// the handler and reads on while the pipeline has room; on_response files
// the answer in its slot, do_write/on_write send the answers in request
// order, do_close ends the connection gracefully.
//
// stream_session<Stream> supplies the I/O for plain TCP or TLS through the
// hooks at the bottom. Everything runs on the connection's strand;
// deliver(), stop() and abort() are the entry points from other threads and
// they post.
#pragma once

#include "protocols/http/deadlines.hpp"
#include "protocols/http/pipeline.hpp"
#include "protocols/http/server_core.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>

#include <memory>
#include <optional>

namespace easymo::http::detail {

class session : public connection,
                public std::enable_shared_from_this<session> {
public:
  using error_code = boost::system::error_code;
  using tcp = boost::asio::ip::tcp;

  ~session() override;

  /// Serves the connection (it was admitted under the cap).
  void run();

  /// Writes `answer` without reading anything, then closes (over the cap).
  void refuse(response answer);

  // -- connection ------------------------------------------------------------
  void deliver(std::uint64_t seq, response res) override;
  void stop() override;
  void abort() override;

protected:
  /// Bytes asked of the socket per read, the figure Beast's own reads use.
  static constexpr std::size_t read_chunk_bytes = 65536;

  session(std::shared_ptr<server_core> core, boost::asio::any_io_executor ex,
          tcp::endpoint remote);

  // -- hooks for the transport -----------------------------------------------
  using read_handler = void (session::*)(error_code, std::size_t);

  /// Begins serving: plain streams read at once, TLS shakes hands first.
  virtual void start_io() = 0;
  /// Reads what is available into buffer_ (prepared, not committed).
  virtual void read_some(read_handler next) = 0;
  /// Reads one request with *parser_ from buffer_ and the stream.
  virtual void read_request() = 0;
  /// Writes `answer`, then calls on_write.
  virtual void write_answer(response& answer) = 0;
  /// Ends the stream politely, then calls hard_close (possibly via linger).
  virtual void close_gracefully() = 0;
  virtual tcp::socket& socket() = 0;

  // -- for the transport -----------------------------------------------------
  void do_read();
  void on_first_bytes(error_code ec, std::size_t bytes);
  void on_read(error_code ec, std::size_t bytes);
  void on_write(error_code ec, std::size_t bytes);
  void linger();
  void on_linger(error_code ec, std::size_t bytes);
  void hard_close();
  void set_read_deadline(std::chrono::steady_clock::duration timeout);

  std::shared_ptr<server_core> core_;
  boost::beast::flat_buffer buffer_;
  std::optional<beast_http::request_parser<beast_http::string_body>> parser_;
  bool handshaking_ = false;
  bool reading_ = false; // A read operation is outstanding.
  bool closed_ = false;  // Socket closed; handlers only return.

private:
  // -- reading ---------------------------------------------------------------
  void start_parse();
  void on_read_error(error_code ec);
  void dispatch();
  void reject(response answer, reject_reason reason);

  // -- writing ---------------------------------------------------------------
  void on_response(std::uint64_t seq, response res);
  void do_write();
  void finalize(pipeline::slot& slot, bool close);
  void after_write();

  // -- closing ---------------------------------------------------------------
  void on_stop();
  void do_close();

  // -- deadlines -------------------------------------------------------------
  void arm_timer();
  void on_timer(error_code ec);
  void on_deadline();

  // -- properties ------------------------------------------------------------
  bool more_requests_expected() const;
  bool idle() const;

  std::shared_ptr<std::atomic<std::size_t>> in_flight_;
  boost::asio::any_io_executor executor_;
  deadlines deadlines_;
  pipeline pipeline_;
  tcp::endpoint remote_;
  std::optional<server_core::registry::iterator> registered_;
  bool admitted_ = false;
  bool parsing_ = false; // Part of a request has arrived.
  bool writing_ = false; // An answer is being written.
  bool close_after_write_ = false;
  bool read_closed_ = false; // No further request will be read.
  bool served_ = false;      // At least one request was read.
  bool closing_ = false;     // Graceful close under way.
};

} // namespace easymo::http::detail
