#include "storage/metrics.h"

namespace osprey::storage {
namespace {

class EmptySet final : public SeriesSet {
 public:
  explicit EmptySet(Status status) : status_(std::move(status)) {}
  bool Next() override { return false; }
  const Series& At() const override {
    OSPREY_CHECK(false) << "At() on an empty series set";
    __builtin_unreachable();
  }
  Status status() const override { return status_; }

 private:
  Status status_;
};

}  // namespace

std::unique_ptr<SeriesSet> EmptySeriesSet(Status status) {
  return std::make_unique<EmptySet>(std::move(status));
}

}  // namespace osprey::storage
