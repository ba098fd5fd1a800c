// clang-format off
#include <utility>  // First: Boost 1.74's Asio needs it with g++ 12 in C++20 mode.
// clang-format on
#include "http/internal/tls_context.h"

#include <openssl/ssl.h>

#include <boost/asio/ssl/context.hpp>
#include <cerrno>
#include <cstdio>
#include <string>

namespace osprey::http::internal {
namespace ssl = boost::asio::ssl;
namespace {

Status CheckReadable(std::string_view setting, const std::string& path) {
  if (path.empty()) return InvalidArgumentError("tls " + std::string(setting) + " is required");
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    return ErrnoError("open " + path, errno).Annotate("tls " + std::string(setting));
  }
  std::fclose(f);
  return OkStatus();
}

Result<int> ParseVersion(std::string_view setting, std::string_view v) {
  if (v == "TLS10") return TLS1_VERSION;
  if (v == "TLS11") return TLS1_1_VERSION;
  if (v == "TLS12") return TLS1_2_VERSION;
  if (v == "TLS13") return TLS1_3_VERSION;
  return InvalidArgumentError("tls " + std::string(setting) + ": unknown TLS version \"" +
                              std::string(v) + "\" (want TLS10, TLS11, TLS12 or TLS13)");
}

// Accepts any client certificate (RequestClientCert, RequireAnyClientCert): the handshake
// only asks for one.
int AcceptAnyCertificate(int /*preverify_ok*/, X509_STORE_CTX* /*ctx*/) { return 1; }

Status FileError(std::string_view setting, const std::string& path,
                 const boost::system::error_code& ec) {
  return InvalidArgumentError("tls " + std::string(setting) + " " + path + ": " + ec.message());
}

}  // namespace

Result<std::shared_ptr<ssl::context>> MakeTlsContext(const TlsOptions& options) {
  OSPREY_RETURN_IF_ERROR(CheckReadable("cert_file", options.cert_file));
  OSPREY_RETURN_IF_ERROR(CheckReadable("key_file", options.key_file));

  int verify_mode;
  bool verify_chain;
  bool needs_ca;
  const std::string& auth = options.client_auth_type;
  if (auth.empty() || auth == "NoClientCert") {
    verify_mode = SSL_VERIFY_NONE, verify_chain = false, needs_ca = false;
  } else if (auth == "RequestClientCert") {
    verify_mode = SSL_VERIFY_PEER, verify_chain = false, needs_ca = false;
  } else if (auth == "RequireAnyClientCert") {
    verify_mode = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, verify_chain = false,
    needs_ca = false;
  } else if (auth == "VerifyClientCertIfGiven") {
    verify_mode = SSL_VERIFY_PEER, verify_chain = true, needs_ca = true;
  } else if (auth == "RequireAndVerifyClientCert") {
    verify_mode = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, verify_chain = true,
    needs_ca = true;
  } else {
    return InvalidArgumentError("tls client_auth_type: unknown value \"" + auth + "\"");
  }
  if (needs_ca && options.client_ca_file.empty()) {
    return InvalidArgumentError("tls client_auth_type " + auth + " needs client_ca_file");
  }
  if (!options.client_ca_file.empty() && verify_mode == SSL_VERIFY_NONE) {
    return InvalidArgumentError(
        "tls client_ca_file is set but client_auth_type is NoClientCert; set a client auth "
        "type");
  }
  OSPREY_ASSIGN_OR_RETURN(
      int min_version,
      ParseVersion("min_version", options.min_version.empty() ? "TLS12" : options.min_version));
  int max_version = 0;  // OpenSSL: the highest supported.
  if (!options.max_version.empty()) {
    OSPREY_ASSIGN_OR_RETURN(max_version, ParseVersion("max_version", options.max_version));
    if (max_version < min_version) {
      return InvalidArgumentError("tls max_version " + options.max_version +
                                  " is below min_version " + options.min_version);
    }
  }

  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* native = ctx->native_handle();
  boost::system::error_code ec;
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_compression |
                       ssl::context::single_dh_use,
                   ec);
  if (ec) return InternalError("tls: setting options: " + ec.message());
  if (SSL_CTX_set_min_proto_version(native, min_version) != 1 ||
      SSL_CTX_set_max_proto_version(native, max_version) != 1) {
    return InvalidArgumentError("tls: TLS version range not supported by OpenSSL");
  }
  ctx->use_certificate_chain_file(options.cert_file, ec);
  if (ec) return FileError("cert_file", options.cert_file, ec);
  ctx->use_private_key_file(options.key_file, ssl::context::pem, ec);
  if (ec) return FileError("key_file", options.key_file, ec);
  if (SSL_CTX_check_private_key(native) != 1) {
    return InvalidArgumentError("tls key_file " + options.key_file +
                                " does not match the certificate in " + options.cert_file);
  }
  if (!options.client_ca_file.empty()) {
    OSPREY_RETURN_IF_ERROR(CheckReadable("client_ca_file", options.client_ca_file));
    ctx->load_verify_file(options.client_ca_file, ec);
    if (ec) return FileError("client_ca_file", options.client_ca_file, ec);
    // Tell clients which CAs we accept, so they pick the right certificate.
    if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(options.client_ca_file.c_str())) {
      SSL_CTX_set_client_CA_list(native, names);
    }
  }
  SSL_CTX_set_verify(native, verify_mode, verify_chain ? nullptr : AcceptAnyCertificate);
  // Session resumption across our own contexts only.
  static constexpr unsigned char kSessionContext[] = "osprey";
  SSL_CTX_set_session_id_context(native, kSessionContext, sizeof(kSessionContext) - 1);
  return ctx;
}

}  // namespace osprey::http::internal
