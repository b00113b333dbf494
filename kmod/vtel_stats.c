// SPDX-License-Identifier: GPL-2.0
/*
 * The slow side of the exit statistics: bucket bounds, histogram carries,
 * summing slots into views, percentiles and the virtualisation overhead
 * ratio.
 */
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/math64.h>
#include <linux/overflow.h>

#include "vtel_stats.h"

/* Smallest value of bucket b (b <= VTEL_HIST_LAST). */
u64 vtel_hist_bucket_lo(unsigned int b)
{
	if (b < VTEL_HIST_SUB)
		return b;
	b = min_t(unsigned int, b, VTEL_HIST_LAST);
	return (u64)(VTEL_HIST_SUB + (b & (VTEL_HIST_SUB - 1))) <<
	       ((b >> VTEL_HIST_SUB_BITS) - 1);
}

/* Inclusive upper bound of bucket b; U64_MAX for the open last one. */
u64 vtel_hist_bucket_le(unsigned int b)
{
	if (b >= VTEL_HIST_LAST)
		return U64_MAX;
	return vtel_hist_bucket_lo(b + 1) - 1;
}

/*
 * Bucket b has just wrapped to 0: add 2^32 to its carry. Runs on the hot
 * path's thread, once per 2^32 samples of a bucket at most.
 */
void notrace vtel_hist_carry(struct vtel_hist *h, unsigned int b)
{
	unsigned int i, free = VTEL_HIST_CARRIES;

	for (i = 0; i < VTEL_HIST_CARRIES; i++) {
		if (h->carry[i].b1 == b + 1) {
			if (h->carry[i].hi == U16_MAX)
				break;
			WRITE_ONCE(h->carry[i].hi, h->carry[i].hi + 1);
			return;
		}
		if (!h->carry[i].b1 && free == VTEL_HIST_CARRIES)
			free = i;
	}
	if (i == VTEL_HIST_CARRIES && free < VTEL_HIST_CARRIES) {
		WRITE_ONCE(h->carry[free].hi, 1);
		/* Readers match on b1: publish it after hi. */
		smp_store_release(&h->carry[free].b1, b + 1);
		return;
	}
	WRITE_ONCE(h->lost, h->lost + 1);
}

/* The full count of bucket b. */
u64 vtel_hist_get(const struct vtel_hist *h, unsigned int b)
{
	u64 v = READ_ONCE(h->b[b]);
	unsigned int i;

	for (i = 0; i < VTEL_HIST_CARRIES; i++) {
		/* Pairs with the release in vtel_hist_carry(): hi is set. */
		if (smp_load_acquire(&h->carry[i].b1) == b + 1)
			return v + ((u64)READ_ONCE(h->carry[i].hi) << 32);
	}
	return v;
}

/* Sets bucket b to v (worker only); what the carries cannot hold is lost. */
static void vtel_hist_set(struct vtel_hist *h, unsigned int b, u64 v)
{
	u64 hi = v >> 32;
	unsigned int i, free = VTEL_HIST_CARRIES;

	h->b[b] = (u32)v;
	for (i = 0; i < VTEL_HIST_CARRIES; i++) {
		if (h->carry[i].b1 == b + 1)
			break;
		if (!h->carry[i].b1 && free == VTEL_HIST_CARRIES)
			free = i;
	}
	if (i == VTEL_HIST_CARRIES) {
		if (!hi)
			return;
		if (free == VTEL_HIST_CARRIES) {
			h->lost += min_t(u64, hi, U32_MAX - h->lost);
			return;
		}
		i = free;
		h->carry[i].hi = 0;
		/* Readers match on b1 (vtel_hist_get()): hi first. */
		smp_store_release(&h->carry[i].b1, b + 1);
	}
	if (hi > U16_MAX) {
		h->lost += min_t(u64, hi - U16_MAX, U32_MAX - h->lost);
		hi = U16_MAX;
	}
	WRITE_ONCE(h->carry[i].hi, hi);
}

static void vtel_minmax_merge(u64 *dmin, u64 *dmax, bool dtimed,
			      u64 smin, u64 smax)
{
	if (!dtimed || smin < *dmin)
		*dmin = smin;
	if (!dtimed || smax > *dmax)
		*dmax = smax;
}

/*
 * Adds a segment slot and its histogram (NULL if it has none) to a view.
 * Samples timed but not found in the buckets are counted as unbinned.
 */
void vtel_stats_add_slot(struct vtel_stats *dst, const struct vtel_slot *s,
			 const struct vtel_hist *h)
{
	u64 timed = READ_ONCE(s->timed), binned = 0;
	unsigned int b, i;

	if (timed)
		vtel_minmax_merge(&dst->min_ns, &dst->max_ns, dst->timed,
				  READ_ONCE(s->min_ns), READ_ONCE(s->max_ns));
	dst->count += READ_ONCE(s->count);
	dst->timed += timed;
	dst->total_ns += READ_ONCE(s->total_ns);
	vtel_split_add(&dst->split, &s->split);
	if (h) {
		/* vtel_hist_get() of every bucket: the carries looked up once. */
		for (b = 0; b < VTEL_HIST_BUCKETS; b++) {
			u64 v = READ_ONCE(h->b[b]);

			dst->hist[b] += v;
			binned += v;
		}
		for (i = 0; i < VTEL_HIST_CARRIES; i++) {
			/* Pairs with the release in vtel_hist_carry(). */
			unsigned int b1 = smp_load_acquire(&h->carry[i].b1);
			u64 v;

			if (!b1 || b1 > VTEL_HIST_BUCKETS)
				continue;
			v = (u64)READ_ONCE(h->carry[i].hi) << 32;
			dst->hist[b1 - 1] += v;
			binned += v;
		}
	}
	/* A racy read of a live slot can see a bucket before its timed. */
	if (timed > binned)
		dst->unbinned += timed - binned;
}

/*
 * Adds slot src into slot dst (the worker folding segments). A dst
 * without a histogram keeps only the counts and times.
 */
void vtel_slot_add(struct vtel_slot *dst, struct vtel_hist *dh,
		   const struct vtel_slot *src, const struct vtel_hist *sh)
{
	unsigned int b;

	if (src->timed)
		vtel_minmax_merge(&dst->min_ns, &dst->max_ns, dst->timed,
				  src->min_ns, src->max_ns);
	dst->count += src->count;
	dst->timed += src->timed;
	dst->total_ns += src->total_ns;
	vtel_split_add(&dst->split, &src->split);
	if (!dh || !sh)
		return;
	for (b = 0; b < VTEL_HIST_BUCKETS; b++) {
		u64 v = vtel_hist_get(sh, b);

		if (v)
			vtel_hist_set(dh, b, vtel_hist_get(dh, b) + v);
	}
	dh->lost += min(sh->lost, U32_MAX - dh->lost);
}

/* Sums src into dst; min/max only count from a side that has samples. */
void vtel_stats_merge(struct vtel_stats *dst, const struct vtel_stats *src)
{
	unsigned int b;

	if (src->timed)
		vtel_minmax_merge(&dst->min_ns, &dst->max_ns, dst->timed,
				  src->min_ns, src->max_ns);
	dst->count += src->count;
	dst->timed += src->timed;
	dst->total_ns += src->total_ns;
	dst->unbinned += src->unbinned;
	vtel_split_add(&dst->split, &src->split);
	for (b = 0; b < VTEL_HIST_BUCKETS; b++)
		dst->hist[b] += src->hist[b];
}

/*
 * Over the n samples in the buckets: the upper bound of the first bucket
 * whose cumulative count reaches rank = ceil(per10k * n / 10000), clamped
 * to [min_ns, max_ns]. per10k above 10000 means 10000. With
 * n = q * 10000 + r the rank is per10k * q + ceil(per10k * r / 10000):
 * neither term can overflow. 0 when no sample is in a bucket.
 *
 * One walk of the buckets for all @nr of @per10k, which must not
 * decrease: each rank's bucket is at or after the previous one's.
 */
void vtel_stats_percentiles(const struct vtel_stats *s,
			    const unsigned int *per10k, u64 *out,
			    unsigned int nr)
{
	u64 n = 0, rank, cum, v;
	unsigned int b, i, p;
	u32 r;

	for (b = 0; b < VTEL_HIST_BUCKETS; b++)
		n += s->hist[b];
	b = 0;
	cum = s->hist[0];
	for (i = 0; i < nr; i++) {
		if (!s->timed || !n) {
			out[i] = 0;
			continue;
		}
		p = min(per10k[i], 10000U);
		rank = div_u64_rem(n, 10000, &r) * p;
		rank += DIV_ROUND_UP(p * r, 10000);
		while (cum < rank && b < VTEL_HIST_LAST)
			cum += s->hist[++b];
		v = cum >= rank ? vtel_hist_bucket_le(b) : s->max_ns;
		if (v > s->max_ns)
			v = s->max_ns;
		if (v < s->min_ns)
			v = s->min_ns;
		out[i] = v;
	}
}

u64 vtel_stats_percentile(const struct vtel_stats *s, unsigned int per10k)
{
	u64 v;

	vtel_stats_percentiles(s, &per10k, &v, 1);
	return v;
}

/*
 * handling / (guest + handling) in parts per million, rounded down. When
 * the sum does not fit in 64 bits both are halved first, which can round
 * the result up by at most 1 ppm.
 */
/*
 * The share of @part_ns, a part of the handling time, in guest plus
 * handling time. The part and the total are read at different moments
 * while exits are counted, so the part can exceed the total: clamp, do
 * not wrap.
 */
u32 vtel_share_ppm(u64 part_ns, u64 handling_ns, u64 guest_ns)
{
	u64 rest = handling_ns > part_ns ? handling_ns - part_ns : 0;

	return vtel_overhead_ppm(part_ns, rest + guest_ns);
}

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
