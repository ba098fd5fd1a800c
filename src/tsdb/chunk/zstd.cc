// zstd helpers declared in column_codec.h.
#include <zstd.h>

#include <algorithm>
#include <memory>

#include "base/check.h"
#include "tsdb/chunk/column_codec.h"

namespace osprey::tsdb {
namespace {

struct DCtxDeleter {
  void operator()(ZSTD_DCtx* c) const { ZSTD_freeDCtx(c); }
};

}  // namespace

std::string ZstdCompress(std::string_view in, int level) {
  level = std::clamp(level, ZSTD_minCLevel(), ZSTD_maxCLevel());
  std::string out(ZSTD_compressBound(in.size()), '\0');
  const size_t n = ZSTD_compress(out.data(), out.size(), in.data(), in.size(), level);
  // Only a too-small destination can fail, and compressBound rules that out.
  OSPREY_CHECK(!ZSTD_isError(n)) << "ZSTD_compress: " << ZSTD_getErrorName(n);
  out.resize(n);
  return out;
}

Result<std::string> ZstdDecompress(std::string_view in, size_t max_size) {
  std::unique_ptr<ZSTD_DCtx, DCtxDeleter> ctx(ZSTD_createDCtx());
  OSPREY_CHECK(ctx != nullptr) << "ZSTD_createDCtx: out of memory";
  std::string out;
  // Trust the declared size only as a hint, bounded by max_size.
  const unsigned long long declared = ZSTD_getFrameContentSize(in.data(), in.size());
  if (declared != ZSTD_CONTENTSIZE_UNKNOWN && declared != ZSTD_CONTENTSIZE_ERROR) {
    if (declared > max_size) {
      return ResourceExhaustedError("zstd: frame declares " + std::to_string(declared) +
                                    " bytes, more than the limit " + std::to_string(max_size));
    }
    out.reserve(static_cast<size_t>(declared));
  }
  ZSTD_inBuffer input{in.data(), in.size(), 0};
  size_t last = 1;
  while (input.pos < input.size || last != 0) {
    if (out.size() == out.capacity() || out.capacity() - out.size() < 4096) {
      out.reserve(std::max<size_t>(out.capacity() * 2, out.size() + ZSTD_DStreamOutSize()));
    }
    const size_t before = out.size();
    const size_t room = std::min(out.capacity(), max_size + 1) - before;
    out.resize(before + room);
    ZSTD_outBuffer output{out.data() + before, room, 0};
    last = ZSTD_decompressStream(ctx.get(), &output, &input);
    out.resize(before + output.pos);
    if (ZSTD_isError(last)) {
      return DataLossError(std::string("zstd: ") + ZSTD_getErrorName(last));
    }
    if (out.size() > max_size) {
      return ResourceExhaustedError("zstd: output exceeds the limit " + std::to_string(max_size));
    }
    if (input.pos == input.size && last != 0 && output.pos == 0) {
      return DataLossError("zstd: truncated frame");
    }
  }
  return out;
}

}  // namespace osprey::tsdb
