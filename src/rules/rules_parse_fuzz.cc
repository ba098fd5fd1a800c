// Fuzzes the rule-file parser: any input gives a RuleFile or an error, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "rules/rule_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  osprey::Result<osprey::rules::RuleFile> f = osprey::rules::ParseRuleFile(text, "fuzz.yml");
  if (f.ok()) {
    size_t rules = 0;
    for (const auto& g : f->groups) rules += g.rules.size();
    (void)rules;
  }
  return 0;
}
