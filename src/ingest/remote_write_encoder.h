// Encodes Prometheus remote_write 1.0 `WriteRequest` protobuf messages (uncompressed), the
// inverse of remote_write_decoder.h: for tests, benchmarks and fuzz seeds now, and for a
// remote_write sender later. Fields are written in schema order with both Sample fields
// present (proto3 encoders may omit zero values; decoders accept both).
//
//   WriteRequestEncoder enc;
//   enc.AddSeries({{"__name__", "up"}, {"job", "api"}}, {{.t = 1000, .v = 1}});
//   std::string body = enc.Release();   // then snappy-compress for the wire
#pragma once

#include <initializer_list>
#include <span>
#include <string>

#include "ingest/remote_write_decoder.h"
#include "model/labels.h"
#include "model/sample.h"

namespace osprey::ingest {

// Thread-compatible.
class WriteRequestEncoder {
 public:
  // Appends one TimeSeries with `labels` in the given order (not validated).
  void AddSeries(std::span<const LabelView> labels, std::span<const model::Sample> samples);
  void AddSeries(std::initializer_list<LabelView> labels,
                 std::initializer_list<model::Sample> samples) {
    AddSeries(std::span<const LabelView>(labels.begin(), labels.size()),
              std::span<const model::Sample>(samples.begin(), samples.size()));
  }
  void AddSeries(const model::Labels& labels, std::span<const model::Sample> samples);
  void AddMetadata(const MetadataView& metadata);

  // The WriteRequest so far.
  const std::string& bytes() const { return out_; }
  std::string Release() { return std::move(out_); }
  void Clear() { out_.clear(); }

 private:
  std::string out_;
};

}  // namespace osprey::ingest
