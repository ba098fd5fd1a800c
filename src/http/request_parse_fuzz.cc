// Feeds arbitrary bytes through the server's request read path (internal::ParseRequest: the
// incremental parser, target parsing, Content-Encoding decoding, form parsing), in one piece
// and split in two, as a connection would see them. Must never crash, leak or read out of
// bounds, and both ways must agree.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/check.h"
#include "http/internal/request_reader.h"

namespace {

using osprey::http::internal::ParseRequest;
using osprey::http::internal::RequestLimits;
using osprey::http::internal::RequestReader;

constexpr RequestLimits kLimits{.max_header_bytes = 8 * 1024, .max_body_bytes = 64 * 1024};

// Feeds `data` in two pieces, keeping unconsumed bytes as a connection does. Returns the
// final state.
RequestReader::State FeedSplit(std::string_view data, size_t split) {
  RequestReader reader(kLimits);
  std::string buffer(data.substr(0, split));
  size_t next = split;
  while (true) {
    buffer.erase(0, reader.Feed(buffer));
    RequestReader::State s = reader.state();
    if (s == RequestReader::State::kHeaderDone) continue;
    if (s != RequestReader::State::kNeedMore || next >= data.size()) return s;
    buffer.append(data.substr(next));
    next = data.size();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto whole = ParseRequest(bytes, kLimits);
  if (whole.request) {
    // Touch what a handler would read.
    (void)whole.request->Param("query");
    (void)whole.request->Params("match[]");
    (void)whole.request->Header("Content-Type");
  }
  if (whole.request && size > 0) {
    // A request read in one piece is also read when it arrives in two.
    OSPREY_CHECK(FeedSplit(bytes, data[0] % size) == RequestReader::State::kComplete)
        << "split feeding disagrees with whole feeding";
  }
  return 0;
}
