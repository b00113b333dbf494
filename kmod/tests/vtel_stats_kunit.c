// SPDX-License-Identifier: GPL-2.0
/* KUnit tests for the exit statistics, histogram and percentiles. */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/module.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/time64.h>

#include "../vtel_stats.h"

#define LAST	VTEL_HIST_LAST
#define TOP	BIT_ULL(VTEL_HIST_TOP_BITS)	/* first value of LAST */

/* One segment slot with its histogram, and the view it sums into. */
struct fx {
	struct vtel_slot s;
	struct vtel_hist h;
	struct vtel_stats v;
};

static struct fx *fx_new(struct kunit *test)
{
	struct fx *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
	return f;
}

static void fx_clear(struct fx *f)
{
	memset(f, 0, sizeof(*f));
}

static void time_n(struct fx *f, u64 ns, unsigned int n)
{
	while (n--)
		vtel_slot_time(&f->s, &f->h, ns);
}

/* The view of the slot alone. */
static struct vtel_stats *view(struct fx *f)
{
	memset(&f->v, 0, sizeof(f->v));
	vtel_stats_add_slot(&f->v, &f->s, &f->h);
	return &f->v;
}

static u64 pct(struct fx *f, unsigned int per10k)
{
	return vtel_stats_percentile(view(f), per10k);
}

/* le(bucket(v)) is v or above it by less than v / 2^k. */
static bool within_bound(u64 v, u64 reported)
{
	return reported >= v &&
	       (reported - v) < (v >> VTEL_HIST_SUB_BITS) + (v < 16 ? 1 : 0) &&
	       (v >= 16 || reported == v);
}

static void vtel_stats_test_bucket_small(struct kunit *test)
{
	u64 v;

	for (v = 0; v < 16; v++) {
		KUNIT_EXPECT_EQ(test, vtel_hist_bucket(v), (unsigned int)v);
		KUNIT_EXPECT_EQ(test, vtel_hist_bucket_le((unsigned int)v), v);
		KUNIT_EXPECT_EQ(test, vtel_hist_bucket_lo((unsigned int)v), v);
	}
	/* [16, 32) in eight buckets of two */
	KUNIT_EXPECT_EQ(test, vtel_hist_bucket(16), 16U);
	KUNIT_EXPECT_EQ(test, vtel_hist_bucket(17), 16U);
	KUNIT_EXPECT_EQ(test, vtel_hist_bucket(18), 17U);
	KUNIT_EXPECT_EQ(test, vtel_hist_bucket(31), 23U);
	KUNIT_EXPECT_EQ(test, vtel_hist_bucket(32), 24U);
	KUNIT_EXPECT_EQ(test, vtel_hist_bucket_le(16), 17ULL);
	/* 1000 = 0b1111101000: octave 2^9, sub-bucket 7, width 64 */
	KUNIT_EXPECT_EQ(test, vtel_hist_bucket(1000), 6U * 8 + 15);
	KUNIT_EXPECT_EQ(test, vtel_hist_bucket_lo(63), 960ULL);
	KUNIT_EXPECT_EQ(test, vtel_hist_bucket_le(63), 1023ULL);
	KUNIT_EXPECT_EQ(test, vtel_hist_bucket(TOP - 1), (unsigned int)LAST - 1);
	KUNIT_EXPECT_EQ(test, vtel_hist_bucket(TOP), (unsigned int)LAST);
	KUNIT_EXPECT_EQ(test, vtel_hist_bucket(U64_MAX), (unsigned int)LAST);
	KUNIT_EXPECT_EQ(test, VTEL_HIST_BUCKETS, 281);
}

/* Every bucket: contiguous bounds, and narrower than 1/2^k of its start. */
static void vtel_stats_test_bucket_bounds(struct kunit *test)
{
	unsigned int b;

	KUNIT_EXPECT_EQ(test, vtel_hist_bucket_lo(0), 0ULL);
	for (b = 0; b < LAST; b++) {
		u64 lo = vtel_hist_bucket_lo(b), le = vtel_hist_bucket_le(b);

		KUNIT_EXPECT_LE_MSG(test, lo, le, "bucket %u", b);
		KUNIT_EXPECT_EQ_MSG(test, vtel_hist_bucket_lo(b + 1), le + 1,
				    "bucket %u", b);
		KUNIT_EXPECT_EQ_MSG(test, vtel_hist_bucket(lo), b, "lo %u", b);
		KUNIT_EXPECT_EQ_MSG(test, vtel_hist_bucket(le), b, "le %u", b);
		KUNIT_EXPECT_EQ_MSG(test, vtel_hist_bucket(le + 1), b + 1,
				    "le+1 %u", b);
		KUNIT_EXPECT_TRUE_MSG(test, within_bound(lo, le),
				      "bucket %u [%llu, %llu]", b, lo, le);
	}
	KUNIT_EXPECT_EQ(test, vtel_hist_bucket_le(LAST - 1), TOP - 1);
	KUNIT_EXPECT_EQ(test, vtel_hist_bucket_lo(LAST), TOP);
	KUNIT_EXPECT_EQ(test, vtel_hist_bucket_le(LAST), U64_MAX);
	KUNIT_EXPECT_EQ(test, vtel_hist_bucket_le(UINT_MAX), U64_MAX);
}

/* 2^p - 1, 2^p and 2^p + 1 for every p. */
static void vtel_stats_test_bucket_pow2(struct kunit *test)
{
	unsigned int p;

	for (p = 4; p < 64; p++) {
		u64 v = 1ULL << p;
		unsigned int want = p < VTEL_HIST_TOP_BITS ? (p - 2) * 8 : LAST;

		KUNIT_EXPECT_EQ_MSG(test, vtel_hist_bucket(v), want, "2^%u", p);
		KUNIT_EXPECT_EQ_MSG(test, vtel_hist_bucket(v + 1), want,
				    "2^%u+1", p);
		KUNIT_EXPECT_EQ_MSG(test, vtel_hist_bucket(v - 1),
				    p <= VTEL_HIST_TOP_BITS ? want - 1 : LAST,
				    "2^%u-1", p);
	}
}

/*
 * The bound at every decade 100 ns .. 100 s, their neighbours, and
 * the edges 0, 1 and U64_MAX: for the value itself, and as the percentile
 * of a population around it.
 */
static void vtel_stats_test_error_decades(struct kunit *test)
{
	struct fx *f = fx_new(test);
	u64 d, v;
	int j;

	for (d = 100; d <= 100ULL * NSEC_PER_SEC; d *= 10) {
		for (j = -1; j <= 1; j++) {
			u64 le;

			v = d + j;
			le = vtel_hist_bucket_le(vtel_hist_bucket(v));
			KUNIT_EXPECT_TRUE_MSG(test, within_bound(v, le),
					      "%llu ns -> le %llu", v, le);
		}
		/* 10 below, 80 at d, 10 far above: p50 and p90 are d. */
		fx_clear(f);
		time_n(f, d / 3, 10);
		time_n(f, d, 80);
		time_n(f, d * 7, 10);
		KUNIT_EXPECT_TRUE_MSG(test, within_bound(d, pct(f, 5000)),
				      "p50 of %llu: %llu", d, pct(f, 5000));
		KUNIT_EXPECT_TRUE_MSG(test, within_bound(d, pct(f, 9000)),
				      "p90 of %llu: %llu", d, pct(f, 9000));
		KUNIT_EXPECT_TRUE(test, within_bound(d * 7, pct(f, 9100)));
		KUNIT_EXPECT_TRUE(test, within_bound(d / 3, pct(f, 1000)));
	}

	/* 0 and 1: exact. */
	fx_clear(f);
	time_n(f, 0, 3);
	time_n(f, 1, 3);
	time_n(f, 2, 3);
	KUNIT_EXPECT_EQ(test, pct(f, 3333), 0ULL);
	KUNIT_EXPECT_EQ(test, pct(f, 3334), 1ULL);
	KUNIT_EXPECT_EQ(test, pct(f, 6666), 1ULL);
	KUNIT_EXPECT_EQ(test, pct(f, 6667), 2ULL);

	/* U64_MAX: the open bucket reports max. */
	fx_clear(f);
	time_n(f, U64_MAX, 2);
	KUNIT_EXPECT_EQ(test, pct(f, 5000), U64_MAX);
	KUNIT_EXPECT_EQ(test, view(f)->hist[LAST], 2ULL);
	/* ... and the last finite bucket still holds the bound. */
	fx_clear(f);
	time_n(f, TOP - 1, 1);
	time_n(f, U64_MAX, 1);
	KUNIT_EXPECT_EQ(test, pct(f, 5000), TOP - 1);
	time_n(f, (TOP >> 1) + 1, 2);
	KUNIT_EXPECT_TRUE(test, within_bound((TOP >> 1) + 1, pct(f, 5000)));
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * Pseudo-random samples over 1 ns .. 100 s: every percentile 0.01% ..
 * 100% against the exact one of the sorted samples.
 */
static void vtel_stats_test_error_random(struct kunit *test)
{
	const unsigned int n = 4000;
	struct fx *f = fx_new(test);
	u64 *x, seed = 42, rank, exact, got;
	unsigned int i, p;

	x = kunit_kcalloc(test, n, sizeof(*x), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, x);
	for (i = 0; i < n; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		/* log-uniform: 2^(0..36) times a 1..2 mantissa */
		x[i] = ((seed >> 11) & ((1ULL << 37) - 1)) >> ((seed >> 3) % 37);
		vtel_slot_time(&f->s, &f->h, x[i]);
	}
	sort(x, n, sizeof(*x), cmp_u64, NULL);
	for (p = 1; p <= 10000; p++) {
		rank = DIV_ROUND_UP((u64)p * n, 10000);
		exact = x[rank - 1];
		got = pct(f, p);
		if (!within_bound(exact, got)) {
			KUNIT_FAIL(test, "p%u.%02u: exact %llu, reported %llu",
				   p / 100, p % 100, exact, got);
			return;
		}
	}
	KUNIT_EXPECT_EQ(test, pct(f, 10000), x[n - 1]);
	KUNIT_EXPECT_EQ(test, pct(f, 0), x[0]);
}

static void vtel_stats_test_time(struct kunit *test)
{
	struct fx *f = fx_new(test);
	struct vtel_slot s = {};

	vtel_slot_time(&f->s, &f->h, 100);
	KUNIT_EXPECT_EQ(test, f->s.count, 0ULL);
	KUNIT_EXPECT_EQ(test, f->s.timed, 1ULL);
	KUNIT_EXPECT_EQ(test, f->s.total_ns, 100ULL);
	KUNIT_EXPECT_EQ(test, f->s.min_ns, 100ULL);	/* not the initial 0 */
	KUNIT_EXPECT_EQ(test, f->s.max_ns, 100ULL);
	KUNIT_EXPECT_EQ(test, f->h.b[vtel_hist_bucket(100)], 1U);

	vtel_slot_time(&f->s, &f->h, 0);
	vtel_slot_time(&f->s, &f->h, 5000);
	KUNIT_EXPECT_EQ(test, f->s.timed, 3ULL);
	KUNIT_EXPECT_EQ(test, f->s.total_ns, 5100ULL);
	KUNIT_EXPECT_EQ(test, f->s.min_ns, 0ULL);
	KUNIT_EXPECT_EQ(test, f->s.max_ns, 5000ULL);
	KUNIT_EXPECT_EQ(test, f->h.b[0], 1U);
	KUNIT_EXPECT_EQ(test, f->h.b[vtel_hist_bucket(5000)], 1U);

	/* Stale min/max are ignored while timed == 0. */
	fx_clear(f);
	f->s.min_ns = 1;
	f->s.max_ns = 1000000;
	vtel_slot_time(&f->s, &f->h, 500);
	KUNIT_EXPECT_EQ(test, f->s.min_ns, 500ULL);
	KUNIT_EXPECT_EQ(test, f->s.max_ns, 500ULL);

	/* No histogram: counts and times only, all of it unbinned. */
	vtel_slot_time(&s, NULL, 700);
	vtel_slot_time(&s, NULL, 900);
	KUNIT_EXPECT_EQ(test, s.timed, 2ULL);
	KUNIT_EXPECT_EQ(test, s.max_ns, 900ULL);
	memset(&f->v, 0, sizeof(f->v));
	vtel_stats_add_slot(&f->v, &s, NULL);
	KUNIT_EXPECT_EQ(test, f->v.timed, 2ULL);
	KUNIT_EXPECT_EQ(test, f->v.unbinned, 2ULL);
	KUNIT_EXPECT_EQ(test, vtel_stats_percentile(&f->v, 5000), 0ULL);
}

/* u32 buckets that wrap keep their high bits; past the table, lost. */
static void vtel_stats_test_carry(struct kunit *test)
{
	struct fx *f = fx_new(test);
	unsigned int i, b;

	b = vtel_hist_bucket(1000);
	f->h.b[b] = U32_MAX;
	f->s.timed = U32_MAX;
	f->s.min_ns = 1000;
	f->s.max_ns = 1000;
	vtel_slot_time(&f->s, &f->h, 1000);
	KUNIT_EXPECT_EQ(test, f->h.b[b], 0U);
	KUNIT_EXPECT_EQ(test, vtel_hist_get(&f->h, b), 1ULL << 32);
	KUNIT_EXPECT_EQ(test, view(f)->hist[b], 1ULL << 32);
	KUNIT_EXPECT_EQ(test, f->v.unbinned, 0ULL);
	vtel_slot_time(&f->s, &f->h, 1000);
	KUNIT_EXPECT_EQ(test, vtel_hist_get(&f->h, b), (1ULL << 32) + 1);
	/* wraps again: the same entry */
	f->h.b[b] = U32_MAX;
	vtel_slot_time(&f->s, &f->h, 1000);
	KUNIT_EXPECT_EQ(test, vtel_hist_get(&f->h, b), 2ULL << 32);

	/* Bucket 0 wraps too (handling times of 0 ns exist). */
	f->h.b[0] = U32_MAX;
	vtel_slot_time(&f->s, &f->h, 0);
	KUNIT_EXPECT_EQ(test, vtel_hist_get(&f->h, 0), 1ULL << 32);

	/* Fill the table, then one more bucket is lost and counted. */
	for (i = 1; i <= VTEL_HIST_CARRIES; i++) {
		f->h.b[LAST - i] = U32_MAX;
		vtel_hist_carry(&f->h, LAST - i);
		f->h.b[LAST - i] = 0;
	}
	KUNIT_EXPECT_EQ(test, f->h.lost, (u32)(VTEL_HIST_CARRIES - 2));
	KUNIT_EXPECT_EQ(test, vtel_hist_get(&f->h, LAST - 1), 1ULL << 32);
	KUNIT_EXPECT_EQ(test, vtel_hist_get(&f->h, LAST - 2), 1ULL << 32);
	KUNIT_EXPECT_EQ(test, vtel_hist_get(&f->h, LAST - 3), 0ULL);

	/* A full high word is lost rather than wrapped. */
	fx_clear(f);
	f->h.carry[0].b1 = 6;
	f->h.carry[0].hi = U16_MAX;
	vtel_hist_carry(&f->h, 5);
	KUNIT_EXPECT_EQ(test, f->h.carry[0].hi, (u16)U16_MAX);
	KUNIT_EXPECT_EQ(test, f->h.lost, 1U);
}

static void vtel_stats_test_pct_empty_one(struct kunit *test)
{
	struct fx *f = fx_new(test);

	KUNIT_EXPECT_EQ(test, pct(f, 0), 0ULL);
	KUNIT_EXPECT_EQ(test, pct(f, 5000), 0ULL);
	KUNIT_EXPECT_EQ(test, pct(f, 10000), 0ULL);
	/* Counted but never timed is still empty. */
	f->s.count = 42;
	KUNIT_EXPECT_EQ(test, pct(f, 9900), 0ULL);

	/* One sample: every percentile is that sample. */
	vtel_slot_time(&f->s, &f->h, 100);
	KUNIT_EXPECT_EQ(test, pct(f, 0), 100ULL);
	KUNIT_EXPECT_EQ(test, pct(f, 1), 100ULL);
	KUNIT_EXPECT_EQ(test, pct(f, 5000), 100ULL);
	KUNIT_EXPECT_EQ(test, pct(f, 9990), 100ULL);
	KUNIT_EXPECT_EQ(test, pct(f, 10000), 100ULL);
	KUNIT_EXPECT_EQ(test, pct(f, UINT_MAX), 100ULL);
}

static void vtel_stats_test_pct_one_bucket(struct kunit *test)
{
	struct fx *f = fx_new(test);

	/* Bucket [960, 1023]: the bound is clamped to min and max. */
	time_n(f, 970, 2);
	time_n(f, 1000, 2);
	KUNIT_EXPECT_EQ(test, pct(f, 0), 970ULL);
	KUNIT_EXPECT_EQ(test, pct(f, 5000), 1000ULL);
	KUNIT_EXPECT_EQ(test, pct(f, 10000), 1000ULL);

	/* Exactly the bucket's bound. */
	fx_clear(f);
	time_n(f, 960, 3);
	time_n(f, 1023, 1);
	KUNIT_EXPECT_EQ(test, pct(f, 5000), 1023ULL);
	time_n(f, 1024, 1);	/* next bucket, [1024, 1151] */
	KUNIT_EXPECT_EQ(test, pct(f, 10000), 1024ULL);
	time_n(f, 1100, 5);
	KUNIT_EXPECT_EQ(test, pct(f, 10000), 1100ULL);
	KUNIT_EXPECT_EQ(test, pct(f, 9000), 1100ULL);
	time_n(f, 1200, 1);
	KUNIT_EXPECT_EQ(test, pct(f, 9000), 1151ULL);
}

static void vtel_stats_test_pct_rank_rounding(struct kunit *test)
{
	struct fx *f = fx_new(test);

	/* 1000 samples: rank 999 exactly, the small bucket suffices. */
	time_n(f, 1, 999);
	time_n(f, 5000, 1);
	KUNIT_EXPECT_EQ(test, pct(f, 9990), 1ULL);
	KUNIT_EXPECT_EQ(test, pct(f, 9991), 5000ULL);

	/* 1001 samples: 999.999 rounds up to 1000 > 999 small ones. */
	fx_clear(f);
	time_n(f, 1, 999);
	time_n(f, 5000, 2);
	KUNIT_EXPECT_EQ(test, pct(f, 9990), 5000ULL);

	/* 1001 samples, 1000 small: rank 1000 stays in the small bucket. */
	fx_clear(f);
	time_n(f, 1, 1000);
	time_n(f, 5000, 1);
	KUNIT_EXPECT_EQ(test, pct(f, 9990), 1ULL);

	/* p50 of 3 samples is rank 2; of 4 samples also rank 2. */
	fx_clear(f);
	time_n(f, 20, 1);
	time_n(f, 97, 1);
	time_n(f, 200, 1);
	KUNIT_EXPECT_EQ(test, pct(f, 5000), 103ULL);	/* le of [96, 103] */
	time_n(f, 20, 1);
	KUNIT_EXPECT_EQ(test, pct(f, 5000), 21ULL);	/* le of [20, 21] */
}

/* Several percentiles in one walk: each as if asked for alone. */
static void vtel_stats_test_pct_many(struct kunit *test)
{
	static const unsigned int per10k[] = { 0, 1, 5000, 5000, 9000, 9900,
					       9990, 9999, 10000, 20000 };
	struct fx *f = fx_new(test);
	u64 out[ARRAY_SIZE(per10k)];
	unsigned int i;

	time_n(f, 3, 10);
	time_n(f, 700, 980);
	time_n(f, 90000, 9);
	time_n(f, 1ULL << 36, 1);
	/* A bucket past 2^32 (its carry) and one 0 ns sample. */
	f->h.b[vtel_hist_bucket(700)] = U32_MAX;
	vtel_slot_time(&f->s, &f->h, 700);
	vtel_slot_time(&f->s, &f->h, 0);
	vtel_stats_percentiles(view(f), per10k, out, ARRAY_SIZE(per10k));
	for (i = 0; i < ARRAY_SIZE(per10k); i++)
		KUNIT_EXPECT_EQ_MSG(test, out[i],
				    vtel_stats_percentile(&f->v, per10k[i]),
				    "per10k %u", per10k[i]);
	KUNIT_EXPECT_EQ(test, out[0], 0ULL);
	KUNIT_EXPECT_EQ(test, out[2], vtel_hist_bucket_le(vtel_hist_bucket(700)));
	KUNIT_EXPECT_EQ(test, out[9], 1ULL << 36);
	KUNIT_EXPECT_EQ(test, f->v.hist[vtel_hist_bucket(700)], 1ULL << 32);

	fx_clear(f);
	vtel_stats_percentiles(view(f), per10k, out, ARRAY_SIZE(per10k));
	for (i = 0; i < ARRAY_SIZE(per10k); i++)
		KUNIT_EXPECT_EQ(test, out[i], 0ULL);
}

/* Hand-built histograms with counts where per10k * n overflows. */
static void vtel_stats_test_pct_huge(struct kunit *test)
{
	const u64 t = U64_MAX / 10000 + 2;	/* 10000 * t overflows */
	const u64 h = U64_MAX / 3;		/* odd, 5000 * h overflows */
	struct fx *f = fx_new(test);
	struct vtel_stats *s = &f->v;
	const unsigned int lo = 2, hi = vtel_hist_bucket(600);

	s->timed = t;
	s->min_ns = 2;
	s->max_ns = 600;
	s->hist[lo] = t - 1;
	s->hist[hi] = 1;
	KUNIT_EXPECT_EQ(test, vtel_stats_percentile(s, 10000), 600ULL);
	KUNIT_EXPECT_EQ(test, vtel_stats_percentile(s, 9999), 2ULL);
	KUNIT_EXPECT_EQ(test, vtel_stats_percentile(s, 0), 2ULL);

	/* rank(p50) = (h + 1) / 2: one short of it in the low bucket ... */
	s->timed = h;
	s->hist[lo] = (h + 1) / 2 - 1;
	s->hist[hi] = h - s->hist[lo];
	KUNIT_EXPECT_EQ(test, vtel_stats_percentile(s, 5000), 600ULL);
	/* ... and exactly it. */
	s->hist[lo]++;
	s->hist[hi]--;
	KUNIT_EXPECT_EQ(test, vtel_stats_percentile(s, 5000), 2ULL);
	KUNIT_EXPECT_EQ(test, vtel_stats_percentile(s, 5001), 600ULL);

	/* n = U64_MAX: rank(p50) = 2^63 */
	memset(s, 0, sizeof(*s));
	s->timed = U64_MAX;
	s->min_ns = 1;
	s->max_ns = 1ULL << 40;
	s->hist[1] = (1ULL << 63) - 1;
	s->hist[LAST] = U64_MAX - s->hist[1];
	KUNIT_EXPECT_EQ(test, vtel_stats_percentile(s, 5000), 1ULL << 40);
	KUNIT_EXPECT_EQ(test, vtel_stats_percentile(s, 4999), 1ULL);
	KUNIT_EXPECT_EQ(test, vtel_stats_percentile(s, 10000), 1ULL << 40);

	/*
	 * Percentiles are over the samples in buckets: a view whose timed
	 * exceeds them (unbinned samples) still ranks within the buckets.
	 */
	memset(s, 0, sizeof(*s));
	s->timed = 10;
	s->unbinned = 6;
	s->min_ns = 1;
	s->max_ns = 77;
	s->hist[1] = 3;
	s->hist[vtel_hist_bucket(77)] = 1;
	KUNIT_EXPECT_EQ(test, vtel_stats_percentile(s, 7500), 1ULL);
	KUNIT_EXPECT_EQ(test, vtel_stats_percentile(s, 7501), 77ULL);
}

static void expect_stats_eq(struct kunit *test, const struct vtel_stats *a,
			    const struct vtel_stats *b)
{
	unsigned int i;

	KUNIT_EXPECT_EQ(test, a->count, b->count);
	KUNIT_EXPECT_EQ(test, a->timed, b->timed);
	KUNIT_EXPECT_EQ(test, a->total_ns, b->total_ns);
	KUNIT_EXPECT_EQ(test, a->unbinned, b->unbinned);
	if (a->timed && b->timed) {
		KUNIT_EXPECT_EQ(test, a->min_ns, b->min_ns);
		KUNIT_EXPECT_EQ(test, a->max_ns, b->max_ns);
	}
	for (i = 0; i < VTEL_HIST_BUCKETS; i++)
		KUNIT_EXPECT_EQ_MSG(test, a->hist[i], b->hist[i], "bucket %u", i);
}

static void vtel_stats_test_merge(struct kunit *test)
{
	struct fx *x = fx_new(test), *y = fx_new(test), *d = fx_new(test);
	struct vtel_stats *dst = &d->v, *zero = &y->v;

	/* empty + empty */
	vtel_stats_merge(dst, zero);
	KUNIT_EXPECT_EQ(test, memcmp(dst, zero, sizeof(*dst)), 0);

	/* empty + x: x's min wins over dst's meaningless 0 */
	x->s.count = 3;
	time_n(x, 50, 2);
	time_n(x, 60, 1);
	vtel_stats_merge(dst, view(x));
	KUNIT_EXPECT_EQ(test, memcmp(dst, &x->v, sizeof(*dst)), 0);
	KUNIT_EXPECT_EQ(test, dst->min_ns, 50ULL);

	/* x + empty, and x + counted-but-untimed */
	vtel_stats_merge(dst, zero);
	KUNIT_EXPECT_EQ(test, memcmp(dst, &x->v, sizeof(*dst)), 0);
	y->s.count = 7;
	y->s.max_ns = 1000000;	/* stale, timed == 0 */
	vtel_stats_add_slot(dst, &y->s, &y->h);
	KUNIT_EXPECT_EQ(test, dst->count, 10ULL);
	KUNIT_EXPECT_EQ(test, dst->timed, 3ULL);
	KUNIT_EXPECT_EQ(test, dst->min_ns, 50ULL);
	KUNIT_EXPECT_EQ(test, dst->max_ns, 60ULL);

	/* both sides timed */
	fx_clear(y);
	y->s.count = 2;
	time_n(y, 10, 1);
	time_n(y, 55, 1);
	vtel_stats_add_slot(dst, &y->s, &y->h);
	KUNIT_EXPECT_EQ(test, dst->count, 12ULL);
	KUNIT_EXPECT_EQ(test, dst->timed, 5ULL);
	KUNIT_EXPECT_EQ(test, dst->total_ns, 225ULL);
	KUNIT_EXPECT_EQ(test, dst->min_ns, 10ULL);
	KUNIT_EXPECT_EQ(test, dst->max_ns, 60ULL);
	KUNIT_EXPECT_EQ(test, dst->hist[10], 1ULL);
	KUNIT_EXPECT_EQ(test, dst->hist[vtel_hist_bucket(50)], 2ULL); /* [48, 51] */
	KUNIT_EXPECT_EQ(test, dst->hist[vtel_hist_bucket(55)], 1ULL); /* [52, 55] */
	KUNIT_EXPECT_EQ(test, dst->hist[vtel_hist_bucket(60)], 1ULL); /* [60, 63] */

	/* a slot without histogram adds its samples as unbinned */
	fx_clear(y);
	vtel_slot_time(&y->s, NULL, 70);
	vtel_stats_add_slot(dst, &y->s, NULL);
	KUNIT_EXPECT_EQ(test, dst->min_ns, 10ULL);
	KUNIT_EXPECT_EQ(test, dst->max_ns, 70ULL);
	KUNIT_EXPECT_EQ(test, dst->unbinned, 1ULL);
	vtel_stats_merge(dst, dst);	/* doubles everything */
	KUNIT_EXPECT_EQ(test, dst->unbinned, 2ULL);
	KUNIT_EXPECT_EQ(test, dst->timed, 12ULL);
}

/* Folding segment slots (the worker's vtel_slot_add), carries included. */
static void vtel_stats_test_slot_add(struct kunit *test)
{
	struct fx *a = fx_new(test), *b = fx_new(test);
	unsigned int k = vtel_hist_bucket(3000);

	time_n(a, 3000, 5);
	time_n(b, 3000, 2);
	time_n(b, 10, 1);
	b->s.count = 3;
	a->h.b[k] = U32_MAX - 1;	/* the fold crosses 2^32 */
	vtel_slot_add(&a->s, &a->h, &b->s, &b->h);
	KUNIT_EXPECT_EQ(test, a->s.count, 3ULL);
	KUNIT_EXPECT_EQ(test, a->s.timed, 8ULL);
	KUNIT_EXPECT_EQ(test, a->s.total_ns, 21010ULL);
	KUNIT_EXPECT_EQ(test, a->s.min_ns, 10ULL);
	KUNIT_EXPECT_EQ(test, a->s.max_ns, 3000ULL);
	KUNIT_EXPECT_EQ(test, vtel_hist_get(&a->h, k), 1ULL << 32);
	KUNIT_EXPECT_EQ(test, vtel_hist_get(&a->h, 10), 1ULL);
	KUNIT_EXPECT_EQ(test, a->h.lost, 0U);
	/* and again: the carry entry is updated, not duplicated */
	vtel_slot_add(&a->s, &a->h, &b->s, &b->h);
	KUNIT_EXPECT_EQ(test, vtel_hist_get(&a->h, k), (1ULL << 32) + 2);
	KUNIT_EXPECT_EQ(test, a->h.carry[1].b1, 0);

	/* into a slot without histogram: counts only */
	fx_clear(a);
	vtel_slot_add(&a->s, NULL, &b->s, &b->h);
	KUNIT_EXPECT_EQ(test, a->s.timed, 3ULL);
	KUNIT_EXPECT_EQ(test, a->h.b[k], 0U);
}

/*
 * Per-vCPU slots summed into a per-VM view and the per-VM views into a
 * host view must equal one slot fed every sample.
 */
static void vtel_stats_test_aggregate(struct kunit *test)
{
	struct fx *vcpu, *all = fx_new(test), *vm = fx_new(test);
	struct fx *vm2 = fx_new(test), *host = fx_new(test);
	unsigned int v, i;
	u64 ns;

	vcpu = kunit_kcalloc(test, 8, sizeof(*vcpu), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, vcpu);

	for (v = 0; v < 8; v++) {
		for (i = 0; i < 100 * v; i++) {
			ns = (u64)(v + 1) * 37 * (i + 1) + (i % 7);
			vcpu[v].s.count++;
			all->s.count++;
			vtel_slot_time(&vcpu[v].s, &vcpu[v].h, ns);
			vtel_slot_time(&all->s, &all->h, ns);
		}
		vcpu[v].s.count += v;	/* exits without a matching entry */
		all->s.count += v;
		vtel_stats_add_slot(v % 2 ? &vm->v : &vm2->v, &vcpu[v].s,
				    &vcpu[v].h);
	}
	vtel_stats_merge(&host->v, &vm->v);
	vtel_stats_merge(&host->v, &vm2->v);

	expect_stats_eq(test, &host->v, view(all));
	for (i = 0; i <= 10000; i += 10)
		KUNIT_EXPECT_EQ_MSG(test, vtel_stats_percentile(&host->v, i),
				    vtel_stats_percentile(&all->v, i),
				    "per10k %u", i);

	/* Summing in the other order gives the same. */
	memset(&host->v, 0, sizeof(host->v));
	for (v = 8; v-- > 0;)
		vtel_stats_add_slot(&host->v, &vcpu[v].s, &vcpu[v].h);
	KUNIT_EXPECT_EQ(test, memcmp(&host->v, &all->v, sizeof(host->v)), 0);
}

static void vtel_stats_test_overhead(struct kunit *test)
{
	u32 r;

	KUNIT_EXPECT_EQ(test, vtel_overhead_ppm(0, 0), 0U);
	KUNIT_EXPECT_EQ(test, vtel_overhead_ppm(1, 0), 1000000U);
	KUNIT_EXPECT_EQ(test, vtel_overhead_ppm(12345, 0), 1000000U);
	KUNIT_EXPECT_EQ(test, vtel_overhead_ppm(0, 1), 0U);
	KUNIT_EXPECT_EQ(test, vtel_overhead_ppm(0, U64_MAX), 0U);
	KUNIT_EXPECT_EQ(test, vtel_overhead_ppm(1, 1), 500000U);
	KUNIT_EXPECT_EQ(test, vtel_overhead_ppm(1, 3), 250000U);
	KUNIT_EXPECT_EQ(test, vtel_overhead_ppm(1, 2), 333333U);
	KUNIT_EXPECT_EQ(test, vtel_overhead_ppm(1, 999999), 1U);
	KUNIT_EXPECT_EQ(test, vtel_overhead_ppm(1, 1000000), 0U);
	KUNIT_EXPECT_EQ(test, vtel_overhead_ppm(U64_MAX, 0), 1000000U);
	KUNIT_EXPECT_EQ(test, vtel_overhead_ppm(U64_MAX, U64_MAX), 500000U);
	KUNIT_EXPECT_EQ(test, vtel_overhead_ppm(U64_MAX / 2, U64_MAX / 2),
			500000U);
	/* handling * 10^6 overflows, the sum does not. */
	KUNIT_EXPECT_EQ(test, vtel_overhead_ppm(1ULL << 61, 3ULL << 61),
			250000U);
	/* The sum overflows: at most 1 ppm of rounding. */
	KUNIT_EXPECT_EQ(test, vtel_overhead_ppm(3ULL << 62, 1ULL << 62),
			750000U);
	KUNIT_EXPECT_EQ(test, vtel_overhead_ppm(1ULL << 62, 3ULL << 62),
			250000U);
	KUNIT_EXPECT_EQ(test, vtel_overhead_ppm(1ULL << 62, U64_MAX), 200000U);
	r = vtel_overhead_ppm(U64_MAX, 1);
	KUNIT_EXPECT_TRUE(test, r == 999999U || r == 1000000U);
	KUNIT_EXPECT_EQ(test, vtel_overhead_ppm(1, U64_MAX), 0U);
	KUNIT_EXPECT_EQ(test, vtel_overhead_ppm(U64_MAX, U64_MAX / 1000), 999000U);
}

/* A category's time read after the total it is part of: no wrap. */
static void vtel_stats_test_share(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, vtel_share_ppm(0, 0, 0), 0U);
	KUNIT_EXPECT_EQ(test, vtel_share_ppm(250, 500, 500), 250000U);
	KUNIT_EXPECT_EQ(test, vtel_share_ppm(500, 500, 0), 1000000U);
	/* The part grew past the total between the two reads. */
	KUNIT_EXPECT_EQ(test, vtel_share_ppm(300, 200, 700), 300000U);
	KUNIT_EXPECT_EQ(test, vtel_share_ppm(300, 200, 0), 1000000U);
	KUNIT_EXPECT_LE(test, vtel_share_ppm(U64_MAX, 1, 1), 1000000U);
}

static struct kunit_case vtel_stats_cases[] = {
	KUNIT_CASE(vtel_stats_test_share),
	KUNIT_CASE(vtel_stats_test_bucket_small),
	KUNIT_CASE(vtel_stats_test_bucket_bounds),
	KUNIT_CASE(vtel_stats_test_bucket_pow2),
	KUNIT_CASE(vtel_stats_test_error_decades),
	KUNIT_CASE(vtel_stats_test_error_random),
	KUNIT_CASE(vtel_stats_test_time),
	KUNIT_CASE(vtel_stats_test_carry),
	KUNIT_CASE(vtel_stats_test_pct_empty_one),
	KUNIT_CASE(vtel_stats_test_pct_one_bucket),
	KUNIT_CASE(vtel_stats_test_pct_rank_rounding),
	KUNIT_CASE(vtel_stats_test_pct_huge),
	KUNIT_CASE(vtel_stats_test_pct_many),
	KUNIT_CASE(vtel_stats_test_merge),
	KUNIT_CASE(vtel_stats_test_slot_add),
	KUNIT_CASE(vtel_stats_test_aggregate),
	KUNIT_CASE(vtel_stats_test_overhead),
	{}
};

static struct kunit_suite vtel_stats_suite = {
	.name = "vtel_stats",
	.test_cases = vtel_stats_cases,
};

kunit_test_suites(&vtel_stats_suite);

MODULE_DESCRIPTION("KUnit tests for vtel exit statistics");
MODULE_LICENSE("GPL");
