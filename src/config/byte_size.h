// Byte sizes as written in Prometheus configuration ("10MB", "512KiB", "1GB512MB"), e.g.
// scrape_configs[].body_size_limit. The syntax is that of Prometheus's units.Base2Bytes:
// one or more `<number><unit>` parts, numbers may have a fraction ("1.5GB"), units B, and
// KB MB GB TB PB EB or KiB MiB GiB TiB PiB EiB (not mixed in one string), all powers of 1024.
// "0" alone is accepted. Unlike Prometheus, negative sizes are rejected.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace osprey::config {

// Bytes. Errors (kInvalidArgument): `not a valid size string: "5x"`, `size out of range`.
Result<int64_t> ParseByteSize(std::string_view s);

// "0B", "10MiB", "1KiB512B": exact, largest units first. ParseByteSize(FormatByteSize(n)) == n
// for n >= 0.
std::string FormatByteSize(int64_t bytes);

}  // namespace osprey::config
