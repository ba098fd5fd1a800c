// Fuzzes the text exposition parser and importer. Checks, beyond memory safety: every view
// the parser hands out is readable, and the importer either rejects the body as Parse does or
// accounts for every sample line.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ingest/internal/fake_appendable.h"
#include "ingest/text_importer.h"
#include "ingest/text_parser.h"

namespace {

using osprey::OkStatus;
using osprey::Status;

class Toucher final : public osprey::ingest::TextVisitor {
 public:
  Status OnSample(const osprey::ingest::TextSample& s) override {
    Touch(s.metric_name);
    Touch(s.series_text);
    for (const auto& l : s.labels) {
      Touch(l.name);
      Touch(l.value);
    }
    ++samples;
    return OkStatus();
  }
  Status OnHelp(std::string_view name, std::string_view help) override {
    Touch(name);
    Touch(help);
    return OkStatus();
  }
  void Touch(std::string_view s) {
    for (char c : s) sum += static_cast<unsigned char>(c);
  }
  uint64_t sum = 0;
  int64_t samples = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  osprey::ingest::TextParser parser;
  Toucher v;
  const bool parsed = parser.Parse(body, v).ok();

  osprey::ingest::internal::FakeAppendable storage;
  auto r = osprey::ingest::ImportText(body, 1000, storage);
  if (r.ok() != parsed) abort();
  if (r.ok() && r->samples_accepted + r->samples_rejected != v.samples) abort();
  return 0;
}
