// HTTP endpoints over the metric store: remote_write and text import (writes), series,
// label names and values, export (reads), TSDB status, and the TSDB admin endpoints
// (delete_series, snapshot, clean_tombstones). Handlers read through storage::Queryable,
// write through the ingesters and reach admin operations through functions, so they do
// not know tsdb's classes.
#pragma once

#include <functional>
#include <span>
#include <string>

#include "base/clock.h"
#include "http/router.h"
#include "ingest/ingest_metrics.h"
#include "ingest/remote_write_ingester.h"
#include "storage/metrics.h"
#include "tsdb/head/head.h"

namespace osprey::server {

struct StorageApi {
  storage::Queryable& queryable;
  storage::Appendable& appendable;
  ingest::RemoteWriteIngester& remote_write;
  ingest::IngestMetrics& ingest_metrics;
  // Head statistics for /api/v1/status/tsdb.
  std::function<tsdb::HeadStats(size_t limit)> head_stats;
  const Clock& clock;

  // /api/v1/admin/tsdb/*: refused ("admin APIs disabled", 503 unavailable, as Prometheus)
  // unless enabled (--web.enable-admin-api) and the function is set.
  bool enable_admin_api = false;
  // Deletes the samples of the series matching every matcher within the range.
  std::function<Status(std::span<const model::Matcher>, model::TimeRange)> delete_series;
  // Writes a snapshot; returns its directory name (under <data>/snapshots/).
  std::function<Result<std::string>(bool with_head)> snapshot;
  std::function<Status()> clean_tombstones;
};

// Registers the routes. `api` and everything it refers to must outlive the router's use.
void RegisterStorageRoutes(http::Router& router, const StorageApi& api);
// The two halves: writes (remote_write receiver, text import), and reads and admin
// (series, labels, export, status/tsdb, admin). Agent mode registers only the writes.
void RegisterStorageWriteRoutes(http::Router& router, const StorageApi& api);
void RegisterStorageReadRoutes(http::Router& router, const StorageApi& api);

}  // namespace osprey::server
