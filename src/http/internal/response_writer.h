// Turns a handler's Response into bytes on the wire: content negotiation for gzip and the
// HTTP/1.x status line and header block. Stateless; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "http/response.h"

namespace osprey::http::internal {

// Whether an Accept-Encoding value allows gzip ("gzip", "x-gzip" or "*" with q > 0, and gzip
// not refused with q=0).
bool AcceptsGzip(std::string_view accept_encoding);

// Gzips response.body when it is at least `min_bytes`, has no Content-Encoding yet and the
// client accepts gzip; responses of that size also get "Vary: Accept-Encoding", compressed or
// not, so that caches keep the two variants apart.
void MaybeGzip(std::optional<std::string_view> accept_encoding, size_t min_bytes,
               Response& response);

// False for 1xx, 204 and 304, which never carry a body or Content-Length.
bool StatusHasBody(int status);

// "HTTP/1.1 200 OK\r\n" + the response's headers + Content-Length + Connection + "\r\n".
// `version` is the request's (10 or 11): HTTP/1.0 clients get "HTTP/1.0" and, when kept
// alive, "Connection: keep-alive". Content-Length is that of response.body even when the body
// is not sent (HEAD). Headers the server owns (Content-Length, Transfer-Encoding, Connection)
// are dropped from response.headers.
std::string SerializeResponseHead(const Response& response, int version, bool keep_alive);

}  // namespace osprey::http::internal
