// Prettify() must lay queries out exactly as Prometheus's Pretty() (format_query).
// Most inputs mirror cases in Prometheus's prettier_test.go.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "promql/parser.h"
#include "promql/printer.h"

namespace osprey::promql {
namespace {

struct PrettyCase {
  size_t max_line_length;
  std::string input;
  std::string want;
};

TEST(PrinterTest, PrettifySplitsLongNodes) {
  std::vector<PrettyCase> cases = {
      {10, R"(sum(foo))", R"(sum(foo))"},
      {10, R"(sum by() (task:errors:rate10s{job="s"}))",
       R"(sum(
  task:errors:rate10s{job="s"}
))"},
      {10, R"(sum without(job,foo) (task:errors:rate10s{job="s"}))",
       R"(sum without (job, foo) (
  task:errors:rate10s{job="s"}
))"},
      {10, R"(sum(task:errors:rate10s{job="s"}) without(job,foo))",
       R"(sum without (job, foo) (
  task:errors:rate10s{job="s"}
))"},
      {10, R"(sum by(job,foo) (task:errors:rate10s{job="s"}))",
       R"(sum by (job, foo) (
  task:errors:rate10s{job="s"}
))"},
      {10, R"(sum (task:errors:rate10s{job="s"}) by(job,foo))",
       R"(sum by (job, foo) (
  task:errors:rate10s{job="s"}
))"},
      {10, R"(topk(10, ask:errors:rate10s{job="s"}))",
       R"(topk(
  10,
  ask:errors:rate10s{job="s"}
))"},
      {10, R"(sum by(job,foo) (sum by(job,foo) (task:errors:rate10s{job="s"})))",
       R"(sum by (job, foo) (
  sum by (job, foo) (
    task:errors:rate10s{job="s"}
  )
))"},
      {10, R"(sum by(job,foo) (sum by(job,foo) (sum by(job,foo) (task:errors:rate10s{job="s"}))))",
       R"(sum by (job, foo) (
  sum by (job, foo) (
    sum by (job, foo) (
      task:errors:rate10s{job="s"}
    )
  )
))"},
      {10, R"(sum by(job,foo)
(sum by(job,foo) (task:errors:rate10s{job="s"})))",
       R"(sum by (job, foo) (
  sum by (job, foo) (
    task:errors:rate10s{job="s"}
  )
))"},
      {10, R"(sum by(job,foo)
(sum(task:errors:rate10s{job="s"}) without(job,foo)))",
       R"(sum by (job, foo) (
  sum without (job, foo) (
    task:errors:rate10s{job="s"}
  )
))"},
      {10, R"(sum by(job,foo) # Comment 1.
(sum by(job,foo) ( # Comment 2.
task:errors:rate10s{job="s"})))",
       R"(sum by (job, foo) (
  sum by (job, foo) (
    task:errors:rate10s{job="s"}
  )
))"},
      {10, R"(a+b)", R"(a + b)"},
      {10, R"(a == bool 1)",
       R"(  a
== bool
  1)"},
      {10, R"(a + ignoring(job) b)",
       R"(  a
+ ignoring (job)
  b)"},
      {10, R"(foo_1 + foo_2)",
       R"(  foo_1
+
  foo_2)"},
      {10, R"(foo_1 + foo_2 + foo_3)",
       R"(    foo_1
  +
    foo_2
+
  foo_3)"},
      {10, R"(foo + baar + foo_3)",
       R"(  foo + baar
+
  foo_3)"},
      {10, R"(foo_1 + foo_2 + foo_3 + foo_4)",
       R"(      foo_1
    +
      foo_2
  +
    foo_3
+
  foo_4)"},
      {10,
       R"(foo_1 + ignoring(foo) foo_2 + ignoring(job) group_left foo_3 + on(instance) group_right foo_4)",
       R"(      foo_1
    + ignoring (foo)
      foo_2
  + ignoring (job) group_left ()
    foo_3
+ on (instance) group_right ()
  foo_4)"},
      {10, R"(rate(foo[1m]))",
       R"(rate(
  foo[1m]
))"},
      {10, R"(sum_over_time(foo[1m]))",
       R"(sum_over_time(
  foo[1m]
))"},
      {10, R"(rate(long_vector_selector[10m:1m] @ start() offset 1m))",
       R"(rate(
  long_vector_selector[10m:1m] @ start() offset 1m
))"},
      {10, R"(histogram_quantile(0.9, rate(foo[1m])))",
       R"(histogram_quantile(
  0.9,
  rate(
    foo[1m]
  )
))"},
      {10,
       R"(max_over_time(rate(demo_api_request_duration_seconds_count[1m])[1m:] @ start() offset 1m))",
       R"(max_over_time(
  rate(
    demo_api_request_duration_seconds_count[1m]
  )[1m:] @ start() offset 1m
))"},
      {10,
       R"(label_replace(up{job="api-server",service="a:c"}, "foo", "$1", "service", "(.*):.*"))",
       R"(label_replace(
  up{job="api-server",service="a:c"},
  "foo",
  "$1",
  "service",
  "(.*):.*"
))"},
      {10,
       R"(label_replace(label_replace(up{job="api-server",service="a:c"}, "foo", "$1", "service", "(.*):.*"), "foo", "$1", "service", "(.*):.*"))",
       R"(label_replace(
  label_replace(
    up{job="api-server",service="a:c"},
    "foo",
    "$1",
    "service",
    "(.*):.*"
  ),
  "foo",
  "$1",
  "service",
  "(.*):.*"
))"},
      {10, R"((foo))", R"((foo))"},
      {10, R"((_foo_long_))",
       R"((
  _foo_long_
))"},
      {10, R"(((foo_long)))",
       R"((
  (foo_long)
))"},
      {10, R"(((_foo_long_)))",
       R"((
  (
    _foo_long_
  )
))"},
      {10, R"((((foo_long))))",
       R"((
  (
    (foo_long)
  )
))"},
      {10, R"(a @ 1)", R"(a @ 1.000)"},
      {10, R"(a @ start())", R"(a @ start())"},
      {10, R"(vector_selector @ start())", R"(vector_selector @ start())"},
      {10, R"((1 + 2))", R"((1 + 2))"},
      {10, R"((foo + bar))",
       R"((
  foo + bar
))"},
      {10, R"((foo_long + bar_long))",
       R"((
    foo_long
  +
    bar_long
))"},
      {10, R"((foo_long + bar_long + bar_2_long))",
       R"((
      foo_long
    +
      bar_long
  +
    bar_2_long
))"},
      {10, R"(((foo_long + bar_long) + bar_2_long))",
       R"((
    (
        foo_long
      +
        bar_long
    )
  +
    bar_2_long
))"},
      {10, R"((1111 + 2222))",
       R"((
    1111
  +
    2222
))"},
      {10, R"((sum_over_time(foo[1m])))",
       R"((
  sum_over_time(
    foo[1m]
  )
))"},
      {10, R"(histogram_quantile(0.9, rate(foo[1m] @ start())))",
       R"(histogram_quantile(
  0.9,
  rate(
    foo[1m] @ start()
  )
))"},
      {10,
       R"((label_replace(up{job="api-server",service="a:c"}, "foo", "$1", "service", "(.*):.*")))",
       R"((
  label_replace(
    up{job="api-server",service="a:c"},
    "foo",
    "$1",
    "service",
    "(.*):.*"
  )
))"},
      {10,
       R"((label_replace(label_replace(up{job="api-server",service="a:c"}, "foo", "$1", "service", "(.*):.*"), "foo", "$1", "service", "(.*):.*")))",
       R"((
  label_replace(
    label_replace(
      up{job="api-server",service="a:c"},
      "foo",
      "$1",
      "service",
      "(.*):.*"
    ),
    "foo",
    "$1",
    "service",
    "(.*):.*"
  )
))"},
      {10,
       R"((label_replace(label_replace((up{job="api-server",service="a:c"}), "foo", "$1", "service", "(.*):.*"), "foo", "$1", "service", "(.*):.*")))",
       R"((
  label_replace(
    label_replace(
      (
        up{job="api-server",service="a:c"}
      ),
      "foo",
      "$1",
      "service",
      "(.*):.*"
    ),
    "foo",
    "$1",
    "service",
    "(.*):.*"
  )
))"},
      {10,
       R"((node_filesystem_avail_bytes{job="node",fstype!=""} / node_filesystem_size_bytes{job="node",fstype!=""} * 100 < 40 and predict_linear(node_filesystem_avail_bytes{job="node",fstype!=""}[6h], 24*60*60) < 0 and node_filesystem_readonly{job="node",fstype!=""} == 0))",
       R"((
            node_filesystem_avail_bytes{fstype!="",job="node"}
          /
            node_filesystem_size_bytes{fstype!="",job="node"}
        *
          100
      <
        40
    and
        predict_linear(
          node_filesystem_avail_bytes{fstype!="",job="node"}[6h],
            24 * 60
          *
            60
        )
      <
        0
  and
      node_filesystem_readonly{fstype!="",job="node"}
    ==
      0
))"},
      {10,
       R"((node_filesystem_avail_bytes{job="node",fstype!=""} / node_filesystem_size_bytes{job="node",fstype!=""} * 100 < 20 and predict_linear(node_filesystem_avail_bytes{job="node",fstype!=""}[6h], 4*60*60) < 0 and node_filesystem_readonly{job="node",fstype!=""} == 0))",
       R"((
            node_filesystem_avail_bytes{fstype!="",job="node"}
          /
            node_filesystem_size_bytes{fstype!="",job="node"}
        *
          100
      <
        20
    and
        predict_linear(
          node_filesystem_avail_bytes{fstype!="",job="node"}[6h],
            4 * 60
          *
            60
        )
      <
        0
  and
      node_filesystem_readonly{fstype!="",job="node"}
    ==
      0
))"},
      {10,
       R"((node_timex_offset_seconds > 0.05 and deriv(node_timex_offset_seconds[5m]) >= 0) or (node_timex_offset_seconds < -0.05 and deriv(node_timex_offset_seconds[5m]) <= 0))",
       R"(  (
        node_timex_offset_seconds
      >
        0.05
    and
        deriv(
          node_timex_offset_seconds[5m]
        )
      >=
        0
  )
or
  (
        node_timex_offset_seconds
      <
        -0.05
    and
        deriv(
          node_timex_offset_seconds[5m]
        )
      <=
        0
  ))"},
      {10,
       R"(1 - ((node_memory_MemAvailable_bytes{job="node"} or (node_memory_Buffers_bytes{job="node"} + node_memory_Cached_bytes{job="node"} + node_memory_MemFree_bytes{job="node"} + node_memory_Slab_bytes{job="node"}) ) / node_memory_MemTotal_bytes{job="node"}))",
       R"(  1
-
  (
      (
          node_memory_MemAvailable_bytes{job="node"}
        or
          (
                  node_memory_Buffers_bytes{job="node"}
                +
                  node_memory_Cached_bytes{job="node"}
              +
                node_memory_MemFree_bytes{job="node"}
            +
              node_memory_Slab_bytes{job="node"}
          )
      )
    /
      node_memory_MemTotal_bytes{job="node"}
  ))"},
      {10,
       R"(min by (job, integration) (rate(alertmanager_notifications_failed_total{job="alertmanager", integration=~".*"}[5m]) / rate(alertmanager_notifications_total{job="alertmanager", integration="~.*"}[5m])) > 0.01)",
       R"(  min by (job, integration) (
      rate(
        alertmanager_notifications_failed_total{integration=~".*",job="alertmanager"}[5m]
      )
    /
      rate(
        alertmanager_notifications_total{integration="~.*",job="alertmanager"}[5m]
      )
  )
>
  0.01)"},
      {10,
       R"((count by (job) (changes(process_start_time_seconds{job="alertmanager"}[10m]) > 4) / count by (job) (up{job="alertmanager"})) >= 0.5)",
       R"(  (
      count by (job) (
          changes(
            process_start_time_seconds{job="alertmanager"}[10m]
          )
        >
          4
      )
    /
      count by (job) (
        up{job="alertmanager"}
      )
  )
>=
  0.5)"},
      {10, R"(-1)", R"(-1)"},
      {10, R"(-vector_selector)", R"(-vector_selector)"},
      {10, R"((-vector_selector))",
       R"((
  -vector_selector
))"},
      {10, R"(-histogram_quantile(0.9,rate(foo[1m])))",
       R"(-histogram_quantile(
  0.9,
  rate(
    foo[1m]
  )
))"},
      {10, R"(-histogram_quantile(0.99, sum by (le) (rate(foo[1m]))))",
       R"(-histogram_quantile(
  0.99,
  sum by (le) (
    rate(
      foo[1m]
    )
  )
))"},
      {10, R"(-histogram_quantile(0.9, -rate(foo[1m] @ start())))",
       R"(-histogram_quantile(
  0.9,
  -rate(
    foo[1m] @ start()
  )
))"},
      {10, R"((-histogram_quantile(0.9, -rate(foo[1m] @ start()))))",
       R"((
  -histogram_quantile(
    0.9,
    -rate(
      foo[1m] @ start()
    )
  )
))"},
      {10, R"(rate(foo[2*1h]))",
       R"(rate(
  foo[2 * 1h]
))"},
      {10, R"(rate(foo[2*1h]))",
       R"(rate(
  foo[2 * 1h]
))"},
      {10, R"(rate(foo[-5m+35m]))",
       R"(rate(
  foo[-5m + 35m]
))"},
  };
  for (const PrettyCase& c : cases) {
    SCOPED_TRACE(c.input);
    Result<ExprPtr> r = ParseExpr(c.input);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(Prettify(**r, c.max_line_length), c.want);
  }
}

TEST(PrinterTest, PrettifyKeepsShortQueriesOnOneLine) {
  Result<ExprPtr> r = ParseExpr("sum   by(job)(rate(x[5m]))");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Prettify(**r), "sum by (job) (rate(x[5m]))");
}

}  // namespace
}  // namespace osprey::promql
