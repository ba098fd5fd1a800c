// Fuzzes the OTLP/JSON decoder and the translation behind it: any input either fails with
// kInvalidArgument, or decodes and ingests without crashing; a decoded request survives a
// protobuf round trip (otlp_encoder.h) and stores the same samples through both encodings.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/check.h"
#include "ingest/internal/fake_appendable.h"
#include "ingest/otlp_encoder.h"
#include "ingest/otlp_ingester.h"
#include "ingest/otlp_json_decoder.h"
#include "ingest/otlp_protobuf_decoder.h"
#include "metrics/registry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace osprey;
  using namespace osprey::ingest;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  OtlpJsonDecoder decoder;
  OtlpMetricsRequest request;
  Status s = decoder.Decode(body, request);
  if (!s.ok()) {
    OSPREY_CHECK(s.code() == StatusCode::kInvalidArgument) << s.ToString();
    return 0;
  }
  const std::string proto = EncodeOtlpProtobuf(request);
  OtlpMetricsRequest from_proto;
  Status s2 = DecodeOtlpProtobuf(proto, from_proto);
  OSPREY_CHECK(s2.ok()) << s2.ToString();

  metrics::Registry registry;
  IngestMetrics metrics(registry);
  ingest::internal::FakeAppendable json_db;
  ingest::internal::FakeAppendable proto_db;
  OtlpIngester json_ingester(json_db, metrics);
  OtlpIngester proto_ingester(proto_db, metrics);
  Result<WriteOutcome> a = json_ingester.Ingest(body, OtlpEncoding::kJson);
  Result<WriteOutcome> b = proto_ingester.Ingest(proto, OtlpEncoding::kProtobuf);
  OSPREY_CHECK(a.ok() && b.ok());
  OSPREY_CHECK(a->samples_accepted == b->samples_accepted) << "encodings disagree";
  return 0;
}
