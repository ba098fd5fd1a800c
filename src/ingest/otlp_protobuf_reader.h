// Protobuf field reading for the OTLP decoder (otlp_protobuf_decoder.h): one field at a time,
// with errors that name the byte offset and the message being decoded. Unknown groups are
// skipped whole (nested at most internal::kMaxGroupDepth deep).
#pragma once

#include <bit>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "ingest/internal/protobuf_wire.h"

namespace osprey::ingest {

// One field: its number, wire type and payload. Views point into the decoded body.
struct OtlpProtoField {
  const uint8_t* tag = nullptr;  // where the field starts, for error messages
  uint32_t number = 0;
  uint32_t wire = 0;
  uint64_t scalar = 0;            // varint, fixed64 or fixed32 payload
  const uint8_t* data = nullptr;  // length-delimited payload
  const uint8_t* data_end = nullptr;

  std::string_view bytes() const {
    return std::string_view(reinterpret_cast<const char*>(data), data_end - data);
  }
  double as_double() const { return std::bit_cast<double>(scalar); }
};

// Stateless apart from the start of the body (for offsets). Thread-compatible.
class OtlpFieldReader {
 public:
  explicit OtlpFieldReader(const uint8_t* base) : base_(base) {}

  // kInvalidArgument: "invalid OTLP protobuf at byte N in <message>: <what>".
  Status Fail(const uint8_t* at, std::string_view message, std::string_view what) const;
  // OK when `f` has wire type `wire`, else an error naming the field.
  Status Want(const OtlpProtoField& f, uint32_t wire, std::string_view message) const;
  // Reads the field at `p` (advancing `p` past it). Groups are skipped whole and reported with
  // wire type kWireStartGroup; `depth` is the group nesting (0 outside groups).
  Status Next(const uint8_t*& p, const uint8_t* end, OtlpProtoField& f, std::string_view message,
              int depth = 0) const;

  // Calls fn(value) for each element of a repeated scalar field, packed or not. `wire` is the
  // element wire type (varint or fixed64).
  template <typename Fn>
  Status ForEachScalar(const OtlpProtoField& f, uint32_t wire, std::string_view message,
                       Fn fn) const {
    if (f.wire == wire) {
      fn(f.scalar);
      return OkStatus();
    }
    if (f.wire != internal::kWireLengthDelimited) return Want(f, wire, message);
    const uint8_t* p = f.data;
    while (p < f.data_end) {
      uint64_t v;
      if (wire == internal::kWireFixed64) {
        if (f.data_end - p < 8) return Fail(p, message, FieldWhat(f, "has a truncated element"));
        v = internal::LoadFixed64(p);
        p += 8;
      } else {
        const uint8_t* q = internal::ReadVarint(p, f.data_end, &v);
        if (q == nullptr) return Fail(p, message, FieldWhat(f, "has a malformed element"));
        p = q;
      }
      fn(v);
    }
    return OkStatus();
  }

 protected:
  static std::string FieldWhat(const OtlpProtoField& f, std::string_view what);

 private:
  const uint8_t* const base_;
};

}  // namespace osprey::ingest
