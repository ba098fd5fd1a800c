#include "config/byte_size.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace osprey::config {
namespace {

constexpr int64_t kKiB = 1024;
constexpr int64_t kMiB = 1024 * kKiB;
constexpr int64_t kGiB = 1024 * kMiB;

TEST(ParseByteSizeTest, AcceptsPrometheusUnits) {
  struct Case {
    std::string_view text;
    int64_t bytes;
  };
  const std::vector<Case> cases = {
      {"0", 0},
      {"0B", 0},
      {"512B", 512},
      {"1KB", kKiB},
      {"1KiB", kKiB},
      {"10MB", 10 * kMiB},
      {"10MiB", 10 * kMiB},
      {"1.5GB", kGiB + kGiB / 2},
      {"1GB512MB", kGiB + 512 * kMiB},
      {".5KB", 512},
      {"2TB", 2 * 1024 * kGiB},
      {"1EB", int64_t{1} << 60},
      {"7EiB1023PiB", (int64_t{7} << 60) + (int64_t{1023} << 50)},
      {"9223372036854775807B", INT64_MAX},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    Result<int64_t> n = ParseByteSize(c.text);
    ASSERT_TRUE(n.ok()) << n.status().ToString();
    EXPECT_EQ(*n, c.bytes);
  }
}

TEST(ParseByteSizeTest, RejectsMalformedAndOversizedValues) {
  struct Case {
    std::string_view text;
    std::string_view message;
  };
  const std::vector<Case> cases = {
      {"", "not a valid size string: \"\""},
      {"10", "not a valid size string: \"10\""},
      {"10XB", "not a valid size string: \"10XB\""},
      {"10mb", "not a valid size string: \"10mb\""},
      {"-1MB", "not a valid size string: \"-1MB\""},
      {"1MB1MiB", "not a valid size string: \"1MB1MiB\""},
      {"KB", "not a valid size string: \"KB\""},
      {"1 MB", "not a valid size string: \"1 MB\""},
      {"8EB", "size out of range"},
      {"9223372036854775808B", "size out of range"},
      {"99999999999999999999999B", "size out of range"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    Result<int64_t> n = ParseByteSize(c.text);
    ASSERT_FALSE(n.ok());
    EXPECT_EQ(n.status().message(), c.message);
  }
}

TEST(FormatByteSizeTest, UsesLargestExactUnitsAndRoundTrips) {
  EXPECT_EQ(FormatByteSize(0), "0B");
  EXPECT_EQ(FormatByteSize(512), "512B");
  EXPECT_EQ(FormatByteSize(10 * kMiB), "10MiB");
  EXPECT_EQ(FormatByteSize(kKiB + 512), "1KiB512B");
  EXPECT_EQ(FormatByteSize(kGiB + 1), "1GiB1B");
  for (int64_t n : {int64_t{1}, int64_t{1023}, kKiB, 3 * kGiB + 7, INT64_MAX}) {
    SCOPED_TRACE(n);
    Result<int64_t> back = ParseByteSize(FormatByteSize(n));
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, n);
  }
}

}  // namespace
}  // namespace osprey::config
