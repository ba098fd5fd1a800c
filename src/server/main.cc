#include "base/logger.h"

int main() {
  osprey::Logger log = osprey::Logger::Stderr(osprey::LogLevel::kInfo, osprey::LogFormat::kLogfmt);
  log.Info("Starting Osprey");
  return 0;
}
