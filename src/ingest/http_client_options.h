// Outbound HTTP settings from a config section (scrape configs, HTTP SD, remote_write):
// config::HttpClientConfig -> http::ClientOptions.
#pragma once

#include "base/status.h"
#include "config/http_client_config.h"
#include "http/client.h"

namespace osprey::ingest {

// Reads password_file / credentials_file now (their content, surrounding blanks trimmed, as
// Prometheus does). kUnavailable naming the file when one cannot be read.
Result<http::ClientOptions> ClientOptionsFromConfig(const config::HttpClientConfig& c);

}  // namespace osprey::ingest
