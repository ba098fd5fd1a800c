#include "tsdb/chunk/crc32c.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace osprey::tsdb {
namespace {

std::span<const uint8_t> AsBytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

TEST(Crc32cTest, MatchesKnownCheckValues) {
  EXPECT_EQ(Crc32c(std::string_view("123456789")), 0xE3069283u);
  EXPECT_EQ(Crc32c(std::string_view("")), 0u);
  // RFC 3720 B.4: 32 bytes of zeros, of 0xFF, and an increasing sequence.
  EXPECT_EQ(Crc32c(std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(Crc32c(std::string(32, '\xff')), 0x62A8AB43u);
  std::string ascending;
  for (int i = 0; i < 32; ++i) ascending.push_back(static_cast<char>(i));
  EXPECT_EQ(Crc32c(ascending), 0x46DD794Eu);
}

TEST(Crc32cTest, ExtendingEqualsOneShot) {
  const std::string data = "The quick brown fox jumps over the lazy dog, twice over.";
  for (size_t split = 0; split <= data.size(); ++split) {
    const uint32_t first = Crc32c(std::string_view(data).substr(0, split));
    EXPECT_EQ(Crc32c(std::string_view(data).substr(split), first), Crc32c(data)) << split;
  }
}

TEST(Crc32cTest, PortableAndHardwareAgreeOnEveryLengthAndAlignment) {
  if (!chunk_internal::Crc32cHardwareAvailable()) GTEST_SKIP() << "no SSE4.2";
  std::mt19937_64 rng(7);
  std::vector<uint8_t> buf(300);
  for (auto& b : buf) b = static_cast<uint8_t>(rng());
  for (size_t start = 0; start < 9; ++start) {
    for (size_t len = 0; start + len <= buf.size(); len += 7) {
      std::span<const uint8_t> s(buf.data() + start, len);
      ASSERT_EQ(chunk_internal::Crc32cPortable(s, 0x1234),
                chunk_internal::Crc32cHardware(s, 0x1234))
          << start << " " << len;
    }
  }
}

TEST(Crc32cTest, DetectsSingleBitFlips) {
  std::string data(64, 'a');
  const uint32_t good = Crc32c(AsBytes(data));
  for (size_t bit = 0; bit < data.size() * 8; ++bit) {
    std::string flipped = data;
    flipped[bit / 8] = static_cast<char>(flipped[bit / 8] ^ (1 << (bit % 8)));
    EXPECT_NE(Crc32c(AsBytes(flipped)), good) << bit;
  }
}

}  // namespace
}  // namespace osprey::tsdb
