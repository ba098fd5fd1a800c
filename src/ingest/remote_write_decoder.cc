// Invariants: every read is bounds-checked against the end of the enclosing message (a
// length-delimited field's body never extends past its parent's end, which is checked when
// its length is read); helpers return nullptr after recording the error in `error_`, so the
// hot path carries a pointer, not a Status. Fast paths for the encodings Prometheus and
// vmagent emit (one-byte tags and lengths, fields in schema order) fall back to the general
// loop on anything else, so they change speed, never behaviour.
#include "ingest/remote_write_decoder.h"

#include <bit>
#include <string>

#include "ingest/internal/protobuf_wire.h"

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

class RemoteWriteDecoder::Impl {
 public:
  Impl(RemoteWriteDecoder& decoder, std::string_view buf, WriteRequestVisitor& visitor)
      : d_(decoder),
        base_(reinterpret_cast<const uint8_t*>(buf.data())),
        end_(base_ + buf.size()),
        visitor_(visitor) {}

  Status Run() {
    const uint8_t* p = base_;
    while (p < end_) {
      const uint8_t* tag = p;
      uint64_t field = 0;
      uint32_t wire = 0;
      p = ReadTag(p, end_, &field, &wire);
      if (p == nullptr) return std::move(error_);
      if (field == 1) {
        const uint8_t* body_end;
        p = ReadLength(tag, p, end_, wire, "WriteRequest.timeseries (field 1)", &body_end);
        if (p == nullptr || !DecodeTimeSeries(p, body_end)) return std::move(error_);
        OSPREY_RETURN_IF_ERROR(visitor_.OnTimeSeries(series_));
        p = body_end;
      } else if (field == 3) {
        const uint8_t* body_end;
        p = ReadLength(tag, p, end_, wire, "WriteRequest.metadata (field 3)", &body_end);
        MetadataView metadata;
        if (p == nullptr || !DecodeMetadata(p, body_end, &metadata)) return std::move(error_);
        OSPREY_RETURN_IF_ERROR(visitor_.OnMetadata(metadata));
        p = body_end;
      } else {
        p = SkipField(tag, p, end_, field, wire, 0);
        if (p == nullptr) return std::move(error_);
      }
    }
    return OkStatus();
  }

 private:
  // Records "malformed protobuf: <what> at byte offset N" and returns nullptr.
  [[gnu::cold, gnu::noinline]] const uint8_t* Fail(const uint8_t* at, std::string what) {
    what.insert(0, "malformed protobuf: ");
    what += " at byte offset ";
    what += std::to_string(at - base_);
    error_ = InvalidArgumentError(std::move(what));
    return nullptr;
  }

  [[gnu::cold, gnu::noinline]] const uint8_t* FailVarint(const uint8_t* at, const uint8_t* end,
                                                         std::string_view in) {
    std::string what =
        internal::VarintTruncated(at, end) ? "truncated varint in " : "malformed varint in ";
    what += in;
    return Fail(at, std::move(what));
  }

  // One-byte tags (fields 1-15) are the common case and inline; the rest goes out of line.
  const uint8_t* ReadTag(const uint8_t* p, const uint8_t* end, uint64_t* field, uint32_t* wire) {
    if (p < end && *p < 0x80) [[likely]] {
      const uint8_t tag = *p;
      if ((tag >> 3) != 0 && (tag & 7) <= kWireFixed32) [[likely]] {
        *field = tag >> 3;
        *wire = tag & 7;
        return p + 1;
      }
    }
    return ReadTagSlow(p, end, field, wire);
  }

  [[gnu::noinline]] const uint8_t* ReadTagSlow(const uint8_t* p, const uint8_t* end,
                                               uint64_t* field, uint32_t* wire) {
    uint64_t tag;
    const uint8_t* q = ReadVarint(p, end, &tag);
    if (q == nullptr) return FailVarint(p, end, "field tag");
    *field = tag >> 3;
    *wire = static_cast<uint32_t>(tag & 7);
    if (*field == 0 || *field > kMaxFieldNumber) {
      return Fail(p, "invalid field number " + std::to_string(*field));
    }
    if (*wire > kWireFixed32) {
      return Fail(
          p, "invalid wire type " + std::to_string(*wire) + " for field " + std::to_string(*field));
    }
    return q;
  }

  [[gnu::cold, gnu::noinline]] const uint8_t* WrongWireType(const uint8_t* tag, const char* what,
                                                            uint32_t wire, uint32_t want) {
    return Fail(tag, std::string(what) + " has wire type " + std::to_string(wire) + ", want " +
                         std::to_string(want));
  }

  // Reads the length of a length-delimited field whose tag is at `tag` and whose length
  // starts at `p`; checks the wire type and that the body fits before `end`. One-byte
  // lengths inline; the rest goes out of line.
  const uint8_t* ReadLength(const uint8_t* tag, const uint8_t* p, const uint8_t* end, uint32_t wire,
                            const char* what, const uint8_t** body_end) {
    if (wire == kWireLengthDelimited && p < end && *p < 0x80 && *p < end - p) [[likely]] {
      *body_end = p + 1 + *p;
      return p + 1;
    }
    return ReadLengthSlow(tag, p, end, wire, what, body_end);
  }

  [[gnu::noinline]] const uint8_t* ReadLengthSlow(const uint8_t* tag, const uint8_t* p,
                                                  const uint8_t* end, uint32_t wire,
                                                  const char* what, const uint8_t** body_end) {
    if (wire != kWireLengthDelimited) return WrongWireType(tag, what, wire, kWireLengthDelimited);
    uint64_t len;
    const uint8_t* q = ReadVarint(p, end, &len);
    if (q == nullptr) return FailVarint(p, end, std::string("length of ") + what);
    if (len > static_cast<uint64_t>(end - q)) {
      return Fail(tag, std::string(what) + " of length " + std::to_string(len) + " exceeds the " +
                           std::to_string(end - q) + " remaining bytes");
    }
    *body_end = q + len;
    return q;
  }

  const uint8_t* ReadString(const uint8_t* tag, const uint8_t* p, const uint8_t* end, uint32_t wire,
                            const char* what, std::string_view* out) {
    const uint8_t* body_end;
    p = ReadLength(tag, p, end, wire, what, &body_end);
    if (p == nullptr) return nullptr;
    *out = std::string_view(reinterpret_cast<const char*>(p), body_end - p);
    return body_end;
  }

  // Skips the value of an unknown field whose tag is at `tag` and whose value starts at `p`.
  const uint8_t* SkipField(const uint8_t* tag, const uint8_t* p, const uint8_t* end, uint64_t field,
                           uint32_t wire, int depth) {
    switch (wire) {
      case kWireVarint: {
        uint64_t ignored;
        const uint8_t* q = ReadVarint(p, end, &ignored);
        return q != nullptr ? q : FailVarint(p, end, "field " + std::to_string(field));
      }
      case kWireFixed64:
        if (end - p < 8) return Fail(p, "truncated fixed64 in field " + std::to_string(field));
        return p + 8;
      case kWireFixed32:
        if (end - p < 4) return Fail(p, "truncated fixed32 in field " + std::to_string(field));
        return p + 4;
      case kWireLengthDelimited: {
        const std::string what = "field " + std::to_string(field);
        const uint8_t* body_end;
        p = ReadLength(tag, p, end, wire, what.c_str(), &body_end);
        return p == nullptr ? nullptr : body_end;
      }
      case kWireStartGroup:
        if (depth >= kMaxGroupDepth) {
          return Fail(tag, "groups nested deeper than " + std::to_string(kMaxGroupDepth));
        }
        for (;;) {
          if (p >= end)
            return Fail(tag, "unterminated group (field " + std::to_string(field) + ")");
          const uint8_t* inner_tag = p;
          uint64_t inner_field = 0;
          uint32_t inner_wire = 0;
          p = ReadTag(p, end, &inner_field, &inner_wire);
          if (p == nullptr) return nullptr;
          if (inner_wire == kWireEndGroup) {
            if (inner_field != field) {
              return Fail(inner_tag, "end-group field " + std::to_string(inner_field) +
                                         " does not match start-group field " +
                                         std::to_string(field));
            }
            return p;
          }
          p = SkipField(inner_tag, p, end, inner_field, inner_wire, depth + 1);
          if (p == nullptr) return nullptr;
        }
      default:  // kWireEndGroup; ReadTag rejected 6 and 7.
        return Fail(tag, "unexpected end-group (field " + std::to_string(field) + ")");
    }
  }

  // Walks a message's fields without interpreting them (exemplars, histograms).
  bool CheckMessage(const uint8_t* p, const uint8_t* end) {
    while (p < end) {
      const uint8_t* tag = p;
      uint64_t field = 0;
      uint32_t wire = 0;
      p = ReadTag(p, end, &field, &wire);
      if (p == nullptr) return false;
      p = SkipField(tag, p, end, field, wire, 0);
      if (p == nullptr) return false;
    }
    return true;
  }

  bool DecodeLabel(const uint8_t* p, const uint8_t* end, LabelView* out) {
    // Fast path: 0x0A <len> name 0x12 <len> value, one-byte lengths, nothing else.
    if (end - p >= 4 && p[0] == 0x0A && p[1] < 0x80 && p[1] + 4 <= end - p) {
      const uint8_t* v = p + 2 + p[1];
      if (end - v >= 2 && v[0] == 0x12 && v[1] < 0x80 && v + 2 + v[1] == end) {
        out->name = std::string_view(reinterpret_cast<const char*>(p + 2), p[1]);
        out->value = std::string_view(reinterpret_cast<const char*>(v + 2), v[1]);
        return true;
      }
    }
    *out = LabelView{};
    while (p < end) {
      const uint8_t* tag = p;
      uint64_t field = 0;
      uint32_t wire = 0;
      p = ReadTag(p, end, &field, &wire);
      if (p == nullptr) return false;
      if (field == 1) {
        p = ReadString(tag, p, end, wire, "Label.name (field 1)", &out->name);
      } else if (field == 2) {
        p = ReadString(tag, p, end, wire, "Label.value (field 2)", &out->value);
      } else {
        p = SkipField(tag, p, end, field, wire, 0);
      }
      if (p == nullptr) return false;
    }
    return true;
  }

  bool DecodeSample(const uint8_t* p, const uint8_t* end, model::Sample* out) {
    // Fast path: 0x09 <8 bytes> 0x10 <varint>, nothing else.
    if (end - p >= 11 && p[0] == 0x09 && p[9] == 0x10) {
      uint64_t t;
      const uint8_t* q = ReadVarint(p + 10, end, &t);
      if (q == end) {
        out->v = std::bit_cast<double>(LoadFixed64(p + 1));
        out->t = static_cast<model::Timestamp>(t);
        return true;
      }
    }
    *out = model::Sample{};
    while (p < end) {
      const uint8_t* tag = p;
      uint64_t field = 0;
      uint32_t wire = 0;
      p = ReadTag(p, end, &field, &wire);
      if (p == nullptr) return false;
      if (field == 1) {
        if (wire != kWireFixed64) {
          WrongWireType(tag, "Sample.value (field 1)", wire, kWireFixed64);
          return false;
        }
        if (end - p < 8) {
          Fail(p, "truncated fixed64 in Sample.value (field 1)");
          return false;
        }
        out->v = std::bit_cast<double>(LoadFixed64(p));
        p += 8;
      } else if (field == 2) {
        if (wire != kWireVarint) {
          WrongWireType(tag, "Sample.timestamp (field 2)", wire, kWireVarint);
          return false;
        }
        uint64_t t;
        const uint8_t* q = ReadVarint(p, end, &t);
        if (q == nullptr) {
          FailVarint(p, end, "Sample.timestamp (field 2)");
          return false;
        }
        out->t = static_cast<model::Timestamp>(t);
        p = q;
      } else {
        p = SkipField(tag, p, end, field, wire, 0);
        if (p == nullptr) return false;
      }
    }
    return true;
  }

  bool DecodeTimeSeries(const uint8_t* p, const uint8_t* end) {
    d_.labels_.clear();
    d_.samples_.clear();
    series_.exemplar_count = 0;
    series_.histogram_count = 0;
    const uint8_t* labels_begin = nullptr;
    const uint8_t* labels_end = nullptr;
    bool labels_contiguous = true;
    while (p < end) {
      const uint8_t* tag = p;
      uint64_t field = 0;
      uint32_t wire = 0;
      p = ReadTag(p, end, &field, &wire);
      if (p == nullptr) return false;
      const uint8_t* body_end;
      switch (field) {
        case 1:
          p = ReadLength(tag, p, end, wire, "TimeSeries.labels (field 1)", &body_end);
          if (p == nullptr || !DecodeLabel(p, body_end, &d_.labels_.emplace_back())) return false;
          if (labels_begin == nullptr) {
            labels_begin = tag;
          } else if (tag != labels_end) {
            labels_contiguous = false;
          }
          labels_end = body_end;
          p = body_end;
          break;
        case 2:
          p = ReadLength(tag, p, end, wire, "TimeSeries.samples (field 2)", &body_end);
          if (p == nullptr || !DecodeSample(p, body_end, &d_.samples_.emplace_back())) return false;
          p = body_end;
          break;
        case 3:
          p = ReadLength(tag, p, end, wire, "TimeSeries.exemplars (field 3)", &body_end);
          if (p == nullptr || !CheckMessage(p, body_end)) return false;
          ++series_.exemplar_count;
          p = body_end;
          break;
        case 4:
          p = ReadLength(tag, p, end, wire, "TimeSeries.histograms (field 4)", &body_end);
          if (p == nullptr || !CheckMessage(p, body_end)) return false;
          ++series_.histogram_count;
          p = body_end;
          break;
        default:
          p = SkipField(tag, p, end, field, wire, 0);
          if (p == nullptr) return false;
      }
    }
    series_.labels = d_.labels_;
    series_.samples = d_.samples_;
    if (labels_contiguous) {
      series_.label_key = labels_begin == nullptr
                              ? std::string_view()
                              : std::string_view(reinterpret_cast<const char*>(labels_begin),
                                                 labels_end - labels_begin);
    } else {
      series_.label_key = CanonicalLabelKey();
    }
    return true;
  }

  // The labels re-encoded as consecutive Label fields, as an encoder writing them in order
  // would; decoding these bytes gives back exactly d_.labels_.
  std::string_view CanonicalLabelKey() {
    std::string& out = d_.key_scratch_;
    out.clear();
    for (const LabelView& l : d_.labels_) {
      const size_t inner = 2 + internal::VarintSize(l.name.size()) + l.name.size() +
                           internal::VarintSize(l.value.size()) + l.value.size();
      internal::AppendTag(out, 1, kWireLengthDelimited);
      internal::AppendVarint(out, inner);
      internal::AppendBytesField(out, 1, l.name);
      internal::AppendBytesField(out, 2, l.value);
    }
    return out;
  }

  bool DecodeMetadata(const uint8_t* p, const uint8_t* end, MetadataView* out) {
    while (p < end) {
      const uint8_t* tag = p;
      uint64_t field = 0;
      uint32_t wire = 0;
      p = ReadTag(p, end, &field, &wire);
      if (p == nullptr) return false;
      if (field == 1) {
        if (wire != kWireVarint) {
          WrongWireType(tag, "MetricMetadata.type (field 1)", wire, kWireVarint);
          return false;
        }
        uint64_t type;
        const uint8_t* q = ReadVarint(p, end, &type);
        if (q == nullptr) {
          FailVarint(p, end, "MetricMetadata.type (field 1)");
          return false;
        }
        // Enums are int32 on the wire; truncation is what protobuf does too.
        out->type = static_cast<int32_t>(type);
        p = q;
      } else if (field == 4) {
        p = ReadString(tag, p, end, wire, "MetricMetadata.metric_family_name (field 4)",
                       &out->metric_family_name);
      } else if (field == 5) {
        p = ReadString(tag, p, end, wire, "MetricMetadata.help (field 5)", &out->help);
      } else if (field == 6) {
        p = ReadString(tag, p, end, wire, "MetricMetadata.unit (field 6)", &out->unit);
      } else {
        p = SkipField(tag, p, end, field, wire, 0);
      }
      if (p == nullptr) return false;
    }
    return true;
  }

  RemoteWriteDecoder& d_;
  const uint8_t* const base_;
  const uint8_t* const end_;
  WriteRequestVisitor& visitor_;
  TimeSeriesView series_;
  Status error_;
};

Status RemoteWriteDecoder::Decode(std::string_view buf, WriteRequestVisitor& visitor) {
  return Impl(*this, buf, visitor).Run();
}

}  // namespace osprey::ingest
