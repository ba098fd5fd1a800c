// Hot paths of the HTTP layer: routing a request and gzipping a response.
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "http/compression.h"
#include "http/router.h"

namespace osprey::http {
namespace {

// Roughly the routes Osprey serves.
Router PrometheusLikeRouter() {
  Router router;
  auto ok = [](const Request&) { return Response(); };
  for (std::string p : {"/api/v1/query",
                        "/api/v1/query_range",
                        "/api/v1/query_exemplars",
                        "/api/v1/series",
                        "/api/v1/labels",
                        "/api/v1/label/:name/values",
                        "/api/v1/metadata",
                        "/api/v1/targets",
                        "/api/v1/rules",
                        "/api/v1/alerts",
                        "/api/v1/status/config",
                        "/api/v1/status/flags",
                        "/api/v1/status/buildinfo",
                        "/api/v1/status/runtimeinfo",
                        "/api/v1/status/tsdb",
                        "/api/v1/format_query",
                        "/api/v2/alerts",
                        "/api/v2/alerts/groups",
                        "/api/v2/silences",
                        "/api/v2/silence/:id",
                        "/api/v2/status",
                        "/api/v2/receivers",
                        "/loki/api/v1/query",
                        "/loki/api/v1/query_range",
                        "/loki/api/v1/labels",
                        "/loki/api/v1/label/:name/values",
                        "/api/services",
                        "/api/traces",
                        "/api/traces/:id",
                        "/metrics",
                        "/-/healthy",
                        "/-/ready",
                        "/static/*path"}) {
    router.Handle("GET", p, ok);
  }
  for (std::string p :
       {"/api/v1/write", "/api/v1/query", "/v1/metrics", "/loki/api/v1/push", "/-/reload"}) {
    router.Handle("POST", p, ok);
  }
  return router;
}

void BM_RouterDispatch(benchmark::State& state) {
  Router router = PrometheusLikeRouter();
  std::vector<Request> requests(4);
  const char* targets[] = {"/api/v1/query_range?query=up", "/api/v1/label/job/values",
                           "/static/js/main.1234.js", "/api/v2/silence/abc-123"};
  for (size_t i = 0; i < requests.size(); ++i) {
    requests[i].method = "GET";
    requests[i].target = targets[i];
    (void)ParseTarget(requests[i].target, requests[i]);
  }
  size_t i = 0;
  for (auto _ : state) {
    Request& r = requests[i++ % requests.size()];
    Response resp = router.Dispatch(r);
    benchmark::DoNotOptimize(resp);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RouterDispatch);

// JSON-like text, about as compressible as a query response.
std::string QueryResponseLike(size_t n) {
  std::mt19937 rng(42);
  std::string out;
  while (out.size() < n) {
    out += R"({"metric":{"__name__":"http_requests_total","job":"api","instance":"10.0.0.)";
    out += std::to_string(rng() % 256);
    out += R"(:9100"},"value":[1700000000.123,")" + std::to_string(rng() % 100000) + "\"]},";
  }
  out.resize(n);
  return out;
}

void BM_GzipCompress(benchmark::State& state) {
  std::string data = QueryResponseLike(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    std::string gz = GzipCompress(data, 1);
    benchmark::DoNotOptimize(gz);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(data.size()));
}
BENCHMARK(BM_GzipCompress)->Arg(64 * 1024);

void BM_GzipDecompress(benchmark::State& state) {
  std::string gz = GzipCompress(QueryResponseLike(static_cast<size_t>(state.range(0))), 1);
  for (auto _ : state) {
    auto out = Decompress("gzip", gz, 1 << 30);
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_GzipDecompress)->Arg(64 * 1024);

}  // namespace
}  // namespace osprey::http
