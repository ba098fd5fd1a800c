// End-to-end tests of the TSDB lifecycle through the real binary: the head persisted as
// blocks (with 1-minute blocks), the admin API (delete_series, snapshot,
// clean_tombstones) and its guard flag.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "http/compression.h"
#include "ingest/remote_write_encoder.h"
#include "server/flags.h"
#include "testing/http_client.h"
#include "testing/osprey_process.h"

namespace osprey {
namespace {

using ::testing::HasSubstr;
using testing::HttpDo;
using testing::HttpGet;
using testing::OspreyProcess;
using Json = nlohmann::json;

// 3-minute aligned, so the 1-minute blocks written from it merge into a 3-minute one.
constexpr int64_t kBase = 1'700'000'100'000;

int PostStatus(int port, const std::string& target, std::string* body = nullptr) {
  auto r = HttpDo(port, {.method = "POST", .target = target});
  if (!r.ok()) return -1;
  if (body != nullptr) *body = r->body;
  return r->status;
}

// Timestamps of `job`'s up series, from /api/v1/export.
std::vector<int64_t> ExportTimes(int port, const std::string& job) {
  std::string target = "/api/v1/export?match[]=up%7Bjob%3D%22";
  target += job;
  target += "%22%7D";
  auto resp = HttpGet(port, target);
  std::vector<int64_t> out;
  if (!resp.ok() || resp->status != 200) {
    ADD_FAILURE() << "export failed";
    return out;
  }
  if (resp->body.empty()) return out;
  Json line = Json::parse(resp->body.substr(0, resp->body.find('\n')));
  for (const auto& t : line["timestamps"]) out.push_back(t.get<int64_t>());
  return out;
}

// Names of the block directories (ULIDs: 26 characters) directly in `dir`.
std::vector<std::string> BlockDirs(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (e.is_directory() && name.size() == 26 && std::filesystem::exists(e.path() / "meta.json")) {
      out.push_back(name);
    }
  }
  return out;
}

TEST(AdminE2ETest, AdminApisAreDisabledByDefault) {
  auto osprey = OspreyProcess::Start({});
  ASSERT_TRUE(osprey.ok()) << osprey.status().ToString();
  const int port = (*osprey)->port();
  for (const char* path : {"/api/v1/admin/tsdb/delete_series?match[]=up",
                           "/api/v1/admin/tsdb/snapshot", "/api/v1/admin/tsdb/clean_tombstones"}) {
    std::string body;
    EXPECT_EQ(PostStatus(port, path, &body), 503) << path;
    EXPECT_THAT(body, HasSubstr("admin APIs disabled")) << path;
  }
}

TEST(AdminE2ETest, HeadBecomesBlocksAndAdminApisDeleteSnapshotAndClean) {
  auto osprey = OspreyProcess::Start(
      {.extra_args = {"--web.enable-admin-api", "--storage.tsdb.min-block-duration=1m"}});
  ASSERT_TRUE(osprey.ok()) << osprey.status().ToString();
  const int port = (*osprey)->port();
  const std::string data = (*osprey)->data_path();

  // Five minutes of samples: the head spans more than 1.5 blocks, so blocks get written.
  ingest::WriteRequestEncoder enc;
  std::vector<model::Sample> samples;
  for (int64_t t = kBase; t <= kBase + 300'000; t += 10'000) {
    samples.push_back({.t = t, .v = static_cast<double>(t - kBase) / 1000});
  }
  enc.AddSeries(model::Labels::FromStrings({"__name__", "up", "job", "a"}), samples);
  enc.AddSeries(model::Labels::FromStrings({"__name__", "up", "job", "b"}), samples);
  auto write = HttpDo(port, {.method = "POST",
                             .target = "/api/v1/write",
                             .headers = {{"Content-Type", "application/x-protobuf"},
                                         {"Content-Encoding", "snappy"}},
                             .body = http::SnappyCompress(enc.Release())});
  ASSERT_TRUE(write.ok());
  ASSERT_EQ(write->status, 204) << write->body;

  // The background compaction runs after the commit: four 1-minute blocks, the first
  // three then merged into one. Wait for that last step.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while ((*osprey)->Stderr().find("Compacted blocks") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(BlockDirs(data).size(), 2u) << (*osprey)->Stderr();
  EXPECT_THAT((*osprey)->Stderr(), HasSubstr("Head persisted as a block"));
  EXPECT_EQ(ExportTimes(port, "a").size(), samples.size());
  EXPECT_THAT(HttpGet(port, "/metrics")->body, HasSubstr("osprey_tsdb_blocks_loaded"));
  EXPECT_EQ(HttpGet(port, "/api/v1/status/tsdb")->status, 200);

  // delete_series: a is gone from blocks and head; b is untouched.
  std::string body;
  EXPECT_EQ(PostStatus(port, "/api/v1/admin/tsdb/delete_series", &body), 400);
  EXPECT_THAT(body, HasSubstr("no match[] parameter provided"));
  auto del =
      HttpDo(port, {.method = "PUT",
                    .target = "/api/v1/admin/tsdb/delete_series?match[]=up%7Bjob%3D%22a%22%7D"});
  ASSERT_TRUE(del.ok());
  EXPECT_EQ(del->status, 204) << del->body;
  EXPECT_TRUE(ExportTimes(port, "a").empty());
  EXPECT_EQ(ExportTimes(port, "b").size(), samples.size());

  // snapshot: blocks hard-linked, the head written as one more block.
  EXPECT_EQ(PostStatus(port, "/api/v1/admin/tsdb/snapshot?skip_head=maybe", &body), 400);
  ASSERT_EQ(PostStatus(port, "/api/v1/admin/tsdb/snapshot", &body), 200) << body;
  Json snap = Json::parse(body);
  EXPECT_EQ(snap["status"], "success");
  const std::string name = snap["data"]["name"].get<std::string>();
  const std::string snap_dir = data + "/snapshots/" + name;
  EXPECT_EQ(BlockDirs(snap_dir).size(), BlockDirs(data).size() + 1) << snap_dir;
  ASSERT_EQ(PostStatus(port, "/api/v1/admin/tsdb/snapshot?skip_head=true", &body), 200) << body;
  const std::string blocks_only =
      data + "/snapshots/" + Json::parse(body)["data"]["name"].get<std::string>();
  EXPECT_EQ(BlockDirs(blocks_only).size(), BlockDirs(data).size());

  EXPECT_EQ(PostStatus(port, "/api/v1/admin/tsdb/clean_tombstones"), 204);
  EXPECT_TRUE(ExportTimes(port, "a").empty());
  EXPECT_EQ(ExportTimes(port, "b").size(), samples.size());

  // Everything holds across a restart.
  ASSERT_TRUE((*osprey)->Signal(SIGTERM).ok());
  ASSERT_EQ((*osprey)->Wait()->exit_code, 0);
  auto second = OspreyProcess::Start(
      {.extra_args = {"--storage.tsdb.min-block-duration=1m"}, .data_path = data});
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_TRUE(ExportTimes((*second)->port(), "a").empty());
  EXPECT_EQ(ExportTimes((*second)->port(), "b").size(), samples.size());
}

TEST(AdminE2ETest, RetentionSizeFlagTakesPrometheusUnits) {
  EXPECT_EQ(*server::ParseByteSize("0"), 0u);
  EXPECT_EQ(*server::ParseByteSize("0B"), 0u);
  EXPECT_EQ(*server::ParseByteSize("512MB"), 512ull << 20);
  EXPECT_EQ(*server::ParseByteSize("2GiB"), 2ull << 30);
  EXPECT_EQ(*server::ParseByteSize("1EB"), 1ull << 60);
  EXPECT_FALSE(server::ParseByteSize("1.5GB").ok());
  EXPECT_FALSE(server::ParseByteSize("16EB").ok());
  EXPECT_FALSE(server::ParseByteSize("GB").ok());
  EXPECT_FALSE(server::ParseByteSize("10 MB").ok());
}

}  // namespace
}  // namespace osprey
