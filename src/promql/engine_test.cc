#include "promql/engine.h"
