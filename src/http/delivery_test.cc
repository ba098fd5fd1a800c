#include "http/delivery.h"

#include <gtest/gtest.h>

#include <string>

namespace osprey::http {
namespace {

Result<ClientResponse> Response(int status, std::string body = "") {
  ClientResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

TEST(RedactUrlTest, DropsUserInfoQueryAndFragment) {
  EXPECT_EQ(RedactUrl("https://user:pw@h.example.com:8443/p/a?token=x#f"),
            "https://h.example.com:8443/p/a");
  EXPECT_EQ(RedactUrl("http://h/p@q"), "http://h/p@q");  // an @ in the path is not user info
  EXPECT_EQ(RedactUrl("https://h.example.com"), "https://h.example.com");
  EXPECT_EQ(RedactUrl("not a url?secret"), "not a url");
  EXPECT_EQ(RedactUrl(""), "");
}

TEST(RedactUrlTest, SecretUrlsKeepOnlySchemeAndHost) {
  EXPECT_EQ(RedactSecretUrl("https://hooks.slack.com/services/T000/B000/XXXX"),
            "https://hooks.slack.com/<secret>");
  EXPECT_EQ(RedactSecretUrl("https://u:pw@h.example.com:8443?token=x"),
            "https://h.example.com:8443/<secret>");
  EXPECT_EQ(RedactSecretUrl("https://h.example.com/"), "https://h.example.com");
  EXPECT_EQ(RedactSecretUrl("https://h.example.com"), "https://h.example.com");
  EXPECT_EQ(RedactSecretUrl("not a url"), "<secret>");
  EXPECT_EQ(RedactSecretUrl(""), "");
}

TEST(JudgeDeliveryTest, TwoHundredsAreOk) {
  for (int status : {200, 201, 202, 204, 299}) {
    SCOPED_TRACE(status);
    DeliveryOutcome o = JudgeDelivery("webhook", "http://h/x", "http://h/x", Response(status));
    EXPECT_TRUE(o.status.ok()) << o.status.ToString();
    EXPECT_FALSE(o.retryable);
  }
}

TEST(JudgeDeliveryTest, RefusalNamesStatusUrlAndBody) {
  DeliveryOutcome o = JudgeDelivery("webhook to http://h/x", "http://h/x?k=s3cret", "http://h/x",
                                    Response(400, "bad \"field\"\n"));
  EXPECT_EQ(o.status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(o.status.message(),
            "webhook to http://h/x: unexpected status code 400 from http://h/x: bad "
            "\\\"field\\\"\\n");
  EXPECT_FALSE(o.retryable);
}

TEST(JudgeDeliveryTest, TooManyRequestsAndServerErrorsAreRetryable) {
  EXPECT_TRUE(JudgeDelivery("sms", "u", "u", Response(429)).retryable);
  EXPECT_TRUE(JudgeDelivery("sms", "u", "u", Response(500)).retryable);
  EXPECT_TRUE(JudgeDelivery("sms", "u", "u", Response(503)).retryable);
  EXPECT_FALSE(JudgeDelivery("sms", "u", "u", Response(404)).retryable);
  EXPECT_FALSE(JudgeDelivery("sms", "u", "u", Response(301)).retryable);
  EXPECT_EQ(JudgeDelivery("sms", "u", "u", Response(500)).status.message(),
            "sms: unexpected status code 500 from u");  // no body, no colon
}

TEST(JudgeDeliveryTest, LongBodyIsCut) {
  const std::string body(1000, 'x');
  DeliveryOutcome o = JudgeDelivery("chat", "u", "u", Response(502, body));
  EXPECT_EQ(o.status.message(), "chat: unexpected status code 502 from u: " +
                                    std::string(kMaxDeliveryErrorBody, 'x') + "...");
}

TEST(JudgeDeliveryTest, NetworkErrorsHideTheRequestUrl) {
  const std::string url = "http://user:pw@127.0.0.1:9/h?token=s3cret";
  DeliveryOutcome o =
      JudgeDelivery("webhook", url, RedactUrl(url),
                    UnavailableError(url + ": Couldn't connect to server (" + url + ")"));
  EXPECT_EQ(o.status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(o.status.message(),
            "webhook: http://127.0.0.1:9/h: Couldn't connect to server (http://127.0.0.1:9/h)");
  EXPECT_TRUE(o.retryable);

  DeliveryOutcome timeout =
      JudgeDelivery("webhook", url, "http://127.0.0.1:9", DeadlineExceededError(url + ": timeout"));
  EXPECT_EQ(timeout.status.code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(timeout.status.message(), "webhook: http://127.0.0.1:9: timeout");
  EXPECT_TRUE(timeout.retryable);
}

TEST(JudgeDeliveryTest, RejectedUrlIsNotRetryable) {
  DeliveryOutcome o =
      JudgeDelivery("webhook", "ftp://h", "ftp://h", InvalidArgumentError("ftp://h: bad scheme"));
  EXPECT_EQ(o.status.code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(o.retryable);
}

}  // namespace
}  // namespace osprey::http
