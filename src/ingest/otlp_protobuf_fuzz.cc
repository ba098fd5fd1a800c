// Fuzzes the OTLP protobuf decoder and the translation behind it: any input either fails to
// decode with kInvalidArgument, or decodes, re-encodes (otlp_encoder.h) to bytes that decode
// to the same request, and ingests without crashing.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/check.h"
#include "ingest/internal/fake_appendable.h"
#include "ingest/otlp_encoder.h"
#include "ingest/otlp_ingester.h"
#include "ingest/otlp_protobuf_decoder.h"
#include "metrics/registry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace osprey;
  using namespace osprey::ingest;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  OtlpMetricsRequest request;
  Status s = DecodeOtlpProtobuf(body, request);
  if (!s.ok()) {
    OSPREY_CHECK(s.code() == StatusCode::kInvalidArgument) << s.ToString();
    return 0;
  }
  // Re-encoding is canonical: encode(decode(encode(x))) == encode(x).
  const std::string once = EncodeOtlpProtobuf(request);
  OtlpMetricsRequest again;
  Status s2 = DecodeOtlpProtobuf(once, again);
  OSPREY_CHECK(s2.ok()) << s2.ToString();
  OSPREY_CHECK(EncodeOtlpProtobuf(again) == once) << "re-encoding is not stable";

  metrics::Registry registry;
  IngestMetrics metrics(registry);
  ingest::internal::FakeAppendable db;
  OtlpIngester ingester(db, metrics);
  Result<WriteOutcome> r = ingester.Ingest(body, OtlpEncoding::kProtobuf);
  OSPREY_CHECK(r.ok()) << r.status().ToString();
  return 0;
}
