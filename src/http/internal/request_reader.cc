// Invariant: Beast's parser is only fed while its state is not complete, and the reader stops
// (without consuming further bytes) at the end of the header and at the end of the request,
// which is what lets a connection answer pipelined requests one at a time, in order.
// clang-format off
#include <utility>  // First: Boost 1.74's Asio needs it with g++ 12 in C++20 mode.
// clang-format on
#include "http/internal/request_reader.h"

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "base/check.h"
#include "http/compression.h"
#include "http/request.h"

namespace osprey::http::internal {
namespace beast_http = boost::beast::http;

struct RequestReader::Impl {
  beast_http::request_parser<beast_http::string_body> parser;
};

namespace {

// The media type of a Content-Type value, without parameters: "application/json".
std::string_view MediaType(std::string_view content_type) {
  return TrimOptionalWhitespace(content_type.substr(0, content_type.find(';')));
}

}  // namespace

RequestReader::RequestReader(RequestLimits limits) : impl_(std::make_unique<Impl>()) {
  auto& p = impl_->parser;
  // Beast counts the request line and fields against header_limit (a uint32).
  p.header_limit(static_cast<std::uint32_t>(std::min<size_t>(limits.max_header_bytes, UINT32_MAX)));
  p.body_limit(limits.max_body_bytes);
  // Stop after the header; Feed turns eager parsing on for the body.
  p.eager(false);
}

RequestReader::~RequestReader() = default;

void RequestReader::Fail(RequestError error) {
  state_ = State::kError;
  error_ = std::move(error);
}

size_t RequestReader::Feed(std::string_view data) {
  OSPREY_DCHECK(state_ == State::kNeedMore || state_ == State::kHeaderDone) << "Feed after end";
  state_ = State::kNeedMore;
  auto& p = impl_->parser;
  size_t total = 0;
  while (total < data.size()) {
    bool header_was_done = p.is_header_done();
    std::string_view rest = data.substr(total);
    boost::beast::error_code ec;
    size_t n = p.put(boost::asio::const_buffer(rest.data(), rest.size()), ec);
    total += n;
    if (ec == beast_http::error::need_more) {
      if (n == 0) break;
      continue;
    }
    if (ec == beast_http::error::header_limit) {
      Fail({431, "header_too_large", "request header exceeds the limit"});
      break;
    }
    if (ec == beast_http::error::body_limit) {
      Fail({413, "body_too_large", "request body exceeds the limit"});
      break;
    }
    if (ec) {
      Fail({400, "malformed", "malformed request: " + ec.message()});
      break;
    }
    if (!header_was_done && p.is_header_done()) {
      CheckHeader();
      if (state_ == State::kError) break;
      p.eager(true);
      state_ = p.is_done() ? State::kComplete : State::kHeaderDone;
      break;
    }
    if (p.is_done()) {
      state_ = State::kComplete;
      break;
    }
    if (n == 0) break;
  }
  return total;
}

void RequestReader::CheckHeader() {
  const auto& msg = impl_->parser.get();
  // Beast only understands a final "chunked"; any other transfer coding would leave the body in
  // the stream to be read as the next request (request smuggling), so refuse it.
  for (const auto& field : msg) {
    if (field.name() != beast_http::field::transfer_encoding) continue;
    std::string_view value(field.value().data(), field.value().size());
    if (!EqualsIgnoreCase(TrimOptionalWhitespace(value), "chunked")) {
      Fail({501, "malformed", "unsupported Transfer-Encoding \"" + std::string(value) + "\""});
      return;
    }
  }
}

bool RequestReader::keep_alive() const { return impl_->parser.keep_alive(); }

int RequestReader::version() const { return static_cast<int>(impl_->parser.get().version()); }

bool RequestReader::expects_continue() const {
  const auto& msg = impl_->parser.get();
  auto it = msg.find(beast_http::field::expect);
  if (it == msg.end() || msg.version() < 11) return false;
  std::string_view v(it->value().data(), it->value().size());
  return EqualsIgnoreCase(TrimOptionalWhitespace(v), "100-continue");
}

void RequestReader::TakeRequest(Request& request) {
  auto msg = impl_->parser.release();
  auto method = msg.method_string();
  request.method.assign(method.data(), method.size());
  auto target = msg.target();
  request.target.assign(target.data(), target.size());
  request.headers.clear();
  for (const auto& field : msg) {
    auto name = field.name_string();
    auto value = field.value();
    request.headers.emplace_back(std::string(name.data(), name.size()),
                                 std::string(value.data(), value.size()));
  }
  request.body = std::move(msg.body());
}

std::optional<RequestError> ParseRequestTarget(Request& request) {
  if (Status s = ParseTarget(request.target, request); !s.ok()) {
    return RequestError{400, "malformed", "bad request target: " + s.message()};
  }
  return std::nullopt;
}

std::optional<RequestError> DecodeRequestBody(Request& request, size_t max_body_bytes) {
  if (auto encoding = request.Header("Content-Encoding"); encoding && !request.body.empty()) {
    Result<std::string> decoded = Decompress(*encoding, request.body, max_body_bytes);
    if (!decoded.ok()) {
      const Status& s = decoded.status();
      switch (s.code()) {
        case StatusCode::kUnimplemented:
          return RequestError{415, "unsupported_encoding", s.message()};
        case StatusCode::kResourceExhausted:
          return RequestError{413, "body_too_large", s.message()};
        default:
          return RequestError{400, "bad_encoding", s.message()};
      }
    }
    request.body = std::move(decoded).value();
  }
  if (auto type = request.Header("Content-Type");
      type && EqualsIgnoreCase(MediaType(*type), "application/x-www-form-urlencoded")) {
    Result<KeyValues> form = ParseUrlEncoded(request.body);
    if (!form.ok()) {
      return RequestError{400, "malformed", "bad form body: " + form.status().message()};
    }
    request.form = std::move(form).value();
  }
  return std::nullopt;
}

ParsedRequest ParseRequest(std::string_view bytes, RequestLimits limits) {
  ParsedRequest out;
  RequestReader reader(limits);
  while (true) {
    out.consumed += reader.Feed(bytes.substr(out.consumed));
    if (reader.state() != RequestReader::State::kHeaderDone) break;
  }
  switch (reader.state()) {
    case RequestReader::State::kError:
      out.error = reader.error();
      return out;
    case RequestReader::State::kComplete:
      break;
    default:
      out.incomplete = true;
      return out;
  }
  out.keep_alive = reader.keep_alive();
  Request request;
  reader.TakeRequest(request);
  if (auto err = ParseRequestTarget(request)) {
    out.error = std::move(*err);
    return out;
  }
  if (auto err = DecodeRequestBody(request, limits.max_body_bytes)) {
    out.error = std::move(*err);
    return out;
  }
  out.request = std::move(request);
  return out;
}

}  // namespace osprey::http::internal
