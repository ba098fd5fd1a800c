#include "ingest/otlp_protobuf_reader.h"

#include <cstring>
#include <string>
#include <utility>

namespace osprey::ingest {

using internal::kMaxFieldNumber;
using internal::kMaxGroupDepth;
using internal::kWireEndGroup;
using internal::kWireFixed32;
using internal::kWireFixed64;
using internal::kWireLengthDelimited;
using internal::kWireStartGroup;
using internal::kWireVarint;
using internal::LoadFixed64;
using internal::ReadVarint;

Status OtlpFieldReader::Fail(const uint8_t* at, std::string_view message,
                             std::string_view what) const {
  std::string s = "invalid OTLP protobuf at byte ";
  s += std::to_string(at - base_);
  s += " in ";
  s += message;
  s += ": ";
  s += what;
  return InvalidArgumentError(std::move(s));
}

Status OtlpFieldReader::Want(const OtlpProtoField& f, uint32_t wire,
                             std::string_view message) const {
  if (f.wire == wire) return OkStatus();
  std::string what = "field ";
  what += std::to_string(f.number);
  what += " has wire type ";
  what += std::to_string(f.wire);
  what += ", want ";
  what += std::to_string(wire);
  return Fail(f.tag, message, what);
}

Status OtlpFieldReader::Next(const uint8_t*& p, const uint8_t* end, OtlpProtoField& f,
                             std::string_view message, int depth) const {
  f.tag = p;
  uint64_t tag;
  const uint8_t* q = ReadVarint(p, end, &tag);
  if (q == nullptr) return Fail(p, message, "malformed field tag");
  const uint64_t number = tag >> 3;
  f.wire = static_cast<uint32_t>(tag & 7);
  if (number == 0 || number > kMaxFieldNumber) {
    return Fail(p, message, "invalid field number " + std::to_string(number));
  }
  f.number = static_cast<uint32_t>(number);
  switch (f.wire) {
    case kWireVarint:
      q = ReadVarint(q, end, &f.scalar);
      if (q == nullptr) return Fail(f.tag, message, FieldWhat(f, "has a malformed varint"));
      break;
    case kWireFixed64:
      if (end - q < 8) return Fail(f.tag, message, FieldWhat(f, "is truncated"));
      f.scalar = LoadFixed64(q);
      q += 8;
      break;
    case kWireFixed32: {
      if (end - q < 4) return Fail(f.tag, message, FieldWhat(f, "is truncated"));
      uint32_t v;
      std::memcpy(&v, q, 4);
      if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap32(v);
      f.scalar = v;
      q += 4;
      break;
    }
    case kWireLengthDelimited: {
      uint64_t len;
      q = ReadVarint(q, end, &len);
      if (q == nullptr) return Fail(f.tag, message, FieldWhat(f, "has a malformed length"));
      if (len > static_cast<uint64_t>(end - q)) {
        return Fail(f.tag, message, FieldWhat(f, "is longer than its enclosing message"));
      }
      f.data = q;
      f.data_end = q + len;
      q += len;
      break;
    }
    case kWireStartGroup: {
      if (depth >= kMaxGroupDepth) return Fail(f.tag, message, "groups nested too deeply");
      OtlpProtoField inner;
      for (;;) {
        if (q >= end) return Fail(f.tag, message, FieldWhat(f, "is an unterminated group"));
        if (Status s = Next(q, end, inner, message, depth + 1); !s.ok()) return s;
        if (inner.wire == kWireEndGroup) {
          if (inner.number != f.number) {
            return Fail(inner.tag, message, "end-group does not match its start-group");
          }
          break;
        }
      }
      break;
    }
    case kWireEndGroup:
      if (depth == 0) return Fail(f.tag, message, FieldWhat(f, "is an unexpected end-group"));
      break;
    default:
      return Fail(f.tag, message, FieldWhat(f, "has invalid wire type " + std::to_string(f.wire)));
  }
  p = q;
  return OkStatus();
}

std::string OtlpFieldReader::FieldWhat(const OtlpProtoField& f, std::string_view what) {
  std::string s = "field ";
  s += std::to_string(f.number);
  s += ' ';
  s += what;
  return s;
}

}  // namespace osprey::ingest
