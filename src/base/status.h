// Status and Result<T>: how every Osprey function reports failure.
//
// A Status is a code plus a message a user can act on. An OK status holds no
// message and costs one enum. Result<T> holds either a T or a non-OK Status.
// Both are [[nodiscard]]. We do not throw; third-party exceptions are caught
// at the call site and turned into a Status.
//
//   Result<int> ParsePort(std::string_view s);
//   OSPREY_ASSIGN_OR_RETURN(int port, ParsePort(text));
//   OSPREY_RETURN_IF_ERROR(listener.Bind(port));
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "base/check.h"

namespace osprey {

enum class StatusCode : int {
  kOk = 0,
  kCancelled = 1,
  kUnknown = 2,
  kInvalidArgument = 3,
  kDeadlineExceeded = 4,
  kNotFound = 5,
  kAlreadyExists = 6,
  kPermissionDenied = 7,
  kResourceExhausted = 8,
  kFailedPrecondition = 9,
  kAborted = 10,
  kOutOfBounds = 11,
  kUnimplemented = 12,
  kInternal = 13,
  kUnavailable = 14,
  kDataLoss = 15,
  kUnauthenticated = 16,
};

// "invalid_argument", "out_of_bounds", ...: stable, used as a metric label value.
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "invalid_argument: bad duration \"5x\"", or "ok".
  std::string ToString() const;

  // Returns a status with the same code and `prefix: message`.
  Status Annotate(std::string_view prefix) const;

  // Explicitly ignores a status (e.g. a best-effort close during shutdown).
  void IgnoreError() const {}

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status OkStatus() { return Status(); }
inline Status InvalidArgumentError(std::string m) {
  return {StatusCode::kInvalidArgument, std::move(m)};
}
inline Status NotFoundError(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status AlreadyExistsError(std::string m) {
  return {StatusCode::kAlreadyExists, std::move(m)};
}
inline Status PermissionDeniedError(std::string m) {
  return {StatusCode::kPermissionDenied, std::move(m)};
}
inline Status ResourceExhaustedError(std::string m) {
  return {StatusCode::kResourceExhausted, std::move(m)};
}
inline Status FailedPreconditionError(std::string m) {
  return {StatusCode::kFailedPrecondition, std::move(m)};
}
inline Status OutOfBoundsError(std::string m) { return {StatusCode::kOutOfBounds, std::move(m)}; }
inline Status UnimplementedError(std::string m) {
  return {StatusCode::kUnimplemented, std::move(m)};
}
inline Status InternalError(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
inline Status UnavailableError(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status DataLossError(std::string m) { return {StatusCode::kDataLoss, std::move(m)}; }
inline Status UnauthenticatedError(std::string m) {
  return {StatusCode::kUnauthenticated, std::move(m)};
}
inline Status DeadlineExceededError(std::string m) {
  return {StatusCode::kDeadlineExceeded, std::move(m)};
}
inline Status CancelledError(std::string m) { return {StatusCode::kCancelled, std::move(m)}; }
// errno-based I/O failure: "open /data/wal: Permission denied". The code follows errno
// (ENOENT -> kNotFound, EACCES -> kPermissionDenied, ENOSPC -> kResourceExhausted, ...).
Status ErrnoError(std::string_view what, int err);

// Either a T or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  // NOLINTNEXTLINE(google-explicit-constructor): `return value;` must work.
  Result(T value) : value_(std::move(value)) {}
  // NOLINTNEXTLINE(google-explicit-constructor): `return status;` must work.
  Result(Status status) : status_(std::move(status)) {
    OSPREY_CHECK(!status_.ok()) << "Result constructed from an OK status";
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const& { return status_; }
  Status status() && { return std::move(status_); }

  // Requires: ok().
  T& value() & {
    OSPREY_CHECK(ok()) << status_.ToString();
    return *value_;
  }
  const T& value() const& {
    OSPREY_CHECK(ok()) << status_.ToString();
    return *value_;
  }
  T&& value() && {
    OSPREY_CHECK(ok()) << status_.ToString();
    return std::move(*value_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }

  T value_or(T fallback) const& { return ok() ? *value_ : std::move(fallback); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace osprey

#define OSPREY_STATUS_CONCAT_INNER(a, b) a##b
#define OSPREY_STATUS_CONCAT(a, b) OSPREY_STATUS_CONCAT_INNER(a, b)

#define OSPREY_RETURN_IF_ERROR(expr)                         \
  do {                                                       \
    ::osprey::Status osprey_status_tmp_ = (expr);            \
    if (!osprey_status_tmp_.ok()) return osprey_status_tmp_; \
  } while (0)

#define OSPREY_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return std::move(tmp).status();     \
  lhs = std::move(tmp).value()

#define OSPREY_ASSIGN_OR_RETURN(lhs, expr) \
  OSPREY_ASSIGN_OR_RETURN_IMPL(OSPREY_STATUS_CONCAT(osprey_result_, __LINE__), lhs, expr)
