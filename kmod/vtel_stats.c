// SPDX-License-Identifier: GPL-2.0
/*
 * The slow side of the exit statistics: bucket bounds, merging,
 * percentiles and the virtualisation overhead ratio.
 */
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/math64.h>
#include <linux/overflow.h>

#include "vtel_stats.h"

/* Inclusive upper bound of bucket b; U64_MAX for the open-ended last one. */
u64 vtel_hist_bucket_le(unsigned int b)
{
	if (b >= VTEL_HIST_BUCKETS - 1)
		return U64_MAX;
	return (1ULL << b) - 1;
}

/* Sums src into dst; min/max only count from a side that has samples. */
void vtel_stats_merge(struct vtel_stats *dst, const struct vtel_stats *src)
{
	unsigned int b;

	if (src->timed) {
		if (!dst->timed || src->min_ns < dst->min_ns)
			dst->min_ns = src->min_ns;
		if (!dst->timed || src->max_ns > dst->max_ns)
			dst->max_ns = src->max_ns;
	}

	dst->count += src->count;
	dst->timed += src->timed;
	dst->total_ns += src->total_ns;
	for (b = 0; b < VTEL_HIST_BUCKETS; b++)
		dst->hist[b] += src->hist[b];
	vtel_split_add(&dst->split, &src->split);
}

/*
 * The upper bound of the first bucket whose cumulative count reaches
 * rank = ceil(per10k * timed / 10000), clamped to [min_ns, max_ns].
 * per10k above 10000 means 10000. With timed = q * 10000 + r the rank is
 * per10k * q + ceil(per10k * r / 10000): neither term can overflow.
 * Should the histogram hold fewer than timed samples (a racy read of a
 * live vCPU), the answer is max_ns.
 */
u64 vtel_stats_percentile(const struct vtel_stats *s, unsigned int per10k)
{
	u64 rank, cum = 0, v = s->max_ns;
	unsigned int b;
	u32 r;

	if (!s->timed)
		return 0;

	per10k = min(per10k, 10000U);
	rank = div_u64_rem(s->timed, 10000, &r) * per10k;
	rank += DIV_ROUND_UP(per10k * r, 10000);

	for (b = 0; b < VTEL_HIST_BUCKETS; b++) {
		cum += s->hist[b];
		if (cum >= rank) {
			v = vtel_hist_bucket_le(b);
			break;
		}
	}

	if (v > s->max_ns)
		v = s->max_ns;
	if (v < s->min_ns)
		v = s->min_ns;
	return v;
}

/*
 * handling / (guest + handling) in parts per million, rounded down. When
 * the sum does not fit in 64 bits both are halved first, which can round
 * the result up by at most 1 ppm.
 */
u32 vtel_overhead_ppm(u64 handling_ns, u64 guest_ns)
{
	u64 total;

	if (check_add_overflow(handling_ns, guest_ns, &total)) {
		handling_ns >>= 1;
		guest_ns >>= 1;
		total = handling_ns + guest_ns;
	}
	if (!total)
		return 0;
	return mul_u64_u64_div_u64(handling_ns, 1000000, total);
}
