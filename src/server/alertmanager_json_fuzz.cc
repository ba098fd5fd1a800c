// Fuzzes the decoders of POST /api/v2/alerts and POST /api/v2/silences bodies: any input
// gives a value or an error, never a crash; decoded values print back without crashing.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "server/alertmanager_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  if (auto alerts = osprey::server::amjson::DecodePostableAlerts(body); alerts.ok()) {
    for (const osprey::model::Alert& a : *alerts) {
      (void)osprey::server::amjson::GettableAlertJson(a, {}, {}).dump();
    }
  }
  if (auto silence = osprey::server::amjson::DecodePostableSilence(body); silence.ok()) {
    (void)osprey::server::amjson::GettableSilenceJson(*silence, 0).dump();
  }
  (void)osprey::server::amjson::ParseDateTime(body);
  return 0;
}
