// One accepted connection, served until it closes (see connection.cc for the state machine).
#pragma once

// clang-format off
#include <utility>  // First: Boost 1.74's Asio needs it with g++ 12 in C++20 mode.
// clang-format on
#include <boost/asio/ip/tcp.hpp>

#include "http/internal/server_state.h"

namespace osprey::http::internal {

// Serves `socket` (whose executor must be a strand) with the security settings current in
// `state`: TLS handshake if configured, then requests until the connection closes. The
// connection registers itself with `state`, keeps itself alive through its pending
// operations, and unregisters when it is destroyed; `state` must outlive it (Server::Shutdown
// waits for that). Refused when over max_connections or shutting down (counted, closed).
void ServeConnection(ServerState& state, boost::asio::ip::tcp::socket socket);

}  // namespace osprey::http::internal
