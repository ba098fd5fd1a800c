// Content codings for HTTP bodies: gzip and deflate (zlib) and snappy's block format (what
// Prometheus remote_write sends as "Content-Encoding: snappy"). Stateless and thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/status.h"

namespace osprey::http {

// gzip (RFC 1952) of `data`; `level` 1 (fastest) to 9 (smallest).
std::string GzipCompress(std::string_view data, int level = 6);

// Snappy block format, for tests and for remote_write senders.
std::string SnappyCompress(std::string_view data);

// Decodes a body sent with Content-Encoding `encoding` (case-insensitive): "gzip"/"x-gzip"
// (several concatenated members are allowed), "deflate" (zlib-wrapped as RFC 9110 says, or raw
// deflate as some clients send), "snappy" (block format), or "identity"/"" (returned as is). A
// comma-separated list is decoded from the last coding to the first.
// Errors:
//   kUnimplemented      unknown encoding ("unsupported Content-Encoding \"br\"")
//   kInvalidArgument    corrupt data, naming the encoding ("invalid gzip data: ...")
//   kResourceExhausted  the decoded size would exceed `max_size`; checked while inflating and,
//                       for snappy, from the length header before allocating, so a small
//                       "zip bomb" costs at most `max_size` bytes of memory.
Result<std::string> Decompress(std::string_view encoding, std::string_view data, size_t max_size);

}  // namespace osprey::http
