// The payloads the head writes to its WAL: series definitions, samples and tombstones.
// Format: docs/format/wal.md ("Records"). Each record starts with a RecordType byte.
//
//   std::string rec;                    // reuse across calls: no allocation once grown
//   EncodeSamples(samples, rec);
//   OSPREY_RETURN_IF_ERROR(wal.Log({rec}));
//   ...
//   switch (GetRecordType(reader.Record())) {
//     case RecordType::kSamples:
//       OSPREY_RETURN_IF_ERROR(DecodeSamples(reader.Record(), &samples));
//
// Decoding never trusts its input: garbage yields kDataLoss, never a crash or an allocation
// larger than a small multiple of the input. Free functions, thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "model/labels.h"
#include "model/sample.h"
#include "storage/metrics.h"

namespace osprey::tsdb {

// The first byte of a record. Values are part of the on-disk format: never reuse one.
enum class RecordType : uint8_t {
  kUnknown = 0,  // never written; GetRecordType of an empty or unknown record
  kSeries = 1,
  kSamples = 2,
  kTombstones = 3,
};

// The type of an encoded record (kUnknown when empty or not one of the above).
RecordType GetRecordType(std::string_view record);

// A series definition: from now on `ref` names `labels`.
struct RefSeries {
  storage::SeriesRef ref = 0;
  model::Labels labels;
  friend bool operator==(const RefSeries&, const RefSeries&) = default;
};

struct RefSample {
  storage::SeriesRef ref = 0;
  model::Timestamp t = 0;
  double v = 0;
};

// Deletion of the samples of `ref` in [mint, maxt].
struct Tombstone {
  storage::SeriesRef ref = 0;
  model::Timestamp mint = 0;
  model::Timestamp maxt = 0;
  friend bool operator==(const Tombstone&, const Tombstone&) = default;
};

// Each Encode* appends one record to `out` (which it does not clear).
void EncodeSeries(std::span<const RefSeries> series, std::string& out);
// Cost: about 4 to 7 bytes per sample on scrape-like data (refs ascending, one timestamp,
// integral or two-decimal values), 11 for arbitrary doubles; a few ns per sample. Values keep
// their exact bits (NaN payloads, staleness markers, -0.0).
void EncodeSamples(std::span<const RefSample> samples, std::string& out);
void EncodeTombstones(std::span<const Tombstone> tombstones, std::string& out);

// Each Decode* replaces the contents of *out (keeping its capacity). kDataLoss when `record`
// is not a well-formed record of that type.
Status DecodeSeries(std::string_view record, std::vector<RefSeries>* out);
Status DecodeSamples(std::string_view record, std::vector<RefSample>* out);
Status DecodeTombstones(std::string_view record, std::vector<Tombstone>* out);

}  // namespace osprey::tsdb
