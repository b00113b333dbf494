/* SPDX-License-Identifier: GPL-2.0 */
/* The hot-path microbenchmark (VTEL_BENCH=1 builds only, vtel_bench.c). */
#ifndef _VTEL_BENCH_H
#define _VTEL_BENCH_H

#ifdef VTEL_BENCH
void vtel_bench_init(void);
void vtel_bench_exit(void);
#else
static inline void vtel_bench_init(void) { }
static inline void vtel_bench_exit(void) { }
#endif

#endif /* _VTEL_BENCH_H */
