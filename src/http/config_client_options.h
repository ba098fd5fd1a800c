// Outbound HTTP settings from a config section (scrape configs, HTTP SD, remote_write,
// receivers, external Alertmanagers): config::HttpClientConfig -> http::ClientOptions.
#pragma once

#include "base/status.h"
#include "config/http_client_config.h"
#include "http/client.h"

namespace osprey::http {

// Reads password_file / credentials_file now (config::ReadSecret). kUnavailable naming the
// file when one cannot be read.
Result<ClientOptions> ClientOptionsFromConfig(const config::HttpClientConfig& c);

}  // namespace osprey::http
