// Identifies how a chunk's bytes are encoded. Stored as one byte in head chunk files
// (docs/format/head_chunks.md); values are never reused.
#pragma once

#include <cstdint>

namespace osprey::tsdb {

enum class ChunkEncoding : uint8_t {
  kXor = 1,  // XorChunk (docs/format/chunks.md).
};

}  // namespace osprey::tsdb
