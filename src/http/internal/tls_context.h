// Builds the OpenSSL context (via Boost.Asio's wrapper) for TlsOptions.
#pragma once

#include <memory>

#include "base/status.h"
#include "http/server_options.h"

namespace boost::asio::ssl {
class context;
}  // namespace boost::asio::ssl

namespace osprey::http::internal {

// Loads the certificate chain, key and client CAs and applies the version range and client
// certificate policy (as Prometheus's exporter-toolkit: NoClientCert, RequestClientCert,
// RequireAnyClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert). Errors name the
// file or setting at fault. shared_ptr: connections hold the context they were accepted with.
Result<std::shared_ptr<boost::asio::ssl::context>> MakeTlsContext(const TlsOptions& options);

}  // namespace osprey::http::internal
