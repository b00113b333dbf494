// SPDX-License-Identifier: GPL-2.0
/* The definitions of vtel's own tracepoints (vtel_trace.h). */
#include "vtel_slow.h"

#define CREATE_TRACE_POINTS
#include "vtel_trace.h"
