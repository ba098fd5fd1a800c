// Cursors over one series' samples and the sliding range window the evaluator builds on
// them (stale markers dropped).
#pragma once

#include <algorithm>
#include <span>
#include <vector>

#include "model/sample.h"
#include "promql/value.h"
#include "storage/metrics.h"

namespace osprey::promql::internal {

// A forward cursor over one series' samples.
class Cursor {
 public:
  explicit Cursor(storage::SampleIterator& it) : it_(it) {}
  // The next sample, valid when ok(). Nothing is read before the first SeekTo/Advance,
  // so the first SeekTo lets the store skip whole chunks.
  bool ok() const { return ok_; }
  const model::Sample& peek() const { return s_; }
  void Advance() {
    started_ = true;
    Fetch(it_.Next());
  }
  void SeekTo(int64_t t) {
    if (started_ && (!ok_ || s_.t >= t)) return;
    started_ = true;
    Fetch(it_.Seek(t));
  }

 private:
  void Fetch(bool ok) {
    ok_ = ok;
    if (ok) s_ = it_.At();
  }
  storage::SampleIterator& it_;
  bool started_ = false;
  bool ok_ = false;
  model::Sample s_;
};

// Points of an in-memory series as a cursor-like source.
class PointCursor {
 public:
  explicit PointCursor(const std::vector<FPoint>& pts) : pts_(pts) {}
  bool ok() const { return i_ < pts_.size(); }
  model::Sample peek() const { return {pts_[i_].t, pts_[i_].v}; }
  void Advance() { ++i_; }
  void SeekTo(int64_t t) {
    if (ok() && pts_[i_].t >= t) return;
    i_ = static_cast<size_t>(std::lower_bound(pts_.begin() + static_cast<ptrdiff_t>(i_), pts_.end(),
                                              t,
                                              [](const FPoint& p, int64_t x) { return p.t < x; }) -
                             pts_.begin());
  }

 private:
  const std::vector<FPoint>& pts_;
  size_t i_ = 0;
};

// Slides (end - range, end] windows forward over a cursor; stale markers are dropped.
template <typename C>
class Window {
 public:
  explicit Window(C& c) : c_(c) {}
  std::span<const FPoint> Slide(int64_t wstart, int64_t wend) {
    while (head_ < buf_.size() && buf_[head_].t <= wstart) ++head_;
    if (head_ == buf_.size()) {
      buf_.clear();
      head_ = 0;
      c_.SeekTo(wstart + 1);
    } else if (head_ > 1024 && head_ * 2 > buf_.size()) {
      buf_.erase(buf_.begin(), buf_.begin() + static_cast<ptrdiff_t>(head_));
      head_ = 0;
    }
    while (c_.ok() && c_.peek().t <= wend) {
      model::Sample s = c_.peek();
      if (s.t > wstart && !model::IsStaleNaN(s.v)) buf_.push_back({s.t, s.v});
      c_.Advance();
    }
    return std::span<const FPoint>(buf_).subspan(head_);
  }

 private:
  C& c_;
  std::vector<FPoint> buf_;
  size_t head_ = 0;
};

}  // namespace osprey::promql::internal
