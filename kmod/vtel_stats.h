/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-reason exit statistics with a log-linear histogram of handling times.
 *
 * Bucket layout (HDR-style, k = VTEL_HIST_SUB_BITS = 3): 0..15 ns have a
 * bucket each; above that every power of two [2^p, 2^(p+1)) is split into
 * 2^k = 8 linear sub-buckets of width 2^(p-3). The last bucket is open:
 * >= 2^37 ns (137 s). With s = __fls(v | 15) - 3:
 *
 *	bucket(v) = min((s << 3) + (v >> s), VTEL_HIST_LAST)
 *
 * Any value v in a finite bucket b satisfies v <= le(b) < v * (1 + 1/2^k):
 * a percentile reported as le(b), clamped to [min, max], is never below
 * the true one and less than 12.5% above it.
 *
 * Storage. The hot side is per segment slot: struct vtel_slot (u64 count
 * and times) and, for the first VTEL_SEG_HISTS reasons of a segment, a
 * struct vtel_hist of u32 buckets. A u32 bucket that wraps keeps its high
 * bits in a small carry table; the rare bucket that finds it full is
 * counted in ->lost (in units of 2^32 samples), never silently. Views sum
 * into struct vtel_stats, whose buckets are u64.
 *
 * Both sides have a single writer (one vCPU, or the worker) and take no
 * lock.
 */
#ifndef _VTEL_STATS_H
#define _VTEL_STATS_H

#include <linux/types.h>
#include <linux/bitops.h>
#include <linux/compiler.h>
#include <linux/limits.h>
#include <linux/minmax.h>

#include "vtel_split.h"

#define VTEL_HIST_SUB_BITS	3
#define VTEL_HIST_SUB		BIT(VTEL_HIST_SUB_BITS)
#define VTEL_HIST_TOP_BITS	37	/* finite buckets end at 2^37 - 1 ns */
#define VTEL_HIST_LAST	\
	((VTEL_HIST_TOP_BITS - VTEL_HIST_SUB_BITS + 1) << VTEL_HIST_SUB_BITS)
#define VTEL_HIST_BUCKETS	(VTEL_HIST_LAST + 1)	/* 281 */
#define VTEL_HIST_CARRIES	4

/* Hot: one reason in one segment. min/max are valid only when timed != 0. */
struct vtel_slot {
	u64 count;	/* exits seen (counted at kvm_exit) */
	u64 timed;	/* exits whose handling time was recorded */
	u64 total_ns;	/* sum of handling times */
	u64 min_ns;
	u64 max_ns;
	struct vtel_split split;	/* of total_ns: vmm, wait, idle, poll */
};

/* Hot: the histogram of one slot, u32 buckets plus carries. */
struct vtel_hist {
	u32 b[VTEL_HIST_BUCKETS];
	u32 lost;			/* 2^32-sample carries not kept */
	struct {
		u16 b1;			/* bucket + 1; 0: entry unused */
		u16 hi;			/* bits 32..47 of that bucket */
	} carry[VTEL_HIST_CARRIES];
};

/* A view's statistics of one reason: what the readers sum into. */
struct vtel_stats {
	u64 count;
	u64 timed;
	u64 total_ns;
	u64 min_ns;
	u64 max_ns;
	u64 unbinned;		/* timed, but in no bucket (see above) */
	u64 hist[VTEL_HIST_BUCKETS];
	struct vtel_split split;	/* of total_ns: vmm, wait, idle, poll */
};

static __always_inline unsigned int vtel_hist_bucket(u64 ns)
{
	unsigned int s = __fls(ns | (2 * VTEL_HIST_SUB - 1)) - VTEL_HIST_SUB_BITS;

	return min_t(u64, ((u64)s << VTEL_HIST_SUB_BITS) + (ns >> s),
		     VTEL_HIST_LAST);
}

void vtel_hist_carry(struct vtel_hist *h, unsigned int b);

/*
 * Hot path: no division, and branches the compiler turns into cmovs. h is
 * NULL for a slot without a histogram.
 */
static __always_inline void vtel_slot_time(struct vtel_slot *s,
					   struct vtel_hist *h, u64 ns)
{
	u64 lo = s->timed ? s->min_ns : U64_MAX;
	u64 hi = s->timed ? s->max_ns : 0;

	s->timed++;
	s->total_ns += ns;
	s->min_ns = min(lo, ns);
	s->max_ns = max(hi, ns);
	if (likely(h)) {
		unsigned int b = vtel_hist_bucket(ns);

		if (unlikely(!++h->b[b]))
			vtel_hist_carry(h, b);
	}
}

u64 vtel_hist_bucket_lo(unsigned int b);
u64 vtel_hist_bucket_le(unsigned int b);
u64 vtel_hist_get(const struct vtel_hist *h, unsigned int b);
void vtel_stats_add_slot(struct vtel_stats *dst, const struct vtel_slot *s,
			 const struct vtel_hist *h);
void vtel_slot_add(struct vtel_slot *dst, struct vtel_hist *dh,
		   const struct vtel_slot *src, const struct vtel_hist *sh);
void vtel_stats_merge(struct vtel_stats *dst, const struct vtel_stats *src);
u64 vtel_stats_percentile(const struct vtel_stats *s, unsigned int per10k);
void vtel_stats_percentiles(const struct vtel_stats *s,
			    const unsigned int *per10k, u64 *out,
			    unsigned int nr);
u32 vtel_overhead_ppm(u64 handling_ns, u64 guest_ns);
u32 vtel_share_ppm(u64 part_ns, u64 handling_ns, u64 guest_ns);

#endif /* _VTEL_STATS_H */
