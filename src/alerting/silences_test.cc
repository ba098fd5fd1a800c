#include "alerting/silences.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "alerting/marker.h"
#include "alerting/silences_snapshot.h"
#include "metrics/registry.h"
#include "testing/fake_clock.h"
#include "testing/mem_file_system.h"
#include "testing/temp_dir.h"

namespace osprey::alerting {
namespace {

using model::Labels;
using model::Matcher;
using model::MatchType;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr int64_t kNow = 1'700'000'000'000;
constexpr int64_t kHour = 3'600'000;

Silence MakeSilence(std::vector<Matcher> matchers, int64_t starts, int64_t ends) {
  Silence s;
  s.matchers = std::move(matchers);
  s.starts_at = starts;
  s.ends_at = ends;
  s.created_by = "alice";
  s.comment = "maintenance";
  return s;
}

Matcher Eq(std::string name, std::string value) {
  return Matcher::MustCreate(MatchType::kEqual, std::move(name), std::move(value));
}

class SilencesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = Silences::Open({.data_dir = "/data", .background = false}, fs_, clock_, &registry_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    silences_ = std::move(s).value();
  }
  std::string SetOrDie(Silence s) {
    auto id = silences_->Set(std::move(s));
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : std::string();
  }

  osprey::testing::FakeClock clock_{kNow};
  testing::MemFileSystem fs_;
  metrics::Registry registry_;
  std::unique_ptr<Silences> silences_;
};

TEST_F(SilencesTest, NewSilenceGetsAUuidAndStartsNoEarlierThanNow) {
  std::string id = SetOrDie(MakeSilence({Eq("job", "api")}, kNow - kHour, kNow + kHour));
  EXPECT_TRUE(std::regex_match(
      id, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << id;
  auto got = silences_->Get(id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->starts_at, kNow);
  EXPECT_EQ(got->ends_at, kNow + kHour);
  EXPECT_EQ(got->updated_at, kNow);
  EXPECT_EQ(got->created_by, "alice");
  EXPECT_EQ(SilenceStateAt(*got, kNow), SilenceState::kActive);
  EXPECT_NE(SetOrDie(MakeSilence({Eq("job", "api")}, kNow, kNow + kHour)), id);
}

TEST_F(SilencesTest, RejectsInvalidSilences) {
  struct Case {
    const char* name;
    Silence silence;
    const char* error;
  };
  Silence no_author = MakeSilence({Eq("job", "api")}, kNow, kNow + kHour);
  no_author.created_by.clear();
  Silence no_comment = MakeSilence({Eq("job", "api")}, kNow, kNow + kHour);
  no_comment.comment.clear();
  std::vector<Case> cases = {
      {"no matchers", MakeSilence({}, kNow, kNow + kHour), "at least one matcher required"},
      {"all match empty",
       MakeSilence({Eq("job", ""), Matcher::MustCreate(MatchType::kRegexMatch, "x", ".*")}, kNow,
                   kNow + kHour),
       "at least one matcher must not match the empty string"},
      {"bad name", MakeSilence({Eq("0job", "api")}, kNow, kNow + kHour),
       "matchers[0] 0job=\"api\": invalid label name"},
      {"ends before starts", MakeSilence({Eq("job", "api")}, kNow + 2 * kHour, kNow + kHour),
       "end time must not be before start time"},
      {"no end", MakeSilence({Eq("job", "api")}, kNow, 0), "endsAt: missing"},
      {"no author", no_author, "createdBy: missing"},
      {"no comment", no_comment, "comment: missing"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto id = silences_->Set(c.silence);
    ASSERT_FALSE(id.ok());
    EXPECT_EQ(id.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(id.status().message(), HasSubstr(c.error));
  }
  EXPECT_THAT(silences_->Query({}), IsEmpty());
}

TEST_F(SilencesTest, NegativeMatcherAloneIsAllowed) {
  // As Alertmanager: only = and =~ count as matching the empty string.
  SetOrDie(
      MakeSilence({Matcher::MustCreate(MatchType::kNotEqual, "job", "api")}, kNow, kNow + kHour));
}

TEST_F(SilencesTest, UnknownIdIsNotFound) {
  Silence s = MakeSilence({Eq("job", "api")}, kNow, kNow + kHour);
  s.id = "00000000-0000-4000-8000-000000000000";
  EXPECT_EQ(silences_->Set(s).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(silences_->Expire(s.id).code(), StatusCode::kNotFound);
  EXPECT_EQ(silences_->Get(s.id).status().code(), StatusCode::kNotFound);
}

TEST_F(SilencesTest, ActiveSilenceIsUpdatedInPlaceWhenHistoryIsKept) {
  std::string id = SetOrDie(MakeSilence({Eq("job", "api")}, kNow, kNow + kHour));
  clock_.Advance(1000);
  Silence update = *silences_->Get(id);
  update.ends_at = kNow + 3 * kHour;
  update.comment = "longer";
  EXPECT_EQ(SetOrDie(update), id);
  auto got = silences_->Get(id);
  EXPECT_EQ(got->ends_at, kNow + 3 * kHour);
  EXPECT_EQ(got->comment, "longer");
  EXPECT_EQ(got->updated_at, kNow + 1000);
  EXPECT_EQ(silences_->Query({}).size(), 1u);
}

TEST_F(SilencesTest, ChangingMatchersExpiresTheOldSilenceAndCreatesANewOne) {
  std::string id = SetOrDie(MakeSilence({Eq("job", "api")}, kNow, kNow + kHour));
  clock_.Advance(1000);
  Silence update = *silences_->Get(id);
  update.matchers = {Eq("job", "db")};
  std::string new_id = SetOrDie(update);
  EXPECT_NE(new_id, id);
  EXPECT_EQ(silences_->Get(id)->ends_at, kNow + 1000);  // Expired now.
  clock_.Advance(1);
  EXPECT_EQ(SilenceStateAt(*silences_->Get(id), clock_.NowMillis()), SilenceState::kExpired);
  EXPECT_EQ(silences_->Get(new_id)->starts_at, kNow + 1000);
}

TEST_F(SilencesTest, MovingAnActiveSilencesStartMakesANewOne) {
  std::string id = SetOrDie(MakeSilence({Eq("job", "api")}, kNow, kNow + kHour));
  clock_.Advance(10'000);
  Silence update = *silences_->Get(id);
  update.starts_at = kNow + 5000;
  EXPECT_NE(SetOrDie(update), id);
}

TEST_F(SilencesTest, PendingSilenceKeepsItsIdWhileStartingInTheFuture) {
  std::string id = SetOrDie(MakeSilence({Eq("job", "api")}, kNow + kHour, kNow + 2 * kHour));
  EXPECT_EQ(SilenceStateAt(*silences_->Get(id), kNow), SilenceState::kPending);
  Silence update = *silences_->Get(id);
  update.starts_at = kNow + 30 * 60'000;
  EXPECT_EQ(SetOrDie(update), id);
  update.starts_at = kNow - 1;  // Into the past: a new silence, and the old one expired.
  std::string new_id = SetOrDie(update);
  EXPECT_NE(new_id, id);
  EXPECT_EQ(silences_->Get(id)->ends_at, kNow);
}

TEST_F(SilencesTest, ExpireEndsActiveAndPendingSilences) {
  std::string active = SetOrDie(MakeSilence({Eq("job", "api")}, kNow, kNow + kHour));
  std::string pending = SetOrDie(MakeSilence({Eq("job", "db")}, kNow + kHour, kNow + 2 * kHour));
  clock_.Advance(1000);
  ASSERT_TRUE(silences_->Expire(active).ok());
  ASSERT_TRUE(silences_->Expire(pending).ok());
  EXPECT_EQ(silences_->Get(pending)->starts_at, kNow + 1000);
  EXPECT_EQ(silences_->Get(pending)->ends_at, kNow + 1000);
  clock_.Advance(1);
  EXPECT_EQ(silences_->CountState(SilenceState::kExpired), 2u);
  Status again = silences_->Expire(active);
  EXPECT_EQ(again.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(again.message(), HasSubstr("already expired"));
}

TEST_F(SilencesTest, QueryFiltersByIdStateLabelsAndMatchers) {
  std::string api = SetOrDie(MakeSilence({Eq("job", "api")}, kNow, kNow + kHour));
  std::string db =
      SetOrDie(MakeSilence({Eq("job", "db"), Eq("env", "prod")}, kNow + kHour, kNow + 2 * kHour));
  auto ids = [](const std::vector<Silence>& v) {
    std::vector<std::string> out;
    for (const Silence& s : v) out.push_back(s.id);
    return out;
  };
  EXPECT_THAT(ids(silences_->Query({.ids = {db}})), ElementsAre(db));
  EXPECT_THAT(ids(silences_->Query({.states = {SilenceState::kActive}})), ElementsAre(api));
  EXPECT_THAT(ids(silences_->Query({.states = {SilenceState::kPending}})), ElementsAre(db));
  EXPECT_THAT(
      ids(silences_->Query({.matching_labels = Labels::FromStrings({"job", "db", "env", "prod"})})),
      ElementsAre(db));
  EXPECT_THAT(ids(silences_->Query({.with_matchers = {Eq("env", "prod")}})), ElementsAre(db));
  EXPECT_THAT(ids(silences_->Query(
                  {.with_matchers = {Matcher::MustCreate(MatchType::kNotEqual, "env", "prod")}})),
              IsEmpty());
  EXPECT_THAT(registry_.ExpositionText(), HasSubstr("alertmanager_silences_queries_total 6"));
}

TEST_F(SilencesTest, SilencerMutesMatchingAlertsAndRecordsInTheMarker) {
  Marker marker;
  Silencer silencer(*silences_, marker);
  const Labels api = Labels::FromStrings({"alertname", "Down", "job", "api"});
  const Labels db = Labels::FromStrings({"alertname", "Down", "job", "db"});
  EXPECT_FALSE(silencer.Mutes(api));
  EXPECT_EQ(marker.Status(api.Hash()).state, AlertState::kActive);

  std::string active = SetOrDie(MakeSilence(
      {Matcher::MustCreate(MatchType::kRegexMatch, "job", "api|web")}, kNow, kNow + kHour));
  std::string pending = SetOrDie(MakeSilence({Eq("job", "db")}, kNow + kHour, kNow + 2 * kHour));
  EXPECT_TRUE(silencer.Mutes(api));
  AlertStatus s = marker.Status(api.Hash());
  EXPECT_EQ(s.state, AlertState::kSuppressed);
  EXPECT_THAT(s.silenced_by, ElementsAre(active));
  EXPECT_EQ(s.silences_version, silences_->version());

  EXPECT_FALSE(silencer.Mutes(db));
  EXPECT_THAT(marker.Status(db.Hash()).pending_silences, ElementsAre(pending));
  clock_.Advance(kHour);
  EXPECT_TRUE(silencer.Mutes(db));
  clock_.Advance(1);
  EXPECT_FALSE(silencer.Mutes(api));  // Its silence ended.
  EXPECT_EQ(marker.Status(api.Hash()).state, AlertState::kActive);
}

TEST_F(SilencesTest, GcDropsSilencesExpiredLongerThanTheRetention) {
  std::string id = SetOrDie(MakeSilence({Eq("job", "api")}, kNow, kNow + kHour));
  clock_.Set(kNow + kHour + 120 * kHour - 1);
  EXPECT_EQ(silences_->GC(), 0u);
  clock_.Advance(1);
  EXPECT_EQ(silences_->GC(), 1u);
  EXPECT_EQ(silences_->Get(id).status().code(), StatusCode::kNotFound);
}

TEST_F(SilencesTest, ExportsSilencesByState) {
  SetOrDie(MakeSilence({Eq("job", "api")}, kNow, kNow + kHour));
  SetOrDie(MakeSilence({Eq("job", "db")}, kNow + kHour, kNow + 2 * kHour));
  ASSERT_TRUE(silences_->Flush().ok());
  std::string text = registry_.ExpositionText();
  EXPECT_THAT(text, HasSubstr("alertmanager_silences{state=\"active\"} 1"));
  EXPECT_THAT(text, HasSubstr("alertmanager_silences{state=\"pending\"} 1"));
  EXPECT_THAT(text, HasSubstr("alertmanager_silences{state=\"expired\"} 0"));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("alertmanager_silences_snapshot_size_bytes 0\n")));
}

TEST_F(SilencesTest, FlushWritesTheSnapshotOnlyAfterChanges) {
  EXPECT_FALSE(fs_.Exists("/data/silences"));
  ASSERT_TRUE(silences_->Flush().ok());
  EXPECT_FALSE(fs_.Exists("/data/silences"));
  std::string id = SetOrDie(MakeSilence({Eq("job", "api")}, kNow, kNow + kHour));
  ASSERT_TRUE(silences_->Flush().ok());
  auto data = ReadFileToString(fs_, "/data/silences");
  ASSERT_TRUE(data.ok());
  auto decoded = DecodeSilencesSnapshot(*data);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  ASSERT_EQ(decoded->size(), 1u);
  EXPECT_EQ((*decoded)[0].id, id);
}

TEST_F(SilencesTest, WriteErrorIsReportedAndRetried) {
  SetOrDie(MakeSilence({Eq("job", "api")}, kNow, kNow + kHour));
  fs_.SetWriteError(ResourceExhaustedError("disk full"));
  EXPECT_EQ(silences_->Flush().code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(registry_.ExpositionText(),
              HasSubstr("osprey_silences_snapshot_errors_total{operation=\"write\"} 1"));
  fs_.SetWriteError(OkStatus());
  ASSERT_TRUE(silences_->Flush().ok());
  EXPECT_TRUE(fs_.Exists("/data/silences"));
}

TEST(SilencesPersistenceTest, RestartKeepsSilences) {
  testing::TempDir dir;
  PosixFileSystem fs;
  osprey::testing::FakeClock clock(kNow);
  std::string id;
  {
    auto s = Silences::Open({.data_dir = dir.Join("am")}, fs, clock, nullptr);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    Silence sil = MakeSilence(
        {Eq("job", "api"), Matcher::MustCreate(MatchType::kRegexNoMatch, "env", "dev|test")}, kNow,
        kNow + kHour);
    auto got = (*s)->Set(sil);
    ASSERT_TRUE(got.ok());
    id = *got;
    ASSERT_TRUE((*s)->Close().ok());
  }
  auto s = Silences::Open({.data_dir = dir.Join("am")}, fs, clock, nullptr);
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE((*s)->load_status().ok());
  auto got = (*s)->Get(id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->comment, "maintenance");
  ASSERT_EQ(got->matchers.size(), 2u);
  EXPECT_EQ(got->matchers[1].ToString(), "env!~\"dev|test\"");
  EXPECT_THAT((*s)->Match(Labels::FromStrings({"job", "api", "env", "prod"})).active,
              ElementsAre(id));
}

TEST(SilencesPersistenceTest, CorruptSnapshotStartsEmptyWithACountedError) {
  testing::TempDir dir;
  PosixFileSystem fs;
  osprey::testing::FakeClock clock(kNow);
  dir.WriteFile("am/silences", "OSIL\x01garbage that is not a snapshot");
  metrics::Registry registry;
  auto s = Silences::Open({.data_dir = dir.Join("am"), .background = false}, fs, clock, &registry);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->load_status().code(), StatusCode::kDataLoss);
  EXPECT_THAT((*s)->load_status().message(), HasSubstr("am/silences"));
  EXPECT_THAT((*s)->Query({}), IsEmpty());
  EXPECT_THAT(registry.ExpositionText(),
              HasSubstr("osprey_silences_snapshot_errors_total{operation=\"load\"} 1"));
  // The next change replaces the corrupt file.
  ASSERT_TRUE((*s)->Set(MakeSilence({Eq("job", "api")}, kNow, kNow + kHour)).ok());
  ASSERT_TRUE((*s)->Flush().ok());
  EXPECT_TRUE(DecodeSilencesSnapshot(testing::ReadFileOrEmpty(dir.Join("am/silences"))).ok());
}

TEST(SilencesPersistenceTest, NoDataDirPersistsNothing) {
  testing::MemFileSystem fs;
  osprey::testing::FakeClock clock(kNow);
  auto s = Silences::Open({.background = false}, fs, clock, nullptr);
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE((*s)->Set(MakeSilence({Eq("job", "api")}, kNow, kNow + kHour)).ok());
  EXPECT_TRUE((*s)->Flush().ok());
  EXPECT_TRUE((*s)->snapshot_path().empty());
}

}  // namespace
}  // namespace osprey::alerting
