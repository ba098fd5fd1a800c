#include "tsdb/wal/segment.h"

#include "gtest/gtest.h"

namespace osprey::tsdb::wal_format {
namespace {

TEST(WalSegmentTest, SegmentNamesRoundTrip) {
  EXPECT_EQ(SegmentName(0), "00000000");
  EXPECT_EQ(SegmentName(123), "00000123");
  EXPECT_EQ(SegmentName(123456789), "123456789");
  EXPECT_EQ(ParseSegmentName("00000123"), 123);
  EXPECT_EQ(ParseSegmentName("123456789"), 123456789);
  EXPECT_EQ(SegmentPath("/data/wal", 5), "/data/wal/00000005");
  EXPECT_EQ(SegmentPath("/data/wal/", 5), "/data/wal/00000005");
}

TEST(WalSegmentTest, ParseRejectsOtherNames) {
  for (std::string_view name : {"", "0000012", "0000000a", "-0000001", "+0000001", "00000001.tmp",
                                "checkpoint.00000001", " 00000001", "99999999999999999999"}) {
    EXPECT_EQ(ParseSegmentName(name), std::nullopt) << name;
  }
}

TEST(WalSegmentTest, CheckpointNamesRoundTrip) {
  EXPECT_EQ(CheckpointName(12), "checkpoint.00000012");
  EXPECT_EQ(ParseCheckpointName("checkpoint.00000012"), 12);
  EXPECT_EQ(ParseCheckpointName("checkpoint.00000012.tmp"), std::nullopt);
  EXPECT_EQ(ParseCheckpointName("checkpoint.12"), std::nullopt);
  EXPECT_EQ(ParseCheckpointName("00000012"), std::nullopt);
}

// Parses the fragments of `framed`, which starts at `offset` of a segment, checking that
// none crosses a page boundary; returns the reassembled record.
std::string Unframe(uint64_t offset, std::string_view framed) {
  std::string out;
  uint64_t pos = offset;
  size_t i = 0;
  while (i < framed.size()) {
    const auto type = static_cast<uint8_t>(framed[i]);
    if (type == kPadding) {
      const size_t pad = kPageSize - pos % kPageSize;
      EXPECT_LE(pad, kHeaderSize);
      for (size_t j = 0; j < pad; ++j) EXPECT_EQ(framed[i + j], 0);
      i += pad;
      pos += pad;
      continue;
    }
    const size_t len = static_cast<uint8_t>(framed[i + 1]) | static_cast<uint8_t>(framed[i + 2])
                                                                 << 8;
    EXPECT_LE(pos % kPageSize + kHeaderSize + len, kPageSize) << "fragment crosses a page";
    out.append(framed.substr(i + kHeaderSize, len));
    i += kHeaderSize + len;
    pos += kHeaderSize + len;
  }
  return out;
}

TEST(WalSegmentTest, FramedSizeIsWhatAppendFramedWrites) {
  const uint64_t offsets[] = {0,
                              1,
                              kPageSize - kHeaderSize - 1,
                              kPageSize - kHeaderSize,
                              kPageSize - 3,
                              kPageSize - 1,
                              kPageSize,
                              3 * kPageSize + 100};
  const size_t sizes[] = {0,
                          1,
                          100,
                          kPageSize - kHeaderSize - 1,
                          kPageSize - kHeaderSize,
                          kPageSize,
                          3 * kPageSize + 17};
  for (uint64_t offset : offsets) {
    for (size_t size : sizes) {
      SCOPED_TRACE(::testing::Message() << "offset " << offset << " size " << size);
      std::string record(size, 'r');
      for (size_t i = 0; i < size; ++i) record[i] = static_cast<char>(i * 13);
      std::string framed;
      AppendFramed(offset, record, 0, framed);
      EXPECT_EQ(framed.size(), FramedSize(offset, size));
      EXPECT_EQ(Unframe(offset, framed), record);
    }
  }
}

TEST(WalSegmentTest, SingleFragmentRecordUsesFullTypeAndChecksumCoversHeader) {
  std::string framed;
  AppendFramed(0, "abc", kZstdFlag, framed);
  ASSERT_EQ(framed.size(), kHeaderSize + 3);
  EXPECT_EQ(static_cast<uint8_t>(framed[0]), kFull | kZstdFlag);
  const uint32_t crc = static_cast<uint8_t>(framed[3]) | static_cast<uint8_t>(framed[4]) << 8 |
                       static_cast<uint8_t>(framed[5]) << 16 |
                       static_cast<uint32_t>(static_cast<uint8_t>(framed[6])) << 24;
  EXPECT_EQ(crc, FragmentCrc(kFull | kZstdFlag, 3, "abc"));
  EXPECT_NE(crc, FragmentCrc(kFull, 3, "abc"));
}

}  // namespace
}  // namespace osprey::tsdb::wal_format
