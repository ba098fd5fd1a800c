// The scrape views of the HTTP API: /api/v1/targets, /api/v1/targets/metadata and
// /api/v1/metadata, in Prometheus's JSON shapes, read from the scrape manager.
#pragma once

#include "http/router.h"
#include "scrape/manager.h"

namespace osprey::server {

// `manager` must outlive the routes.
void RegisterScrapeRoutes(http::Router& router, const scrape::Manager& manager);

}  // namespace osprey::server
