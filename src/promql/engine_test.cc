#include "promql/engine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "storage/mem_storage.h"

namespace osprey::promql {
namespace {

using ::testing::HasSubstr;

class EngineTest : public ::testing::Test {
 protected:
  // Adds `n` samples of `labels` at t = 0, step, 2*step, ... with values start + i*inc.
  void Load(std::initializer_list<std::string_view> labels, int n, int64_t step, double start,
            double inc) {
    auto app = db_.NewAppender();
    model::Labels l = model::Labels::FromStrings(labels);
    for (int i = 0; i < n; ++i) {
      ASSERT_TRUE(app->Append(storage::kNoRef, l, {.t = i * step, .v = start + i * inc}).ok());
    }
    ASSERT_TRUE(app->Commit().ok());
  }
  void AppendOne(std::initializer_list<std::string_view> labels, int64_t t, double v) {
    auto app = db_.NewAppender();
    ASSERT_TRUE(
        app->Append(storage::kNoRef, model::Labels::FromStrings(labels), {.t = t, .v = v}).ok());
    ASSERT_TRUE(app->Commit().ok());
  }

  QueryResult Instant(std::string_view q, int64_t t) {
    Result<QueryResult> r = engine_.Instant(db_, q, t);
    EXPECT_TRUE(r.ok()) << q << ": " << r.status().ToString();
    return r.ok() ? std::move(*r) : QueryResult{};
  }

  storage::MemStorage db_;
  Engine engine_;
};

TEST_F(EngineTest, InstantSelectorUsesLookbackAndIsLeftOpen) {
  Load({"__name__", "up", "job", "a"}, 1, 0, 1, 0);  // one sample at t=0
  EXPECT_EQ(Instant("up", 0).vector.size(), 1u);
  EXPECT_EQ(Instant("up", 299'999).vector.size(), 1u);
  // At exactly t + 5m the sample is outside (t-5m, t].
  EXPECT_EQ(Instant("up", 300'000).vector.size(), 0u);
  EXPECT_EQ(Instant("up", -1).vector.size(), 0u);
}

TEST_F(EngineTest, StaleMarkerEndsSeries) {
  AppendOne({"__name__", "x"}, 0, 1);
  AppendOne({"__name__", "x"}, 10'000, model::StaleNaN());
  EXPECT_EQ(Instant("x", 5'000).vector.size(), 1u);
  EXPECT_EQ(Instant("x", 10'000).vector.size(), 0u);
}

TEST_F(EngineTest, ScalarArithmeticAndComparison) {
  QueryResult r = Instant("1 + 2 * 3", 0);
  EXPECT_EQ(r.type, ValueType::kScalar);
  EXPECT_EQ(r.scalar, 7);
  EXPECT_EQ(Instant("2 > bool 1", 0).scalar, 1);
  EXPECT_EQ(Instant("\"hello\"", 0).string, "hello");
}

TEST_F(EngineTest, VectorScalarDropsNameForArithmeticOnly) {
  Load({"__name__", "m", "i", "1"}, 1, 0, 10, 0);
  Load({"__name__", "m", "i", "2"}, 1, 0, 20, 0);
  QueryResult r = Instant("m * 2", 0);
  ASSERT_EQ(r.vector.size(), 2u);
  EXPECT_FALSE(r.vector[0].labels.Has("__name__"));
  r = Instant("m > 15", 0);
  ASSERT_EQ(r.vector.size(), 1u);
  EXPECT_EQ(r.vector[0].labels.Get("__name__"), "m");
  EXPECT_EQ(r.vector[0].v, 20);
  r = Instant("15 < m", 0);  // scalar on the left keeps the vector's value
  ASSERT_EQ(r.vector.size(), 1u);
  EXPECT_EQ(r.vector[0].v, 20);
}

TEST_F(EngineTest, VectorMatchingOneToOneAndGroupLeft) {
  Load({"__name__", "a", "job", "x", "i", "1"}, 1, 0, 6, 0);
  Load({"__name__", "a", "job", "x", "i", "2"}, 1, 0, 8, 0);
  Load({"__name__", "b", "job", "x"}, 1, 0, 2, 0);
  EXPECT_TRUE(Instant("a / b", 0).vector.empty());  // label sets differ
  QueryResult r = Instant("a / on(job) group_left b", 0);
  ASSERT_EQ(r.vector.size(), 2u);
  double sum = r.vector[0].v + r.vector[1].v;
  EXPECT_EQ(sum, 7);
  Result<QueryResult> bad = engine_.Instant(db_, "a / on(job) b", 0);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(bad.status().message(), HasSubstr("multiple matches for labels"));
}

TEST_F(EngineTest, SetOperators) {
  Load({"__name__", "a", "i", "1"}, 1, 0, 1, 0);
  Load({"__name__", "a", "i", "2"}, 1, 0, 2, 0);
  Load({"__name__", "b", "i", "2"}, 1, 0, 3, 0);
  EXPECT_EQ(Instant("a and b", 0).vector.size(), 1u);
  EXPECT_EQ(Instant("a unless b", 0).vector.size(), 1u);
  EXPECT_EQ(Instant("a or b", 0).vector.size(), 2u);
  EXPECT_EQ(Instant("b or a", 0).vector.size(), 2u);
}

TEST_F(EngineTest, AggregationsByAndWithout) {
  Load({"__name__", "m", "job", "a", "i", "1"}, 1, 0, 1, 0);
  Load({"__name__", "m", "job", "a", "i", "2"}, 1, 0, 3, 0);
  Load({"__name__", "m", "job", "b", "i", "1"}, 1, 0, 10, 0);
  QueryResult r = Instant("sum by (job) (m)", 0);
  ASSERT_EQ(r.vector.size(), 2u);
  for (const VectorSample& s : r.vector) {
    EXPECT_EQ(s.v, s.labels.Get("job") == "a" ? 4 : 10);
    EXPECT_EQ(s.labels.size(), 1u);
  }
  r = Instant("avg without (i) (m)", 0);
  ASSERT_EQ(r.vector.size(), 2u);
  EXPECT_EQ(Instant("count(m)", 0).vector[0].v, 3);
  EXPECT_EQ(Instant("max(m)", 0).vector[0].v, 10);
  EXPECT_NEAR(Instant("stddev(m)", 0).vector[0].v, std::sqrt(134.0 / 9), 1e-9);
  r = Instant("topk(2, m)", 0);
  ASSERT_EQ(r.vector.size(), 2u);
  EXPECT_EQ(r.vector[0].v, 10);
  EXPECT_EQ(r.vector[1].v, 3);
  r = Instant("count_values(\"val\", m)", 0);
  EXPECT_EQ(r.vector.size(), 3u);
}

TEST_F(EngineTest, RangeQueryProducesSortedMatrixAtSteps) {
  Load({"__name__", "m", "i", "2"}, 10, 60'000, 0, 1);
  Load({"__name__", "m", "i", "1"}, 10, 60'000, 0, 2);
  Result<QueryResult> r = engine_.Range(db_, "m", 0, 540'000, 180'000);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->matrix.size(), 2u);
  EXPECT_EQ(r->matrix[0].labels.Get("i"), "1");
  ASSERT_EQ(r->matrix[0].points.size(), 4u);
  EXPECT_EQ(r->matrix[0].points[3], (FPoint{540'000, 18}));
  Result<QueryResult> bad = engine_.Range(db_, "m[5m]", 0, 60'000, 1000);
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("invalid expression type \"range vector\""));
}

TEST_F(EngineTest, MatrixSelectorAndSubqueryAsInstantResults) {
  Load({"__name__", "m"}, 10, 60'000, 0, 1);
  QueryResult r = Instant("m[3m]", 540'000);
  ASSERT_EQ(r.type, ValueType::kMatrix);
  ASSERT_EQ(r.matrix.size(), 1u);
  EXPECT_EQ(r.matrix[0].points.size(), 3u);  // (360s, 540s]
  r = Instant("m[4m:2m]", 540'000);
  ASSERT_EQ(r.matrix.size(), 1u);
  ASSERT_EQ(r.matrix[0].points.size(), 2u);  // steps aligned to 2m: 360s, 480s
  EXPECT_EQ(r.matrix[0].points[0], (FPoint{360'000, 6}));
}

TEST_F(EngineTest, OffsetAndAtModifiers) {
  Load({"__name__", "m"}, 10, 60'000, 0, 1);
  EXPECT_EQ(Instant("m offset 2m", 540'000).vector[0].v, 7);
  EXPECT_EQ(Instant("m @ 120", 540'000).vector[0].v, 2);
  EXPECT_EQ(Instant("m offset -1m", 480'000).vector[0].v, 9);
}

TEST_F(EngineTest, AbsentAndScalar) {
  Load({"__name__", "m", "job", "a"}, 1, 0, 5, 0);
  EXPECT_TRUE(Instant("absent(m)", 0).vector.empty());
  QueryResult r = Instant("absent(nope{job=\"x\", i=~\"y\"})", 0);
  ASSERT_EQ(r.vector.size(), 1u);
  EXPECT_EQ(r.vector[0].labels, model::Labels::FromStrings({"job", "x"}));
  EXPECT_EQ(Instant("scalar(m)", 0).scalar, 5);
  EXPECT_TRUE(std::isnan(Instant("scalar(nope)", 0).scalar));
}

TEST_F(EngineTest, MaxSamplesIsEnforced) {
  for (int i = 0; i < 20; ++i) {
    Load({"__name__", "m", "i", std::to_string(i)}, 1, 0, 1, 0);
  }
  Engine small({.max_samples = 10});
  Result<QueryResult> r = small.Instant(db_, "m", 0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(r.status().message(),
            "query processing would load too many samples into memory in query execution");
}

TEST_F(EngineTest, CancelledQueryStops) {
  for (int i = 0; i < 200; ++i) Load({"__name__", "m", "i", std::to_string(i)}, 1, 0, 1, 0);
  std::atomic<bool> cancelled{true};
  Result<QueryResult> r = engine_.Instant(db_, "sum(m)", 0, {.cancelled = &cancelled});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCancelled);
}

TEST_F(EngineTest, GoneClientCancelsQuery) {
  for (int i = 0; i < 200; ++i) Load({"__name__", "m", "i", std::to_string(i)}, 1, 0, 1, 0);
  int calls = 0;
  QueryOptions opts{.client_gone = [&] { return ++calls > 0; }};
  Result<QueryResult> r = engine_.Range(db_, "sum(rate(m[5m]))", 0, 3'600'000, 1000, opts);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCancelled);
  EXPECT_GT(calls, 0);
}

TEST_F(EngineTest, ManySeriesGiveTheSameAnswerOnSeveralThreads) {
  // 400 series x 61 steps is over the threshold for parallel decoding.
  for (int i = 0; i < 400; ++i) {
    Load({"__name__", "c_total", "i", std::to_string(i)}, 61, 60'000, i, 6);  // 0.1/s
  }
  Result<QueryResult> r = engine_.Range(db_, "sum(rate(c_total[5m]))", 600'000, 3'600'000, 60'000);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->matrix.size(), 1u);
  ASSERT_EQ(r->matrix[0].points.size(), 51u);
  for (const FPoint& p : r->matrix[0].points) EXPECT_NEAR(p.v, 40, 1e-9) << p.t;
  r = engine_.Range(db_, "count(c_total)", 0, 3'600'000, 60'000);
  ASSERT_TRUE(r.ok());
  for (const FPoint& p : r->matrix[0].points) EXPECT_EQ(p.v, 400) << p.t;
}

TEST_F(EngineTest, ParseErrorsAreInvalidArgument) {
  Result<QueryResult> r = engine_.Instant(db_, "sum(", 0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("parse error"));
}

}  // namespace
}  // namespace osprey::promql
