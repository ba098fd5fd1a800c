// A parsed YAML document as a small owned tree that remembers where each node came from.
//
// yaml-cpp does the parsing; its exceptions and its shared node graph stop at
// YamlDocument::Parse, so everything downstream is exception-free and plain values.
// Aliases are expanded into copies and `<<` merge keys are applied (as Go's yaml.v2, which
// Prometheus uses, does). Limits on depth and on node count keep hostile input (deep
// nesting, "billion laughs" aliases) from exhausting the stack or memory.
//
//   OSPREY_ASSIGN_OR_RETURN(YamlDocument doc, YamlDocument::Parse(text, "osprey.yml"));
//   for (const YamlEntry& e : doc.root().entries()) ...
//
// Decoding typed values out of the tree is in config/yaml_decoder.h.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace osprey::config {

// A position in the source text, 1-based. line == 0 when unknown.
struct YamlMark {
  int line = 0;
  int column = 0;
};

struct YamlEntry;

// One node of the tree. A value type; copying copies the subtree.
class YamlNode {
 public:
  enum class Kind { kNull, kScalar, kSequence, kMapping };

  YamlNode() = default;

  Kind kind() const { return kind_; }
  bool IsNull() const { return kind_ == Kind::kNull; }
  bool IsScalar() const { return kind_ == Kind::kScalar; }
  bool IsSequence() const { return kind_ == Kind::kSequence; }
  bool IsMapping() const { return kind_ == Kind::kMapping; }
  // "null", "a scalar", "a list", "a mapping": for messages such as "expected a list, got ...".
  std::string_view KindName() const;

  // Where the node starts. For a null value written as nothing ("key:"), the key's position.
  YamlMark mark() const { return mark_; }

  // The text of a scalar, valid UTF-8; empty for other kinds.
  const std::string& scalar() const { return scalar_; }
  // True for a plain scalar: not quoted, not a block scalar, no explicit tag. Only plain
  // scalars are read as booleans and numbers ("true" is a string, true is a boolean).
  bool plain() const { return plain_; }

  // Items of a sequence; empty for other kinds.
  const std::vector<YamlNode>& items() const { return items_; }
  // Entries of a mapping in document order, keys unique; empty for other kinds.
  const std::vector<YamlEntry>& entries() const { return entries_; }
  // The entry with this key, or nullptr. Linear in the number of entries.
  const YamlEntry* Find(std::string_view key) const;

  // Nodes in this subtree, this one included.
  size_t subtree_size() const { return subtree_size_; }
  // Levels in this subtree: 1 for a scalar, null or empty collection.
  int height() const { return height_; }

 private:
  friend class YamlTreeBuilder;

  Kind kind_ = Kind::kNull;
  YamlMark mark_;
  bool plain_ = false;
  std::string scalar_;
  std::vector<YamlNode> items_;
  std::vector<YamlEntry> entries_;
  size_t subtree_size_ = 1;
  int height_ = 1;
};

// A mapping entry. Keys are always scalars.
struct YamlEntry {
  std::string key;
  YamlMark key_mark;
  YamlNode value;
};

struct YamlLimits {
  // Maximum nesting of sequences and mappings.
  int max_depth = 64;
  // Maximum nodes in the tree after expanding aliases and merges.
  size_t max_nodes = 1'000'000;
};

// A parsed document plus the file name used in its error messages. Immutable after Parse;
// thread-compatible.
class YamlDocument {
 public:
  // Parses the first document in `text`. An empty text (or only comments) gives a null root.
  // Syntax errors, duplicate keys, non-scalar keys and exceeded limits are kInvalidArgument
  // errors formatted as "<filename>:<line>:<column>: <what>".
  static Result<YamlDocument> Parse(std::string_view text, std::string filename,
                                    YamlLimits limits = {});

  const std::string& filename() const { return filename_; }
  const YamlNode& root() const { return root_; }

  // "<filename>:<line>:<column>: <message>" (or "<filename>: <message>" for an unknown mark).
  Status Error(YamlMark mark, std::string_view message,
               StatusCode code = StatusCode::kInvalidArgument) const;

 private:
  YamlDocument(std::string filename, YamlNode root)
      : filename_(std::move(filename)), root_(std::move(root)) {}

  std::string filename_;
  YamlNode root_;
};

// The error format shared by every config file: "<filename>:<line>:<column>: <message>".
Status YamlError(std::string_view filename, YamlMark mark, std::string_view message,
                 StatusCode code = StatusCode::kInvalidArgument);

}  // namespace osprey::config
