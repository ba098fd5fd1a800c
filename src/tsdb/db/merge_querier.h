// One Querier over several: the Db's blocks (oldest first) and its head (last).
//
//   std::vector<std::unique_ptr<storage::Querier>> parts = {block_q1, block_q2, head_q};
//   auto q = NewMergeQuerier(std::move(parts));
//
// Series come out sorted by labels. A series present in several parts is one series whose
// samples are the union, deduplicated by timestamp: at a timestamp held by several parts,
// the sample of the part listed last wins (the head over blocks, a newer block over an
// older one). Label names and values are the sorted unions.
#pragma once

#include <memory>
#include <vector>

#include "storage/metrics.h"

namespace osprey::tsdb {

// Thread-compatible, like every Querier. The parts live as long as the returned querier;
// keep it alive while its series sets and iterators are in use.
std::unique_ptr<storage::Querier> NewMergeQuerier(
    std::vector<std::unique_ptr<storage::Querier>> parts);

// Merges sample iterators as above (the last one wins on equal timestamps).
std::unique_ptr<storage::SampleIterator> NewMergeIterator(
    std::vector<std::unique_ptr<storage::SampleIterator>> parts);

}  // namespace osprey::tsdb
