// Pieces of an Internet message (RFC 5322 / 2045 / 2047) for the email notifier. Pure
// functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace osprey::alerting::notifiers {

// A header value as is when it is printable ASCII, else RFC 2047 "=?utf-8?b?...?=" words
// (so that newlines in a rendered template cannot inject headers).
std::string EncodeHeaderValue(std::string_view value);

// Quoted-printable (RFC 2045) with CRLF line ends and soft breaks before 76 columns; "\n" and
// "\r\n" in the input both become line breaks.
std::string QuotedPrintable(std::string_view body);

// The addr-spec of each address in a list like `a@x.org, "Bob, B." <b@y.org>`.
// kInvalidArgument naming the list when an entry is empty or has no "@".
Result<std::vector<std::string>> ParseAddressList(std::string_view list);

// RFC 1123 with numeric zone, in UTC: "Mon, 02 Jan 2006 15:04:05 +0000".
std::string Rfc1123Date(int64_t unix_ms);

}  // namespace osprey::alerting::notifiers
