// Reading /proc and /sys text files without iostreams: whole-file reads into a reused buffer,
// and allocation-free tokenizing of lines and whitespace-separated fields.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace osprey::agent::internal {

// Single-threaded. Reuses one buffer, so reads allocate only while the largest file grows.
class FileReader {
 public:
  // Reads all of `path`. The view is valid until the next Read. Errors are ErrnoError
  // ("open /proc/stat: No such file or directory").
  Result<std::string_view> Read(const std::string& path);

 private:
  std::string buf_;
};

// Pops the next line (without '\n') off `rest`; false when `rest` is empty.
bool NextLine(std::string_view& rest, std::string_view& line);
// Pops the next blank-separated field (spaces and tabs) off `rest`; empty at the end.
std::string_view NextField(std::string_view& rest);
// Whole-token decimal parses; false on anything else.
bool ParseUint(std::string_view s, uint64_t& value);
bool ParseDouble(std::string_view s, double& value);
// Trims spaces, tabs and newlines at both ends.
std::string_view Trim(std::string_view s);

}  // namespace osprey::agent::internal
