// OSPREY_CHECK(cond) << "why": aborts with the message when cond is false, in every build.
// For bugs only: never check what user input can trigger (return a Status instead).
// OSPREY_DCHECK is the same in debug and sanitizer builds and compiles away in release.
#pragma once

#include <sstream>

namespace osprey::internal {

// Collects the streamed message and aborts in its destructor.
class CheckFailure {
 public:
  CheckFailure(const char* file, int line, const char* condition);
  [[noreturn]] ~CheckFailure();
  CheckFailure(const CheckFailure&) = delete;
  CheckFailure& operator=(const CheckFailure&) = delete;

  template <typename T>
  CheckFailure& operator<<(const T& v) {
    stream_ << v;
    return *this;
  }

 private:
  std::ostringstream stream_;
};

// Lets `cond ? (void)0 : Voidify() & CheckFailure(...) << x` type-check.
struct Voidify {
  void operator&(const CheckFailure&) {}
};

}  // namespace osprey::internal

#define OSPREY_CHECK(cond)                 \
  (cond) ? (void)0                         \
         : ::osprey::internal::Voidify() & \
               ::osprey::internal::CheckFailure(__FILE__, __LINE__, #cond)

#if defined(NDEBUG) && !defined(OSPREY_SANITIZED)
#define OSPREY_DCHECK(cond) \
  while (false) OSPREY_CHECK(cond)
#else
#define OSPREY_DCHECK(cond) OSPREY_CHECK(cond)
#endif
