#include "ingest/otlp_ingester.h"

#include <utility>

#include "ingest/otlp_json_decoder.h"
#include "ingest/otlp_protobuf_decoder.h"
#include "ingest/otlp_translator.h"

namespace osprey::ingest {
namespace {

// Scratch objects kept for reuse; more concurrent requests than this allocate their own.

}  // namespace

struct OtlpIngester::Scratch {
  OtlpMetricsRequest request;
  OtlpJsonDecoder json;
};

OtlpIngester::OtlpIngester(storage::Appendable& appendable, IngestMetrics& metrics,
                           const OtlpIngesterOptions& options)
    : appendable_(appendable), metrics_(metrics), delta_(options.delta) {}

OtlpIngester::~OtlpIngester() = default;

void OtlpIngester::ReleaseScratch(std::unique_ptr<Scratch> scratch) {
  scratch->request.Clear();
  scratch_pool_.Release(std::move(scratch));
}

Result<WriteOutcome> OtlpIngester::Ingest(std::string_view body, OtlpEncoding encoding) {
  std::unique_ptr<Scratch> scratch = scratch_pool_.Acquire();
  Status decoded = encoding == OtlpEncoding::kProtobuf
                       ? DecodeOtlpProtobuf(body, scratch->request)
                       : scratch->json.Decode(body, scratch->request);
  if (!decoded.ok()) {
    ReleaseScratch(std::move(scratch));
    metrics_.RecordMalformed(kProtocolOtlp);
    return decoded;
  }
  WriteOutcome outcome = IngestDecoded(scratch->request);
  ReleaseScratch(std::move(scratch));
  return outcome;
}

WriteOutcome OtlpIngester::Translate(const OtlpMetricsRequest& request,
                                     OtlpDeltaAccumulator* delta) {
  std::unique_ptr<storage::Appender> app = appendable_.NewAppender();
  WriteOutcome outcome;
  TranslateOtlp(request, *app, delta, outcome);
  Status committed = app->Commit();
  if (delta != nullptr) {
    // Only totals the storage kept may advance; a retried request then adds its deltas once.
    if (committed.ok()) {
      delta->Commit();
    } else {
      delta->Rollback();
    }
  }
  if (!committed.ok()) outcome.CommitFailed(std::move(committed));
  return outcome;
}

WriteOutcome OtlpIngester::IngestDecoded(const OtlpMetricsRequest& request) {
  WriteOutcome outcome;
  if (HasDeltaMetrics(request)) {
    MutexLock lock(delta_mu_);
    outcome = Translate(request, &delta_);
  } else {
    outcome = Translate(request, nullptr);
  }
  metrics_.Record(kProtocolOtlp, outcome);
  return outcome;
}

size_t OtlpIngester::DeltaSeriesForTest() const {
  MutexLock lock(delta_mu_);
  return delta_.size();
}

}  // namespace osprey::ingest
