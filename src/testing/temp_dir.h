// A temporary directory removed with its contents when the object dies.
#pragma once

#include <string>
#include <string_view>

namespace osprey::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path()/name.
  std::string Join(std::string_view name) const;
  // Writes `contents` to path()/name (parents created) and returns the full path.
  std::string WriteFile(std::string_view name, std::string_view contents) const;

 private:
  std::string path_;
};

// Reads a whole file; empty when it cannot be read.
std::string ReadFileOrEmpty(const std::string& path);

}  // namespace osprey::testing
