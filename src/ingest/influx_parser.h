// Parser of the InfluxDB line protocol, as InfluxDB 1.x `/write` and 2.x `/api/v2/write`
// accept it (Telegraf's output format):
//
//   weather,location=us\ west,station=7 temp=21.5,humidity=40i,ok=true,note="hi"
//   1465839830100400200
//
// Grammar (InfluxDB's line-protocol.ebnf; one point per line):
//
//   line        = { " " } [ point | "#" comment ] ( "\n" | "\r\n" | end )
//   point       = measurement { "," key "=" key } " " { " " } field { "," field }
//                 [ " " { " " } timestamp ] { " " }
//   field       = key "=" ( float | int "i" | uint "u" | bool | string )
//   float       = [ "-" ] ( digits [ "." [ digits ] ] | "." digits ) [ ( "e" | "E" ) [ "+" | "-" ]
//   digits ] bool        = t | T | true | True | TRUE | f | F | false | False | FALSE string      =
//   '"' { any byte but '"' and '\', or '\' any byte } '"'   (may span lines) timestamp   = [ "-" ]
//   digits                                         (in `precision` units)
//
// Escapes, as InfluxDB's reference decoder (github.com/influxdata/line-protocol): a backslash
// before one of the characters a section escapes stands for that character, any other
// backslash is literal. Measurements escape `,` and space; tag keys, tag values and field
// keys escape `,`, `=` and space; strings escape `"` and `\`. So `a\\,b` as a tag value is
// `a\,b` (the first backslash is literal, the second escapes the comma). Control characters
// (0x00-0x1f, 0x7f) are not allowed in names and values; a tag value may not be empty; NaN and
// infinities are not floats; integers must fit int64 and unsigned integers uint64.
//
// A bad line does not stop the parse: the visitor gets the error (with line and column) and
// parsing resumes at the next line.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "model/sample.h"

namespace osprey::ingest {

// Unit of the timestamps in a request (the `precision` query parameter).
enum class InfluxPrecision { kNanosecond, kMicrosecond, kMillisecond, kSecond, kMinute, kHour };

// Accepts InfluxDB 1.x's values (n, u, ms, s, m, h) and 2.x's (ns, us, ms, s), plus "µ"; ""
// is nanoseconds. kInvalidArgument otherwise.
Result<InfluxPrecision> ParseInfluxPrecision(std::string_view precision);

enum class InfluxFieldType { kFloat, kInteger, kUnsigned, kBoolean, kString };

struct InfluxTag {
  std::string_view key;    // unescaped, non-empty
  std::string_view value;  // unescaped, non-empty
};

struct InfluxField {
  std::string_view key;      // unescaped, non-empty
  std::string_view raw_key;  // as written in the body (escapes included)
  InfluxFieldType type = InfluxFieldType::kFloat;
  // The value; booleans are 1 and 0. Strings are not decoded: 0 (callers skip them).
  double value = 0;
};

// One parsed line. Views are valid until the visitor call returns.
struct InfluxPoint {
  std::string_view measurement;         // unescaped, non-empty
  std::span<const InfluxTag> tags;      // in the order written (duplicates are kept)
  std::span<const InfluxField> fields;  // in the order written, at least one
  // The measurement and tags as written ("cpu,host=a"): equal texts mean equal series.
  std::string_view series_text;
  // Milliseconds since the epoch (rounded down), if the line has a timestamp.
  std::optional<model::Timestamp> timestamp_ms;
  int line = 0;  // 1-based line the point starts on
};

struct InfluxLineError {
  int line = 0;    // 1-based
  int column = 0;  // 1-based byte column within the line
  // What is wrong, without the position: `invalid value "abc" for field "x"`.
  std::string reason;
  // "line 3, column 17: <reason>".
  std::string ToString() const;
};

class InfluxVisitor {
 public:
  virtual ~InfluxVisitor() = default;
  virtual void OnPoint(const InfluxPoint& point) = 0;
  // A line that is not valid; the parser goes on with the next line.
  virtual void OnError(const InfluxLineError& error) = 0;
};

// Single-threaded (thread-compatible): one parser per thread; reusing one keeps its buffers.
// Cost: one pass over the body; allocation only when its scratch buffers grow (escaped
// names, many tags or fields).
class InfluxParser {
 public:
  // Calls the visitor for every point and every bad line, in order.
  void Parse(std::string_view body, InfluxPrecision precision, InfluxVisitor& visitor);

 private:
  // A piece of unescaped text: in the body, or (escaped text) in scratch_.
  struct Piece {
    size_t begin = 0;
    size_t size = 0;
    bool in_scratch = false;
  };
  struct PendingTag {
    Piece key;
    Piece value;
  };
  struct PendingField {
    Piece key;
    std::string_view raw_key;
    InfluxFieldType type;
    double value;
  };
  class LineParser;

  std::string_view Resolve(std::string_view body, Piece p) const;

  std::string scratch_;
  std::vector<PendingTag> pending_tags_;
  std::vector<PendingField> pending_fields_;
  std::vector<InfluxTag> tags_;
  std::vector<InfluxField> fields_;
};

}  // namespace osprey::ingest
