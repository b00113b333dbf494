/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-reason exit statistics with a log2 histogram of handling times.
 *
 * A struct vtel_stats has a single writer (one vCPU or one CPU) and takes
 * no lock; aggregate views are built with vtel_stats_merge().
 */
#ifndef _VTEL_STATS_H
#define _VTEL_STATS_H

#include <linux/types.h>
#include <linux/bitops.h>
#include <linux/limits.h>
#include <linux/minmax.h>

#include "vtel_split.h"

#define VTEL_HIST_BUCKETS	32

struct vtel_stats {
	u64 count;	/* exits seen (counted at kvm_exit) */
	u64 timed;	/* exits whose handling time was recorded (sum of hist) */
	u64 total_ns;	/* sum of handling times */
	u64 min_ns;	/* valid only when timed != 0 */
	u64 max_ns;
	u64 hist[VTEL_HIST_BUCKETS];
	struct vtel_split split;	/* of total_ns: vmm, wait, idle, poll */
};

/*
 * Bucket 0 holds 0, bucket b > 0 holds [2^(b-1), 2^b - 1]; the last bucket
 * is open-ended (>= 2^30 ns, about 1.07 s).
 */
static inline unsigned int vtel_hist_bucket(u64 ns)
{
	return min_t(unsigned int, fls64(ns), VTEL_HIST_BUCKETS - 1);
}

/* Hot path: no division, and branches the compiler turns into cmovs. */
static inline void vtel_stats_time(struct vtel_stats *s, u64 ns)
{
	u64 lo = s->timed ? s->min_ns : U64_MAX;
	u64 hi = s->timed ? s->max_ns : 0;

	s->timed++;
	s->total_ns += ns;
	s->min_ns = min(lo, ns);
	s->max_ns = max(hi, ns);
	s->hist[vtel_hist_bucket(ns)]++;
}

u64 vtel_hist_bucket_le(unsigned int b);
void vtel_stats_merge(struct vtel_stats *dst, const struct vtel_stats *src);
u64 vtel_stats_percentile(const struct vtel_stats *s, unsigned int per10k);
u32 vtel_overhead_ppm(u64 handling_ns, u64 guest_ns);

#endif /* _VTEL_STATS_H */
