// The request read path without sockets: an incremental HTTP/1.x parser (Beast's, behind a
// Boost-free interface) plus the steps that turn its message into a Request. The server's
// connections and the fuzz target run exactly this code.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "http/request.h"

namespace osprey::http::internal {

// Why a request is answered with an error before (or instead of) reaching a handler.
struct RequestError {
  int status = 400;
  // Label value of osprey_http_bad_requests_total: "malformed", "header_too_large",
  // "body_too_large", "bad_encoding", "unsupported_encoding".
  std::string_view reason = "malformed";
  std::string message;
};

struct RequestLimits {
  size_t max_header_bytes = 64 * 1024;
  size_t max_body_bytes = 32 * 1024 * 1024;
};

// Parses one request from bytes handed over in pieces. Single-threaded.
//
//   RequestReader reader(limits);
//   size_t used = reader.Feed(buffer);  // drop `used` bytes, add more, Feed the rest again
//   switch (reader.state()) { ... }
class RequestReader {
 public:
  enum class State {
    kNeedMore,    // Feed more bytes.
    kHeaderDone,  // The header is complete and checked; Feed more to read the body.
    kComplete,    // The whole request is read; call TakeRequest().
    kError,       // Malformed or over a limit; see error(). The connection must close.
  };

  explicit RequestReader(RequestLimits limits);
  ~RequestReader();
  RequestReader(const RequestReader&) = delete;
  RequestReader& operator=(const RequestReader&) = delete;

  // Parses what it can from the front of `data` and returns how many bytes it consumed; the
  // caller presents the unconsumed rest again, with any new bytes after it. Stops after the
  // header (state kHeaderDone, reported once) so the caller can switch timeouts or answer
  // "Expect: 100-continue", and after the end of the request (bytes of a pipelined next
  // request are left unconsumed). Requires: state() is kNeedMore or kHeaderDone.
  size_t Feed(std::string_view data);
  State state() const { return state_; }

  // Requires: state() is kError.
  const RequestError& error() const { return error_; }

  // Requires: the header is done (kHeaderDone or kComplete).
  bool keep_alive() const;
  int version() const;  // 10 or 11
  bool expects_continue() const;

  // Moves the parsed request into `request`: method, target, headers and the raw (still
  // encoded) body. Requires: state() is kComplete; call once.
  void TakeRequest(Request& request);

 private:
  struct Impl;  // Beast's parser
  void Fail(RequestError error);
  void CheckHeader();

  std::unique_ptr<Impl> impl_;
  State state_ = State::kNeedMore;
  RequestError error_;
};

// Parses request.target into request.path and request.query. 400 on a malformed target or
// escape.
std::optional<RequestError> ParseRequestTarget(Request& request);

// Decodes request.body per its Content-Encoding (400 bad_encoding, 413 body_too_large over
// `max_body_bytes` decoded, 415 unsupported_encoding), then parses an
// application/x-www-form-urlencoded body into request.form (400 malformed).
std::optional<RequestError> DecodeRequestBody(Request& request, size_t max_body_bytes);

// The whole read path on one buffer: Feed, ParseRequestTarget, DecodeRequestBody. For the
// fuzz target and tests.
struct ParsedRequest {
  std::optional<Request> request;  // Set on success.
  RequestError error;              // Meaningful when !request and !incomplete.
  bool incomplete = false;         // `bytes` ended before the request did.
  size_t consumed = 0;
  bool keep_alive = false;
};
ParsedRequest ParseRequest(std::string_view bytes, RequestLimits limits);

}  // namespace osprey::http::internal
