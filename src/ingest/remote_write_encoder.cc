#include "ingest/remote_write_encoder.h"

#include <bit>
#include <vector>

#include "ingest/internal/protobuf_wire.h"

namespace osprey::ingest {
namespace {

using internal::AppendBytesField;
using internal::AppendFixed64;
using internal::AppendTag;
using internal::AppendVarint;
using internal::kWireFixed64;
using internal::kWireLengthDelimited;
using internal::kWireVarint;
using internal::VarintSize;

size_t BytesFieldSize(size_t len) { return 1 + VarintSize(len) + len; }

size_t LabelSize(const LabelView& l) {
  return BytesFieldSize(l.name.size()) + BytesFieldSize(l.value.size());
}

size_t SampleSize(const model::Sample& s) {
  return 1 + 8 + 1 + VarintSize(static_cast<uint64_t>(s.t));
}

}  // namespace

void WriteRequestEncoder::AddSeries(std::span<const LabelView> labels,
                                    std::span<const model::Sample> samples) {
  size_t size = 0;
  for (const LabelView& l : labels) size += BytesFieldSize(LabelSize(l));
  for (const model::Sample& s : samples) size += BytesFieldSize(SampleSize(s));
  AppendTag(out_, 1, kWireLengthDelimited);
  AppendVarint(out_, size);
  for (const LabelView& l : labels) {
    AppendTag(out_, 1, kWireLengthDelimited);
    AppendVarint(out_, LabelSize(l));
    AppendBytesField(out_, 1, l.name);
    AppendBytesField(out_, 2, l.value);
  }
  for (const model::Sample& s : samples) {
    AppendTag(out_, 2, kWireLengthDelimited);
    AppendVarint(out_, SampleSize(s));
    AppendTag(out_, 1, kWireFixed64);
    AppendFixed64(out_, std::bit_cast<uint64_t>(s.v));
    AppendTag(out_, 2, kWireVarint);
    AppendVarint(out_, static_cast<uint64_t>(s.t));
  }
}

void WriteRequestEncoder::AddSeries(const model::Labels& labels,
                                    std::span<const model::Sample> samples) {
  std::vector<LabelView> views;
  views.reserve(labels.size());
  for (const model::Label& l : labels) views.push_back({l.name, l.value});
  AddSeries(views, samples);
}

void WriteRequestEncoder::AddMetadata(const MetadataView& metadata) {
  const uint64_t type = static_cast<uint64_t>(static_cast<int64_t>(metadata.type));
  const size_t size = 1 + VarintSize(type) + BytesFieldSize(metadata.metric_family_name.size()) +
                      BytesFieldSize(metadata.help.size()) + BytesFieldSize(metadata.unit.size());
  AppendTag(out_, 3, kWireLengthDelimited);
  AppendVarint(out_, size);
  AppendTag(out_, 1, kWireVarint);
  AppendVarint(out_, type);
  AppendBytesField(out_, 4, metadata.metric_family_name);
  AppendBytesField(out_, 5, metadata.help);
  AppendBytesField(out_, 6, metadata.unit);
}

}  // namespace osprey::ingest
