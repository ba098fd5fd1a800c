// Being written: the evaluator lands here next (see engine.h).
#include "promql/engine.h"

namespace osprey::promql {

Engine::Engine(EngineOptions options) : options_(std::move(options)) {}

Result<QueryResult> Engine::Instant(storage::Queryable&, std::string_view, model::Timestamp,
                                    const QueryOptions&) const {
  return UnimplementedError("engine not written yet");
}
Result<QueryResult> Engine::Range(storage::Queryable&, std::string_view, model::Timestamp,
                                  model::Timestamp, int64_t, const QueryOptions&) const {
  return UnimplementedError("engine not written yet");
}
Result<QueryResult> Engine::InstantExpr(storage::Queryable&, Expr&, model::Timestamp,
                                        const QueryOptions&) const {
  return UnimplementedError("engine not written yet");
}
Result<QueryResult> Engine::RangeExpr(storage::Queryable&, Expr&, model::Timestamp,
                                      model::Timestamp, int64_t, const QueryOptions&) const {
  return UnimplementedError("engine not written yet");
}

}  // namespace osprey::promql
