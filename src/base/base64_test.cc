#include "base/base64.h"

#include <gtest/gtest.h>

#include <string>

namespace osprey {
namespace {

std::string DecodeOrError(std::string_view text, Base64Encoding encoding = kBase64Std) {
  Result<std::string> r = Base64Decode(text, encoding);
  return r.ok() ? *r : "error: " + std::string(r.status().message());
}

TEST(Base64Test, EncodesEachAlphabetWithAndWithoutPadding) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("a"), "YQ==");
  EXPECT_EQ(Base64Encode("ab"), "YWI=");
  EXPECT_EQ(Base64Encode("abc"), "YWJj");
  EXPECT_EQ(Base64Encode("alice:pw"), "YWxpY2U6cHc=");
  EXPECT_EQ(Base64Encode("hi?>"), "aGk/Pg==");
  EXPECT_EQ(Base64Encode("hi?>", kBase64Url), "aGk_Pg==");
  EXPECT_EQ(Base64Encode("hi?>", kBase64RawUrl), "aGk_Pg");
  EXPECT_EQ(Base64Encode("\xfb\xff", kBase64Std), "+/8=");
  EXPECT_EQ(Base64Encode("\xfb\xff", kBase64RawUrl), "-_8");
  EXPECT_EQ(Base64Encode(std::string("\0\0\0", 3)), "AAAA");
}

TEST(Base64Test, DecodesWhatItEncodes) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (Base64Encoding e : {kBase64Std, kBase64Url, kBase64RawUrl}) {
    for (size_t n = 0; n <= all.size(); n += 37) {
      const std::string bytes = all.substr(0, n);
      EXPECT_EQ(DecodeOrError(Base64Encode(bytes, e), e), bytes) << n;
    }
  }
}

TEST(Base64Test, PaddedDecodingWantsPaddingExactlyAtTheEnd) {
  EXPECT_EQ(DecodeOrError(""), "");
  EXPECT_EQ(DecodeOrError("YWxpY2U6cHc="), "alice:pw");
  EXPECT_EQ(DecodeOrError("YWI="), "ab");
  EXPECT_EQ(DecodeOrError("YQ=="), "a");
  EXPECT_EQ(DecodeOrError("YQ="), "error: invalid base64 length 3");
  EXPECT_EQ(DecodeOrError("YQ"), "error: invalid base64 length 2");
  EXPECT_EQ(DecodeOrError("Y=Q="), "error: invalid base64 character at offset 1");
  EXPECT_EQ(DecodeOrError("YQ=a"), "error: invalid base64 character at offset 2");
  EXPECT_EQ(DecodeOrError("Y==="), "error: invalid base64 character at offset 1");
  EXPECT_EQ(DecodeOrError("===="), "error: invalid base64 character at offset 0");
  EXPECT_EQ(DecodeOrError("YQ==YQ=="), "error: invalid base64 character at offset 2");
}

TEST(Base64Test, RejectsCharactersOutsideTheAlphabetIncludingWhitespace) {
  EXPECT_EQ(DecodeOrError("YW-h"), "error: invalid base64 character at offset 2");
  EXPECT_EQ(DecodeOrError("YW+h", kBase64Url), "error: invalid base64url character at offset 2");
  EXPECT_EQ(DecodeOrError("YW h"), "error: invalid base64 character at offset 2");
  EXPECT_EQ(DecodeOrError("YWJj\nYWJj"), "error: invalid base64 length 9");
  EXPECT_EQ(DecodeOrError("YWJj\r\nYW"), "error: invalid base64 character at offset 4");
  EXPECT_EQ(DecodeOrError(std::string("YW\0h", 4)), "error: invalid base64 character at offset 2");
  EXPECT_EQ(DecodeOrError("YW\xc3\xa9"), "error: invalid base64 character at offset 2");
}

TEST(Base64Test, UnpaddedDecodingRejectsPaddingAndImpossibleLengths) {
  EXPECT_EQ(DecodeOrError("", kBase64RawUrl), "");
  EXPECT_EQ(DecodeOrError("YQ", kBase64RawUrl), "a");
  EXPECT_EQ(DecodeOrError("YWI", kBase64RawUrl), "ab");
  EXPECT_EQ(DecodeOrError("YQ==", kBase64RawUrl), "error: invalid base64url character at offset 2");
  EXPECT_EQ(DecodeOrError("YWJjY", kBase64RawUrl), "error: invalid base64url length 5");
}

TEST(Base64Test, StrictDecodingRejectsStrayBits) {
  // "YR" has the same first byte as "YQ" but non-zero unused bits.
  EXPECT_EQ(DecodeOrError("YR==", kBase64Std), "a");
  Base64Encoding strict = kBase64RawUrl;
  strict.strict = true;
  EXPECT_EQ(DecodeOrError("YQ", strict), "a");
  EXPECT_EQ(DecodeOrError("YR", strict), "error: non-canonical base64url (stray bits at the end)");
  EXPECT_EQ(DecodeOrError("YWI", strict), "ab");
  EXPECT_EQ(DecodeOrError("YWJ", strict), "error: non-canonical base64url (stray bits at the end)");
}

}  // namespace
}  // namespace osprey
