// Builds the YamlNode tree from yaml-cpp's event stream rather than from YAML::Node: the
// events carry marks, tags (to tell plain from quoted scalars) and anchors, and building
// with an explicit stack lets the limits stop hostile input before it costs anything.
//
// Invariants: after the first error every later event is ignored (yaml-cpp keeps parsing to
// the end of the document, but nothing more is built); `stack_.size() + height` of any node
// being attached never exceeds max_depth, so recursion over a finished tree (copy, destroy)
// is bounded by max_depth.
#include "config/yaml_node.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <exception>
#include <map>
#include <sstream>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "config/internal/validate.h"

namespace osprey::config {
namespace {

YamlMark ToMark(const YAML::Mark& m) {
  if (m.line < 0 || m.column < 0) return YamlMark{};
  return YamlMark{m.line + 1, m.column + 1};
}

using internal::Quote;

}  // namespace

std::string_view YamlNode::KindName() const {
  switch (kind_) {
    case Kind::kNull:
      return "null";
    case Kind::kScalar:
      return "a scalar";
    case Kind::kSequence:
      return "a list";
    case Kind::kMapping:
      return "a mapping";
  }
  return "?";
}

const YamlEntry* YamlNode::Find(std::string_view key) const {
  for (const YamlEntry& e : entries_) {
    if (e.key == key) return &e;
  }
  return nullptr;
}

class YamlTreeBuilder final : public YAML::EventHandler {
 public:
  explicit YamlTreeBuilder(YamlLimits limits) : limits_(limits) {}

  bool failed() const { return failed_; }
  YamlMark error_mark() const { return error_mark_; }
  const std::string& error_message() const { return error_message_; }
  YamlNode TakeRoot() { return std::move(root_); }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (failed_ || !Charge(1, ToMark(mark))) return;
    YamlNode node;
    node.mark_ = ToMark(mark);
    Complete(std::move(node), anchor);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (failed_) return;
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) {
      // yaml-cpp rejects unknown anchors itself; this is an alias inside its own anchor.
      Fail(ToMark(mark), "alias refers to a node that contains it");
      return;
    }
    if (!Charge(it->second.subtree_size_, ToMark(mark))) return;
    YamlNode copy = it->second;
    copy.mark_ = ToMark(mark);
    Complete(std::move(copy), YAML::NullAnchor);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    if (failed_ || !Charge(1, ToMark(mark))) return;
    // YAML text is Unicode; yaml-cpp passes stray bytes through, Go's yaml.v2 rejects them.
    if (!internal::IsValidUtf8(value)) {
      Fail(ToMark(mark), "invalid UTF-8 in " + Quote(value));
      return;
    }
    YamlNode node;
    node.kind_ = YamlNode::Kind::kScalar;
    node.mark_ = ToMark(mark);
    node.plain_ = tag == "?";  // yaml-cpp: "?" plain, "!" quoted or block, else explicit tag.
    node.scalar_ = value;
    Complete(std::move(node), anchor);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    Open(YamlNode::Kind::kSequence, ToMark(mark), anchor);
  }
  void OnSequenceEnd() override { Close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    Open(YamlNode::Kind::kMapping, ToMark(mark), anchor);
  }
  void OnMapEnd() override { Close(); }

 private:
  struct Frame {
    YamlNode node;
    YAML::anchor_t anchor = YAML::NullAnchor;
    // Mappings: the key waiting for its value.
    bool has_key = false;
    std::string key;
    YamlMark key_mark;
    bool key_plain = false;
    std::unordered_map<std::string, YamlMark> seen_keys;
    std::vector<YamlNode> merges;  // Values of `<<` keys, applied when the mapping ends.
  };

  void Fail(YamlMark mark, std::string message) {
    if (failed_) return;
    failed_ = true;
    error_mark_ = mark;
    error_message_ = std::move(message);
  }

  bool Charge(size_t nodes, YamlMark mark) {
    nodes_ += nodes;
    if (nodes_ > limits_.max_nodes) {
      Fail(mark, "document too large: more than " + std::to_string(limits_.max_nodes) +
                     " nodes after expanding aliases");
      return false;
    }
    return true;
  }

  void Open(YamlNode::Kind kind, YamlMark mark, YAML::anchor_t anchor) {
    if (failed_) return;
    if (static_cast<int>(stack_.size()) >= limits_.max_depth) {
      Fail(mark, "nesting too deep: more than " + std::to_string(limits_.max_depth) + " levels");
      return;
    }
    if (!Charge(1, mark)) return;
    Frame& f = stack_.emplace_back();
    f.node.kind_ = kind;
    f.node.mark_ = mark;
    f.anchor = anchor;
  }

  void Close() {
    if (failed_) return;
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    if (f.node.IsMapping()) ApplyMerges(f);
    if (failed_) return;
    Complete(std::move(f.node), f.anchor);
  }

  // YAML merge keys: entries of the merged mappings that the mapping does not define itself,
  // earlier mappings in a `<<: [*a, *b]` list taking precedence.
  void ApplyMerges(Frame& f) {
    for (const YamlNode& source : f.merges) {
      std::vector<const YamlNode*> maps;
      if (source.IsMapping()) {
        maps.push_back(&source);
      } else {
        for (const YamlNode& item : source.items_) maps.push_back(&item);
      }
      for (const YamlNode* m : maps) {
        for (const YamlEntry& e : m->entries_) {
          if (f.seen_keys.contains(e.key)) continue;
          if (!Charge(e.value.subtree_size_, e.key_mark)) return;
          f.seen_keys.emplace(e.key, e.key_mark);
          AddEntry(f.node, e.key, e.key_mark, e.value);
        }
      }
    }
  }

  static void AddEntry(YamlNode& map, std::string key, YamlMark key_mark, YamlNode value) {
    map.subtree_size_ += value.subtree_size_;
    map.height_ = std::max(map.height_, value.height_ + 1);
    map.entries_.push_back(YamlEntry{std::move(key), key_mark, std::move(value)});
  }

  // Attaches a finished node to the open collection, or makes it the root.
  void Complete(YamlNode node, YAML::anchor_t anchor) {
    if (static_cast<int>(stack_.size()) + node.height_ > limits_.max_depth) {
      Fail(node.mark_, "nesting too deep: more than " + std::to_string(limits_.max_depth) +
                           " levels after expanding aliases");
      return;
    }
    if (anchor != YAML::NullAnchor) anchors_[anchor] = node;
    if (stack_.empty()) {
      root_ = std::move(node);
      return;
    }
    Frame& parent = stack_.back();
    if (parent.node.IsSequence()) {
      parent.node.subtree_size_ += node.subtree_size_;
      parent.node.height_ = std::max(parent.node.height_, node.height_ + 1);
      parent.node.items_.push_back(std::move(node));
      return;
    }
    if (!parent.has_key) {
      if (!node.IsScalar()) {
        Fail(node.mark_,
             std::string("mapping keys must be strings, got ") + std::string(node.KindName()));
        return;
      }
      parent.has_key = true;
      parent.key = std::move(node.scalar_);
      parent.key_mark = node.mark_;
      parent.key_plain = node.plain_;
      return;
    }
    parent.has_key = false;
    // yaml-cpp marks an empty value ("key:") at the next token; the key is a better place.
    if (node.IsNull()) node.mark_ = parent.key_mark;
    if (parent.key == "<<" && parent.key_plain) {
      bool ok = node.IsMapping();
      if (node.IsSequence()) {
        ok = true;
        for (const YamlNode& item : node.items_) ok = ok && item.IsMapping();
      }
      if (!ok) {
        Fail(node.mark_, "merge key \"<<\" needs a mapping or a list of mappings");
        return;
      }
    }
    auto [it, inserted] = parent.seen_keys.emplace(parent.key, parent.key_mark);
    if (!inserted) {
      Fail(parent.key_mark, "duplicate key " + Quote(parent.key) + " (first defined at line " +
                                std::to_string(it->second.line) + ")");
      return;
    }
    if (parent.key == "<<" && parent.key_plain) {
      parent.merges.push_back(std::move(node));
      return;
    }
    AddEntry(parent.node, std::move(parent.key), parent.key_mark, std::move(node));
  }

  const YamlLimits limits_;
  std::vector<Frame> stack_;
  std::map<YAML::anchor_t, YamlNode> anchors_;
  size_t nodes_ = 0;
  YamlNode root_;
  bool failed_ = false;
  YamlMark error_mark_;
  std::string error_message_;
};

Status YamlError(std::string_view filename, YamlMark mark, std::string_view message,
                 StatusCode code) {
  std::string m(filename);
  if (mark.line > 0) {
    m += ':';
    m += std::to_string(mark.line);
    m += ':';
    m += std::to_string(mark.column);
  }
  m += ": ";
  m += message;
  return Status(code, std::move(m));
}

Status YamlDocument::Error(YamlMark mark, std::string_view message, StatusCode code) const {
  return YamlError(filename_, mark, message, code);
}

Result<YamlDocument> YamlDocument::Parse(std::string_view text, std::string filename,
                                         YamlLimits limits) {
  YamlTreeBuilder builder(limits);
  // yaml-cpp reports errors by throwing; they stop here.
  try {
    std::istringstream in{std::string(text)};
    YAML::Parser parser(in);
    parser.HandleNextDocument(builder);
  } catch (const YAML::Exception& e) {
    // An error the builder found earlier in the text is the one to report.
    if (!builder.failed()) return YamlError(filename, ToMark(e.mark), "invalid YAML: " + e.msg);
  } catch (const std::exception& e) {
    if (!builder.failed()) {
      return YamlError(filename, {}, std::string("invalid YAML: ") + e.what());
    }
  }
  if (builder.failed()) return YamlError(filename, builder.error_mark(), builder.error_message());
  return YamlDocument(std::move(filename), builder.TakeRoot());
}

}  // namespace osprey::config
