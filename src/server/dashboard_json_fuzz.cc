// Fuzzes the validation of dashboard API bodies (POST/PUT /api/v1/dashboards) and of
// provisioned dashboard files: any input gives a dashboard or an error naming a field, never a
// crash, and an accepted dashboard's stored JSON parses again to the same verdict.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/check.h"
#include "server/dashboards_api.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)osprey::server::JsonNestingDepth(body);
  if (auto req = osprey::server::ParseDashboardRequest(body); req.ok()) {
    auto again = osprey::server::ParseDashboardObject(req->content.json, "stored");
    OSPREY_CHECK(again.ok()) << again.status().message();
    OSPREY_CHECK(again->content.title == req->content.title);
  }
  (void)osprey::server::ParseDashboardObject(body, "file");
  return 0;
}
