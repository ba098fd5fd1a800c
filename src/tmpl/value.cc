// Value and FuncMap. A Value is a shared immutable Rep; copies are cheap.
#include <utility>

#include "base/check.h"
#include "tmpl/internal/go_fmt.h"
#include "tmpl/template.h"

namespace osprey::tmpl {

struct Value::Rep {
  Kind kind = Kind::kNil;
  bool b = false;
  int64_t i = 0;  // kInt; kTime: unix ms
  double f = 0;
  int32_t offset_s = 0;  // kTime
  std::string s;         // kString; kTime: zone abbreviation
  List list;
  Map map;
  std::string type_name;
  Trust trust = Trust::kNone;  // kString only
};

namespace {
const std::string& EmptyString() {
  static const std::string* const kEmpty = new std::string();
  return *kEmpty;
}
const Value::List& EmptyList() {
  static const Value::List* const kEmpty = new Value::List();
  return *kEmpty;
}
const Value::Map& EmptyMap() {
  static const Value::Map* const kEmpty = new Value::Map();
  return *kEmpty;
}
}  // namespace

Value::Value(bool b) {
  auto r = std::make_shared<Rep>();
  r->kind = Kind::kBool;
  r->b = b;
  rep_ = std::move(r);
}
Value::Value(int64_t v) {
  auto r = std::make_shared<Rep>();
  r->kind = Kind::kInt;
  r->i = v;
  rep_ = std::move(r);
}
Value::Value(double v) {
  auto r = std::make_shared<Rep>();
  r->kind = Kind::kFloat;
  r->f = v;
  rep_ = std::move(r);
}
Value::Value(std::string s) {
  auto r = std::make_shared<Rep>();
  r->kind = Kind::kString;
  r->s = std::move(s);
  rep_ = std::move(r);
}
Value::Value(std::string_view s) : Value(std::string(s)) {}
Value::Value(const char* s) : Value(std::string(s)) {}
Value::Value(List l) {
  auto r = std::make_shared<Rep>();
  r->kind = Kind::kList;
  r->list = std::move(l);
  rep_ = std::move(r);
}
Value::Value(Map m) {
  auto r = std::make_shared<Rep>();
  r->kind = Kind::kMap;
  r->map = std::move(m);
  rep_ = std::move(r);
}

Value Value::Trusted(std::string s, Trust trust) {
  auto r = std::make_shared<Rep>();
  r->kind = Kind::kString;
  r->s = std::move(s);
  r->trust = trust;
  Value v;
  v.rep_ = std::move(r);
  return v;
}

Value::Trust Value::trust() const { return rep_ ? rep_->trust : Trust::kNone; }

Value Value::Time(int64_t unix_ms) { return TimeIn(unix_ms, 0, "UTC"); }

Value Value::TimeIn(int64_t unix_ms, int32_t utc_offset_s, std::string zone) {
  auto r = std::make_shared<Rep>();
  r->kind = Kind::kTime;
  r->i = unix_ms;
  r->offset_s = utc_offset_s;
  r->s = std::move(zone);
  Value v;
  v.rep_ = std::move(r);
  return v;
}

Value Value::Duration(int64_t ns) { return Value(ns).WithType("time.Duration"); }

Value Value::WithType(std::string type_name) && {
  auto r = rep_ ? std::make_shared<Rep>(*rep_) : std::make_shared<Rep>();
  r->type_name = std::move(type_name);
  rep_ = std::move(r);
  return std::move(*this);
}

const std::string& Value::type_name() const { return rep_ ? rep_->type_name : EmptyString(); }
Value::Kind Value::kind() const { return rep_ ? rep_->kind : Kind::kNil; }

bool Value::AsBool() const {
  OSPREY_CHECK(kind() == Kind::kBool);
  return rep_->b;
}
int64_t Value::AsInt() const {
  OSPREY_CHECK(kind() == Kind::kInt);
  return rep_->i;
}
double Value::AsFloat() const {
  OSPREY_CHECK(kind() == Kind::kFloat || kind() == Kind::kInt);
  return kind() == Kind::kInt ? static_cast<double>(rep_->i) : rep_->f;
}
const std::string& Value::AsString() const {
  OSPREY_CHECK(kind() == Kind::kString);
  return rep_->s;
}
int64_t Value::AsTimeMs() const {
  OSPREY_CHECK(kind() == Kind::kTime);
  return rep_->i;
}
int32_t Value::TimeOffsetSeconds() const {
  OSPREY_CHECK(kind() == Kind::kTime);
  return rep_->offset_s;
}
const std::string& Value::TimeZone() const {
  OSPREY_CHECK(kind() == Kind::kTime);
  return rep_->s;
}
const Value::List& Value::AsList() const {
  if (kind() != Kind::kList) {
    OSPREY_CHECK(false) << "Value::AsList on a non-list";
    return EmptyList();
  }
  return rep_->list;
}
const Value::Map& Value::AsMap() const {
  if (kind() != Kind::kMap) {
    OSPREY_CHECK(false) << "Value::AsMap on a non-map";
    return EmptyMap();
  }
  return rep_->map;
}

bool Value::Truthy() const {
  switch (kind()) {
    case Kind::kNil:
      return false;
    case Kind::kBool:
      return rep_->b;
    case Kind::kInt:
      return rep_->i != 0;
    case Kind::kFloat:
      return rep_->f != 0;
    case Kind::kString:
      return !rep_->s.empty();
    case Kind::kTime:
      return true;  // a struct in Go
    case Kind::kList:
      return !rep_->list.empty();
    case Kind::kMap:
      return !rep_->map.empty();
  }
  return false;
}

std::string Value::ToString() const {
  Value self = *this;
  return internal::Sprint(std::span<const Value>(&self, 1));
}

void FuncMap::Add(std::string name, Function f) { funcs_[std::move(name)] = std::move(f); }

void FuncMap::AddMethod(std::string type_name, std::string method, Method m) {
  methods_[type_name.append(".").append(method)] = std::move(m);
}

const Function* FuncMap::Find(std::string_view name) const {
  auto it = funcs_.find(name);
  return it == funcs_.end() ? nullptr : &it->second;
}

const Method* FuncMap::FindMethod(std::string_view type_name, std::string_view method) const {
  std::string key(type_name);
  key.append(".").append(method);
  auto it = methods_.find(key);
  return it == methods_.end() ? nullptr : &it->second;
}

}  // namespace osprey::tmpl
