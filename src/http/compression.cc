#include "http/compression.h"

#include <snappy.h>
#include <zlib.h>

#include <algorithm>
#include <climits>
#include <vector>

#include "base/check.h"
#include "http/request.h"

namespace osprey::http {
namespace {

constexpr size_t kChunk = 64 * 1024;
// zlib counts in uInt; feed it at most this much at a time.
constexpr size_t kMaxZlibInput = size_t{1} << 30;

void Refill(z_stream& zs, std::string_view data, size_t& offset) {
  if (zs.avail_in != 0 || offset >= data.size()) return;
  size_t n = std::min(kMaxZlibInput, data.size() - offset);
  // zlib's API is not const-correct; it never writes through next_in.
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data() + offset));
  zs.avail_in = static_cast<uInt>(n);
  offset += n;
}

// Inflates `data` (zlib `window_bits` selects gzip, zlib or raw deflate) into at most
// `max_size` bytes. With `multi_member`, input left after the end of one stream must be
// another stream (concatenated gzip members).
Result<std::string> Inflate(std::string_view data, int window_bits, bool multi_member,
                            size_t max_size, std::string_view name) {
  std::string out;
  if (data.empty()) return out;
  z_stream zs{};
  if (inflateInit2(&zs, window_bits) != Z_OK) {
    return InternalError("inflateInit2 failed");
  }
  struct Ender {
    z_stream* zs;
    ~Ender() { inflateEnd(zs); }
  } ender{&zs};
  auto corrupt = [&](std::string_view why) {
    return InvalidArgumentError("invalid " + std::string(name) + " data: " + std::string(why));
  };
  size_t offset = 0;
  std::vector<char> buf(kChunk);
  while (true) {
    Refill(zs, data, offset);
    zs.next_out = reinterpret_cast<Bytef*>(buf.data());
    zs.avail_out = static_cast<uInt>(buf.size());
    int ret = inflate(&zs, Z_NO_FLUSH);
    size_t produced = buf.size() - zs.avail_out;
    if (produced > max_size - out.size()) {
      return ResourceExhaustedError("decoded " + std::string(name) + " body exceeds " +
                                    std::to_string(max_size) + " bytes");
    }
    out.append(buf.data(), produced);
    bool input_left = zs.avail_in > 0 || offset < data.size();
    if (ret == Z_STREAM_END) {
      if (!multi_member || !input_left) return out;
      if (inflateReset(&zs) != Z_OK) return InternalError("inflateReset failed");
      continue;
    }
    if (ret == Z_OK || ret == Z_BUF_ERROR) {
      // Output room left over with no input left: the stream needs bytes that never came.
      if (!input_left && zs.avail_out != 0) return corrupt("unexpected end of data");
      continue;
    }
    return corrupt(zs.msg != nullptr ? std::string(zs.msg) : "error " + std::to_string(ret));
  }
}

bool LooksLikeZlibHeader(std::string_view data) {
  if (data.size() < 2) return false;
  auto cmf = static_cast<uint8_t>(data[0]);
  auto flg = static_cast<uint8_t>(data[1]);
  return (cmf & 0x0F) == 8 && (cmf >> 4) <= 7 && ((cmf << 8) | flg) % 31 == 0;
}

Result<std::string> DecodeOne(std::string_view encoding, std::string_view data, size_t max_size) {
  if (encoding.empty() || EqualsIgnoreCase(encoding, "identity")) {
    if (data.size() > max_size) {
      return ResourceExhaustedError("body exceeds " + std::to_string(max_size) + " bytes");
    }
    return std::string(data);
  }
  if (EqualsIgnoreCase(encoding, "gzip") || EqualsIgnoreCase(encoding, "x-gzip")) {
    return Inflate(data, 16 + MAX_WBITS, /*multi_member=*/true, max_size, "gzip");
  }
  if (EqualsIgnoreCase(encoding, "deflate")) {
    int bits = LooksLikeZlibHeader(data) ? MAX_WBITS : -MAX_WBITS;
    return Inflate(data, bits, /*multi_member=*/false, max_size, "deflate");
  }
  if (EqualsIgnoreCase(encoding, "snappy")) {
    size_t length = 0;
    if (!snappy::GetUncompressedLength(data.data(), data.size(), &length)) {
      return InvalidArgumentError("invalid snappy data: bad length header");
    }
    if (length > max_size) {
      return ResourceExhaustedError("decoded snappy body exceeds " + std::to_string(max_size) +
                                    " bytes");
    }
    std::string out(length, '\0');
    if (!snappy::RawUncompress(data.data(), data.size(), out.data())) {
      return InvalidArgumentError("invalid snappy data: corrupt block");
    }
    return out;
  }
  return UnimplementedError("unsupported Content-Encoding \"" + std::string(encoding) + "\"");
}

}  // namespace

std::string GzipCompress(std::string_view data, int level) {
  z_stream zs{};
  OSPREY_CHECK(deflateInit2(&zs, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK)
      << "deflateInit2 failed, level " << level;
  std::string out;
  out.resize(deflateBound(&zs, static_cast<uLong>(std::min(data.size(), kMaxZlibInput))) + 32);
  size_t offset = 0;
  size_t written = 0;
  while (true) {
    Refill(zs, data, offset);
    bool finish = offset == data.size();  // Every input byte has been handed to zlib.
    if (written == out.size()) out.resize(out.size() * 2);
    size_t room = std::min(out.size() - written, kMaxZlibInput);
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + written);
    zs.avail_out = static_cast<uInt>(room);
    int ret = deflate(&zs, finish ? Z_FINISH : Z_NO_FLUSH);
    written += room - zs.avail_out;
    if (ret == Z_STREAM_END) break;
    OSPREY_CHECK(ret == Z_OK || ret == Z_BUF_ERROR) << "deflate failed: " << ret;
  }
  deflateEnd(&zs);
  out.resize(written);
  return out;
}

std::string SnappyCompress(std::string_view data) {
  std::string out;
  snappy::Compress(data.data(), data.size(), &out);
  return out;
}

Result<std::string> Decompress(std::string_view encoding, std::string_view data, size_t max_size) {
  // "Content-Encoding: gzip, snappy" means gzip was applied first: undo snappy first.
  std::vector<std::string_view> codings;
  while (true) {
    size_t comma = encoding.find(',');
    codings.push_back(TrimOptionalWhitespace(encoding.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    encoding.remove_prefix(comma + 1);
  }
  if (codings.size() == 1) return DecodeOne(codings[0], data, max_size);
  std::string current(data);
  for (auto it = codings.rbegin(); it != codings.rend(); ++it) {
    OSPREY_ASSIGN_OR_RETURN(current, DecodeOne(*it, current, max_size));
  }
  return current;
}

}  // namespace osprey::http
