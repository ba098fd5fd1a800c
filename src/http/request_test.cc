// Request and Response value types, and the socket-free request read path.
#include "http/request.h"

#include <gtest/gtest.h>

#include <string>

#include "http/compression.h"
#include "http/internal/request_reader.h"
#include "http/internal/response_writer.h"
#include "http/response.h"

namespace osprey::http {
namespace {

using internal::ParseRequest;
using internal::RequestLimits;
using internal::RequestReader;

TEST(RequestTest, HeaderLookupIgnoresCase) {
  Request r;
  r.headers = {{"Content-Type", "text/plain"}, {"X-Two", "1"}, {"x-two", "2"}};
  EXPECT_EQ(r.Header("content-type"), "text/plain");
  EXPECT_EQ(r.Header("X-TWO"), "1");
  EXPECT_EQ(r.Header("Missing"), std::nullopt);
}

TEST(RequestTest, TrimOptionalWhitespaceDropsSpacesAndTabsOnly) {
  EXPECT_EQ(TrimOptionalWhitespace(" \t gzip \t"), "gzip");
  EXPECT_EQ(TrimOptionalWhitespace("a b"), "a b");
  EXPECT_EQ(TrimOptionalWhitespace("\r\nx\n"), "\r\nx\n");
  EXPECT_EQ(TrimOptionalWhitespace(" \t "), "");
}

TEST(RequestTest, ParamPrefersFormBodyThenQuery) {
  Request r;
  r.query = {{"query", "up"}, {"match[]", "a"}, {"start", "1"}};
  r.form = {{"query", "down"}, {"time", "5"}, {"match[]", "b"}};
  EXPECT_EQ(r.Param("query"), "down");  // Like Go's FormValue: the body wins.
  EXPECT_EQ(r.Param("time"), "5");
  EXPECT_EQ(r.Param("start"), "1");
  EXPECT_EQ(r.Param("nope"), std::nullopt);
  EXPECT_EQ(r.Params("match[]"), (std::vector<std::string_view>{"b", "a"}));
}

TEST(RequestTest, PathParamIsEmptyWhenAbsent) {
  Request r;
  r.path_params = {{"name", "job"}};
  EXPECT_EQ(r.PathParam("name"), "job");
  EXPECT_EQ(r.PathParam("other"), "");
}

TEST(RequestTest, ParseTargetDecodesPathAndQuery) {
  Request r;
  ASSERT_TRUE(ParseTarget("/api/v1/query%20x?query=rate(x%5B5m%5D)&a+b=c+d&flag&&e=", r).ok());
  EXPECT_EQ(r.path, "/api/v1/query x");
  EXPECT_EQ(r.query,
            (KeyValues{{"query", "rate(x[5m])"}, {"a b", "c d"}, {"flag", ""}, {"e", ""}}));
}

TEST(RequestTest, ParseTargetAcceptsAbsoluteFormAndAsterisk) {
  Request r;
  ASSERT_TRUE(ParseTarget("http://example.com:9090/metrics?x=1", r).ok());
  EXPECT_EQ(r.path, "/metrics");
  EXPECT_EQ(r.Param("x"), "1");
  ASSERT_TRUE(ParseTarget("http://example.com", r).ok());
  EXPECT_EQ(r.path, "/");
  ASSERT_TRUE(ParseTarget("*", r).ok());
  EXPECT_EQ(r.path, "*");
}

TEST(RequestTest, ParseTargetRejectsBadEscapesAndForms) {
  Request r;
  EXPECT_EQ(ParseTarget("/a%zz", r).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseTarget("/a?q=%", r).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseTarget("/a?q=%4", r).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseTarget("relative/path", r).code(), StatusCode::kInvalidArgument);
}

TEST(ResponseTest, ErrorResponseHasPrometheusShape) {
  Response r = ErrorResponse(400, "bad_data", "invalid parameter \"query\": 1:5: parse error");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Header("content-type"), "application/json");
  EXPECT_EQ(
      r.body,
      R"({"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:5: parse error"})");
}

TEST(ResponseTest, StatusErrorResponseMapsEachCode) {
  struct Case {
    Status status;
    int http_status;
    std::string_view type;
  };
  const Case cases[] = {
      {InvalidArgumentError("bad"), 400, "bad_data"},
      {ResourceExhaustedError("big"), 413, "bad_data"},
      {NotFoundError("gone"), 404, "not_found"},
      {AlreadyExistsError("dup"), 409, "conflict"},
      {FailedPreconditionError("state"), 409, "conflict"},
      {PermissionDeniedError("ro"), 403, "forbidden"},
      {UnavailableError("down"), 503, "unavailable"},
      {InternalError("oops"), 500, "internal"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.status.ToString());
    Response r = StatusErrorResponse(c.status);
    EXPECT_EQ(r.status, c.http_status);
    EXPECT_EQ(r.body, ErrorResponse(c.http_status, c.type, c.status.message()).body);
  }
}

TEST(ResponseTest, JsonStringEscapesControlsAndReplacesInvalidUtf8) {
  std::string out;
  AppendJsonString(out, std::string("a\"b\\c\n\t\x01\x1f", 10));
  EXPECT_EQ(out, R"("a\"b\\c\n\t\u0001\u001f\u0000")");
  out.clear();
  AppendJsonString(out, "é€😀");  // Valid 2-, 3- and 4-byte sequences pass through.
  EXPECT_EQ(out, "\"é€😀\"");
  out.clear();
  AppendJsonString(out, "x\xff\xc3y\xed\xa0\x80");  // Stray, truncated, surrogate.
  EXPECT_EQ(out, "\"x\uFFFD\uFFFDy\uFFFD\uFFFD\uFFFD\"");
}

TEST(ResponseTest, SetHeaderReplacesCaseInsensitivelyAndStripsNewlines) {
  Response r = Response::Text("x");
  r.SetHeader("content-type", "text/html");
  r.SetHeader("X-A", "evil\r\nSet-Cookie: a=b");
  EXPECT_EQ(r.headers.size(), 2u);
  EXPECT_EQ(r.Header("Content-Type"), "text/html");
  EXPECT_EQ(r.Header("x-a"), "evil  Set-Cookie: a=b");
}

TEST(ResponseWriterTest, SerializesStatusHeadersLengthAndConnection) {
  Response r = Response::Json("{}", 201);
  r.headers.emplace_back("Content-Length", "999");      // Owned by the server: dropped.
  r.headers.emplace_back("X-Bad", "a\r\nInjected: 1");  // Would split the header block.
  EXPECT_EQ(internal::SerializeResponseHead(r, 11, /*keep_alive=*/true),
            "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n");
  EXPECT_EQ(internal::SerializeResponseHead(r, 10, /*keep_alive=*/true),
            "HTTP/1.0 201 Created\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
            "Connection: keep-alive\r\n\r\n");
  Response empty;
  empty.status = 204;
  EXPECT_EQ(internal::SerializeResponseHead(empty, 11, /*keep_alive=*/false),
            "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
}

RequestLimits Limits(size_t header = 64 * 1024, size_t body = 1024 * 1024) {
  return RequestLimits{.max_header_bytes = header, .max_body_bytes = body};
}

TEST(ParseRequestTest, ParsesFormPostIntoParams) {
  std::string raw =
      "POST /api/v1/query?time=1 HTTP/1.1\r\nHost: x\r\n"
      "Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n"
      "Content-Length: 22\r\n\r\nquery=up&match[]=a%2Bb";
  auto parsed = ParseRequest(raw.substr(0, raw.size() - 1), Limits());
  EXPECT_TRUE(parsed.incomplete);
  parsed = ParseRequest(raw, Limits());
  ASSERT_TRUE(parsed.request.has_value()) << parsed.error.message;
  EXPECT_EQ(parsed.consumed, raw.size());
  EXPECT_TRUE(parsed.keep_alive);
  const Request& r = *parsed.request;
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.path, "/api/v1/query");
  EXPECT_EQ(r.Param("time"), "1");
  EXPECT_EQ(r.Param("query"), "up");
  EXPECT_EQ(r.Params("match[]"), (std::vector<std::string_view>{"a+b"}));
}

TEST(ParseRequestTest, StopsAtTheEndOfTheFirstPipelinedRequest) {
  std::string first = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n";
  std::string second = "GET /b HTTP/1.1\r\nHost: x\r\n\r\n";
  auto parsed = ParseRequest(first + second, Limits());
  ASSERT_TRUE(parsed.request.has_value());
  EXPECT_EQ(parsed.request->path, "/a");
  EXPECT_EQ(parsed.consumed, first.size());
}

TEST(ParseRequestTest, DecodesChunkedBody) {
  std::string raw =
      "POST /w HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
  auto parsed = ParseRequest(raw, Limits());
  ASSERT_TRUE(parsed.request.has_value()) << parsed.error.message;
  EXPECT_EQ(parsed.request->body, "hello world");
}

TEST(ParseRequestTest, DecodesContentEncodings) {
  for (std::string encoding : {"gzip", "snappy", "identity"}) {
    SCOPED_TRACE(encoding);
    std::string payload(5000, 'z');
    std::string body = encoding == "gzip"     ? GzipCompress(payload)
                       : encoding == "snappy" ? SnappyCompress(payload)
                                              : payload;
    std::string raw = "POST /w HTTP/1.1\r\nHost: x\r\nContent-Encoding: " + encoding +
                      "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    auto parsed = ParseRequest(raw, Limits());
    ASSERT_TRUE(parsed.request.has_value()) << parsed.error.message;
    EXPECT_EQ(parsed.request->body, payload);
  }
}

struct ErrorCase {
  std::string name;
  std::string raw;
  int status;
  std::string_view reason;
};

TEST(ParseRequestTest, MapsBadInputToHttpErrors) {
  std::string big_header = "GET / HTTP/1.1\r\nX-Big: " + std::string(2000, 'a') + "\r\n\r\n";
  std::string bomb = GzipCompress(std::string(100000, '\0'));
  std::vector<ErrorCase> cases = {
      {"garbage", "\x16\x03\x01 hello\r\n\r\n", 400, "malformed"},
      {"bad version", "GET / HTTP/2.0\r\n\r\n", 400, "malformed"},
      {"bad content-length", "POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n", 400, "malformed"},
      {"header too large", big_header, 431, "header_too_large"},
      {"declared body too large", "POST / HTTP/1.1\r\nContent-Length: 5000\r\n\r\n", 413,
       "body_too_large"},
      {"chunked body too large",
       "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1000\r\n" + std::string(4096, 'a') +
           "\r\n0\r\n\r\n",
       413, "body_too_large"},
      {"zip bomb",
       "POST / HTTP/1.1\r\nContent-Encoding: gzip\r\nContent-Length: " +
           std::to_string(bomb.size()) + "\r\n\r\n" + bomb,
       413, "body_too_large"},
      {"corrupt gzip", "POST / HTTP/1.1\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\nabcd",
       400, "bad_encoding"},
      {"unknown encoding",
       "POST / HTTP/1.1\r\nContent-Encoding: br\r\nContent-Length: 4\r\n\r\nabcd", 415,
       "unsupported_encoding"},
      {"transfer coding other than chunked",
       "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\nabcd", 501, "malformed"},
      {"smuggling: both lengths",
       "POST / HTTP/1.1\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400,
       "malformed"},
      {"bad escape in target", "GET /a%zz HTTP/1.1\r\n\r\n", 400, "malformed"},
      {"bad escape in form",
       "POST / HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
       "Content-Length: 3\r\n\r\na=%",
       400, "malformed"},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.name);
    auto parsed = ParseRequest(c.raw, Limits(/*header=*/1024, /*body=*/4000));
    ASSERT_FALSE(parsed.request.has_value());
    ASSERT_FALSE(parsed.incomplete);
    EXPECT_EQ(parsed.error.status, c.status) << parsed.error.message;
    EXPECT_EQ(parsed.error.reason, c.reason);
  }
}

TEST(RequestReaderTest, ReportsHeaderDoneBeforeTheBodyArrives) {
  RequestReader reader(Limits());
  std::string header =
      "PUT /x HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n";
  EXPECT_EQ(reader.Feed(header.substr(0, 10)), 0u);
  EXPECT_EQ(reader.state(), RequestReader::State::kNeedMore);
  EXPECT_EQ(reader.Feed(header), header.size());
  ASSERT_EQ(reader.state(), RequestReader::State::kHeaderDone);
  EXPECT_TRUE(reader.expects_continue());
  EXPECT_EQ(reader.Feed("ab"), 2u);
  EXPECT_EQ(reader.state(), RequestReader::State::kNeedMore);
  EXPECT_EQ(reader.Feed("cGET"), 1u);
  ASSERT_EQ(reader.state(), RequestReader::State::kComplete);
  Request r;
  reader.TakeRequest(r);
  EXPECT_EQ(r.body, "abc");
  EXPECT_EQ(r.Header("host"), "x");
}

TEST(RequestReaderTest, Http10ClosesUnlessKeepAliveAsked) {
  auto parsed = ParseRequest("GET / HTTP/1.0\r\n\r\n", Limits());
  ASSERT_TRUE(parsed.request.has_value());
  EXPECT_FALSE(parsed.keep_alive);
  parsed = ParseRequest("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", Limits());
  EXPECT_TRUE(parsed.keep_alive);
  parsed = ParseRequest("GET / HTTP/1.1\r\nConnection: close\r\n\r\n", Limits());
  EXPECT_FALSE(parsed.keep_alive);
}

}  // namespace
}  // namespace osprey::http
