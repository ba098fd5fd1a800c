// Placeholder: filled in by the functions work (see internal/function_impl.h).
#include "promql/internal/function_impl.h"
