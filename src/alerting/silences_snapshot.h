// The silences snapshot file: a versioned, checksummed binary encoding of every stored
// silence. Format: docs/format/silences_snapshot.md. Stateless and thread-safe.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "alerting/silence.h"
#include "base/status.h"

namespace osprey::alerting {

// Name of the snapshot file in the data directory.
inline constexpr std::string_view kSilencesSnapshotFile = "silences";

std::string EncodeSilencesSnapshot(std::span<const Silence> silences);

// kDataLoss naming what is wrong and at which byte offset for anything that is not a complete
// snapshot written by EncodeSilencesSnapshot (bad magic, unknown version, checksum mismatch,
// truncation, trailing bytes, bad matcher type or regex). Never crashes.
Result<std::vector<Silence>> DecodeSilencesSnapshot(std::string_view data);

// `data` with its last four bytes replaced by the checksum of the bytes before them (appended
// when shorter than four bytes), so that a fuzzer reaches the body decoder.
std::string WithValidChecksumForTest(std::string_view data);

}  // namespace osprey::alerting
