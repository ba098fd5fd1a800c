// HTTP endpoints over the metric store: remote_write and text import (writes), series,
// label names and values, export (reads), and TSDB status. Handlers read through
// storage::Queryable and write through the ingesters, so they do not know tsdb.
#pragma once

#include <functional>

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
};

// Registers the routes. `api` and everything it refers to must outlive the router's use.
void RegisterStorageRoutes(http::Router& router, const StorageApi& api);

}  // namespace osprey::server
