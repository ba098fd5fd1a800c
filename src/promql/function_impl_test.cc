// Tests for internal/function_impl.h (added with the implementations).
#include "promql/internal/function_impl.h"
