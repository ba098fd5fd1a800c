#include "http/compression.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <random>
#include <string>

#include "http/internal/response_writer.h"

namespace osprey::http {
namespace {

std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(rng() & 0xFF);
  return out;
}

// zlib's compress() output (RFC 1950) and raw deflate (RFC 1951) of `data`.
std::string ZlibWrapped(std::string_view data, bool raw) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, 6, Z_DEFLATED, raw ? -15 : 15, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&zs, data.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

TEST(CompressionTest, GzipRoundTripsEmptySmallAndLargeInputs) {
  for (size_t n : {size_t{0}, size_t{1}, size_t{1000}, size_t{300000}}) {
    SCOPED_TRACE(n);
    std::string data = RandomBytes(n, static_cast<uint32_t>(n));
    std::string gz = GzipCompress(data, 1);
    ASSERT_GE(gz.size(), 2u);
    EXPECT_EQ(static_cast<uint8_t>(gz[0]), 0x1f);  // gzip magic
    auto back = Decompress("gzip", gz, n + 1);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, data);
  }
}

TEST(CompressionTest, GzipAcceptsConcatenatedMembers) {
  std::string gz = GzipCompress("hello ") + GzipCompress("world");
  auto back = Decompress("x-gzip", gz, 100);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, "hello world");
}

TEST(CompressionTest, DeflateAcceptsZlibWrappedAndRaw) {
  std::string data = "some text some text some text";
  for (bool raw : {false, true}) {
    auto back = Decompress("Deflate", ZlibWrapped(data, raw), 100);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, data);
  }
}

TEST(CompressionTest, SnappyRoundTrips) {
  std::string data = RandomBytes(10000, 7) + std::string(10000, 'a');
  auto back = Decompress("snappy", SnappyCompress(data), data.size());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, data);
}

TEST(CompressionTest, LimitIsEnforcedWhileInflating) {
  std::string bomb = GzipCompress(std::string(50 * 1024 * 1024, '\0'));
  EXPECT_LT(bomb.size(), 100 * 1024u);
  auto r = Decompress("gzip", bomb, 1024 * 1024);
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  // Exactly at the limit is fine.
  std::string data(4096, 'x');
  EXPECT_TRUE(Decompress("gzip", GzipCompress(data), 4096).ok());
  EXPECT_EQ(Decompress("gzip", GzipCompress(data), 4095).status().code(),
            StatusCode::kResourceExhausted);
}

TEST(CompressionTest, SnappyLimitIsCheckedFromTheHeader) {
  std::string data(100000, 'a');
  EXPECT_EQ(Decompress("snappy", SnappyCompress(data), 99999).status().code(),
            StatusCode::kResourceExhausted);
  // A header claiming 4 GiB: refused before allocating.
  std::string lying = "\xff\xff\xff\xff\x0f";
  EXPECT_EQ(Decompress("snappy", lying, 1 << 20).status().code(), StatusCode::kResourceExhausted);
}

TEST(CompressionTest, CorruptDataIsInvalidArgumentNamingTheEncoding) {
  std::string gz = GzipCompress(std::string(10000, 'q'));
  std::string truncated = gz.substr(0, gz.size() / 2);
  for (auto [encoding, data] : std::vector<std::pair<std::string, std::string>>{
           {"gzip", "not gzip at all"},
           {"gzip", truncated},
           {"gzip", gz + "trailing garbage"},
           {"deflate", "\x78\x9c garbage"},
           {"snappy", "\x05garbage"},
       }) {
    SCOPED_TRACE(encoding + ": " + data.substr(0, 20));
    auto r = Decompress(encoding, data, 1 << 20);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(encoding), std::string::npos) << r.status().ToString();
  }
}

TEST(CompressionTest, UnknownEncodingIsUnimplemented) {
  auto r = Decompress("br", "abc", 100);
  EXPECT_EQ(r.status().code(), StatusCode::kUnimplemented);
  EXPECT_NE(r.status().message().find("\"br\""), std::string::npos);
}

TEST(CompressionTest, IdentityAndListsOfCodings) {
  EXPECT_EQ(*Decompress("identity", "abc", 3), "abc");
  EXPECT_EQ(Decompress("", "abcd", 3).status().code(), StatusCode::kResourceExhausted);
  // "gzip, snappy": gzip applied first, so snappy is undone first.
  std::string twice = SnappyCompress(GzipCompress("layered"));
  auto r = Decompress("gzip, snappy", twice, 100);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "layered");
}

TEST(AcceptEncodingTest, NegotiatesGzipWithQValues) {
  using internal::AcceptsGzip;
  EXPECT_TRUE(AcceptsGzip("gzip"));
  EXPECT_TRUE(AcceptsGzip("deflate, GZIP;q=0.5"));
  EXPECT_TRUE(AcceptsGzip("*"));
  EXPECT_TRUE(AcceptsGzip("br;q=1.0, x-gzip"));
  EXPECT_FALSE(AcceptsGzip(""));
  EXPECT_FALSE(AcceptsGzip("identity"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0.000, *"));
  EXPECT_FALSE(AcceptsGzip("*;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=abc"));
}

TEST(AcceptEncodingTest, MaybeGzipCompressesLargeBodiesOnly) {
  using internal::MaybeGzip;
  Response small = Response::Text(std::string(100, 'a'));
  MaybeGzip("gzip", 1024, small);
  EXPECT_FALSE(small.Header("Content-Encoding"));
  EXPECT_FALSE(small.Header("Vary"));

  Response large = Response::Text(std::string(5000, 'a'));
  MaybeGzip("gzip", 1024, large);
  EXPECT_EQ(large.Header("Content-Encoding"), "gzip");
  EXPECT_EQ(large.Header("Vary"), "Accept-Encoding");
  EXPECT_EQ(*Decompress("gzip", large.body, 5000), std::string(5000, 'a'));

  Response refused = Response::Text(std::string(5000, 'a'));
  MaybeGzip(std::nullopt, 1024, refused);
  EXPECT_FALSE(refused.Header("Content-Encoding"));
  EXPECT_EQ(refused.Header("Vary"), "Accept-Encoding");

  Response encoded = Response::Text(std::string(5000, 'a'));
  encoded.SetHeader("Content-Encoding", "snappy");
  MaybeGzip("gzip", 1024, encoded);
  EXPECT_EQ(encoded.Header("Content-Encoding"), "snappy");
  EXPECT_EQ(encoded.body.size(), 5000u);
}

}  // namespace
}  // namespace osprey::http
