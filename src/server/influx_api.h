// HTTP endpoints for InfluxDB line protocol writers (Telegraf's `influxdb` and `influxdb_v2`
// outputs, InfluxDB client libraries), over ingest::InfluxIngester:
//
//   POST /write           InfluxDB 1.x: ?db= (-> label `db`), ?precision=n|u|ms|s|m|h
//   POST /api/v2/write    InfluxDB 2.x: ?precision=ns|us|ms|s; ?org= and ?bucket= ignored
//   GET|HEAD /ping        204 (clients probe it), X-Influxdb-Version header
//   GET /health           200 {"name":"osprey","status":"pass",...} (InfluxDB 2's shape)
//
// Both write endpoints accept every precision spelling. Answers: 204 when everything was
// written; 400 with {"code":"invalid","message":"partial write: line 2, column 5: ..."} when
// lines or samples were rejected (the rest is written, as InfluxDB 2's partial writes) or the
// precision is unknown; 503 {"code":"unavailable",...} when the storage commit failed
// (nothing written; Telegraf retries). The body also has "error" with the same message,
// which is where InfluxDB 1.x clients look. Gzip bodies are decoded by the HTTP server.
#pragma once

#include "base/clock.h"
#include "http/router.h"
#include "ingest/ingest_metrics.h"
#include "metrics/registry.h"
#include "storage/metrics.h"

namespace osprey::server {

// Registers the routes. Creates the InfluxIngester they share (owned by the handlers) and
// registers its metrics on `registry`: call once per registry. `appendable`, `metrics`,
// `registry` and `clock` must outlive the router.
void RegisterInfluxRoutes(http::Router& router, storage::Appendable& appendable,
                          ingest::IngestMetrics& metrics, metrics::Registry& registry,
                          const Clock& clock);

}  // namespace osprey::server
