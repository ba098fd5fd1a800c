// Opening and reading a block from arbitrary bytes never crashes. Input: a 4-byte
// little-endian index length, the index file, then the data file. Checksums are not
// verified so that the parser itself sees the damaged bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tsdb/block/block_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace osprey;
  using namespace osprey::tsdb;
  if (size < 4) return 0;
  const uint32_t index_len =
      data[0] | (data[1] << 8) | (data[2] << 16) | (static_cast<uint32_t>(data[3]) << 24);
  if (index_len > size - 4) return 0;
  const char* p = reinterpret_cast<const char*>(data) + 4;
  BlockMeta meta;
  meta.range = {0, 1'000'000'000'000'000};
  BlockOpenOptions options;
  options.verify_checksums = false;
  auto block = Block::OpenFromBuffers("fuzz", meta, std::string(p, index_len),
                                      std::string(p + index_len, size - 4 - index_len), options);
  if (!block.ok()) return 0;
  auto q = (*block)->NewQuerier({0, 1'000'000'000'000'000});
  if (!q.ok()) return 0;
  const std::vector<model::Matcher> all = {
      model::Matcher::MustCreate(model::MatchType::kRegexMatch, "__name__", ".+")};
  const std::vector<model::Matcher> neg = {
      model::Matcher::MustCreate(model::MatchType::kNotEqual, "job", "x"),
      model::Matcher::MustCreate(model::MatchType::kRegexMatch, "instance", "h.*")};
  for (const auto* ms : {&all, &neg}) {
    auto set = (*q)->Select({}, *ms);
    while (set->Next()) {
      (void)set->At().labels().ToString();
      auto it = set->At().Iterator();
      while (it->Next()) (void)it->At();
      auto it2 = set->At().Iterator();
      (void)it2->Seek(500);
    }
    (void)(*q)->LabelNames(*ms);
    (void)(*q)->LabelValues("instance", *ms);
  }
  (void)(*q)->LabelNames({});
  return 0;
}
