// SPDX-License-Identifier: GPL-2.0
/* KUnit tests for the exit statistics, histogram and percentiles. */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/module.h>
#include <linux/string.h>

#include "../vtel_stats.h"

#define LAST	(VTEL_HIST_BUCKETS - 1)

static void vtel_stats_test_bucket_small(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, vtel_hist_bucket(0), 0U);
	KUNIT_EXPECT_EQ(test, vtel_hist_bucket(1), 1U);
	KUNIT_EXPECT_EQ(test, vtel_hist_bucket(2), 2U);
	KUNIT_EXPECT_EQ(test, vtel_hist_bucket(3), 2U);
	KUNIT_EXPECT_EQ(test, vtel_hist_bucket(4), 3U);
	KUNIT_EXPECT_EQ(test, vtel_hist_bucket(7), 3U);
	KUNIT_EXPECT_EQ(test, vtel_hist_bucket(8), 4U);
	KUNIT_EXPECT_EQ(test, vtel_hist_bucket(1000), 10U);
	KUNIT_EXPECT_EQ(test, vtel_hist_bucket(1ULL << 29), 30U);
	KUNIT_EXPECT_EQ(test, vtel_hist_bucket((1ULL << 30) - 1), 30U);
	KUNIT_EXPECT_EQ(test, vtel_hist_bucket(1ULL << 30), (unsigned int)LAST);
	KUNIT_EXPECT_EQ(test, vtel_hist_bucket(U64_MAX), (unsigned int)LAST);
}

/* 2^k - 1, 2^k and 2^k + 1 for every k, clamped to the last bucket. */
static void vtel_stats_test_bucket_pow2(struct kunit *test)
{
	unsigned int k;

	for (k = 1; k < 64; k++) {
		u64 p = 1ULL << k;

		KUNIT_EXPECT_EQ_MSG(test, vtel_hist_bucket(p - 1),
				    min(k, (unsigned int)LAST), "2^%u-1", k);
		KUNIT_EXPECT_EQ_MSG(test, vtel_hist_bucket(p),
				    min(k + 1, (unsigned int)LAST), "2^%u", k);
		KUNIT_EXPECT_EQ_MSG(test, vtel_hist_bucket(p + 1),
				    min(k + 1, (unsigned int)LAST), "2^%u+1", k);
	}
}

static void vtel_stats_test_bucket_le(struct kunit *test)
{
	unsigned int b;

	KUNIT_EXPECT_EQ(test, vtel_hist_bucket_le(0), 0ULL);
	KUNIT_EXPECT_EQ(test, vtel_hist_bucket_le(1), 1ULL);
	KUNIT_EXPECT_EQ(test, vtel_hist_bucket_le(2), 3ULL);
	KUNIT_EXPECT_EQ(test, vtel_hist_bucket_le(10), 1023ULL);
	KUNIT_EXPECT_EQ(test, vtel_hist_bucket_le(LAST - 1), (1ULL << 30) - 1);
	KUNIT_EXPECT_EQ(test, vtel_hist_bucket_le(LAST), U64_MAX);
	KUNIT_EXPECT_EQ(test, vtel_hist_bucket_le(VTEL_HIST_BUCKETS), U64_MAX);
	KUNIT_EXPECT_EQ(test, vtel_hist_bucket_le(UINT_MAX), U64_MAX);

	/* le(b) is the last value of bucket b, le(b) + 1 the first of b + 1. */
	for (b = 0; b < LAST; b++) {
		KUNIT_EXPECT_EQ(test, vtel_hist_bucket(vtel_hist_bucket_le(b)), b);
		KUNIT_EXPECT_EQ(test, vtel_hist_bucket(vtel_hist_bucket_le(b) + 1),
				b + 1);
	}
	KUNIT_EXPECT_EQ(test, vtel_hist_bucket(vtel_hist_bucket_le(LAST)),
			(unsigned int)LAST);
}

static void vtel_stats_test_time(struct kunit *test)
{
	struct vtel_stats s = {};

	vtel_stats_time(&s, 100);
	KUNIT_EXPECT_EQ(test, s.count, 0ULL);
	KUNIT_EXPECT_EQ(test, s.timed, 1ULL);
	KUNIT_EXPECT_EQ(test, s.total_ns, 100ULL);
	KUNIT_EXPECT_EQ(test, s.min_ns, 100ULL);	/* not the initial 0 */
	KUNIT_EXPECT_EQ(test, s.max_ns, 100ULL);
	KUNIT_EXPECT_EQ(test, s.hist[7], 1ULL);

	vtel_stats_time(&s, 0);
	vtel_stats_time(&s, 5000);
	KUNIT_EXPECT_EQ(test, s.timed, 3ULL);
	KUNIT_EXPECT_EQ(test, s.total_ns, 5100ULL);
	KUNIT_EXPECT_EQ(test, s.min_ns, 0ULL);
	KUNIT_EXPECT_EQ(test, s.max_ns, 5000ULL);
	KUNIT_EXPECT_EQ(test, s.hist[0], 1ULL);
	KUNIT_EXPECT_EQ(test, s.hist[13], 1ULL);

	/* Stale min/max are ignored while timed == 0. */
	memset(&s, 0, sizeof(s));
	s.min_ns = 1;
	s.max_ns = 1000000;
	vtel_stats_time(&s, 500);
	KUNIT_EXPECT_EQ(test, s.min_ns, 500ULL);
	KUNIT_EXPECT_EQ(test, s.max_ns, 500ULL);

	memset(&s, 0, sizeof(s));
	vtel_stats_time(&s, U64_MAX);
	KUNIT_EXPECT_EQ(test, s.min_ns, U64_MAX);
	KUNIT_EXPECT_EQ(test, s.max_ns, U64_MAX);
	KUNIT_EXPECT_EQ(test, s.hist[LAST], 1ULL);
}

static u64 pct(const struct vtel_stats *s, unsigned int per10k)
{
	return vtel_stats_percentile(s, per10k);
}

static void time_n(struct vtel_stats *s, u64 ns, unsigned int n)
{
	while (n--)
		vtel_stats_time(s, ns);
}

static void vtel_stats_test_pct_empty_one(struct kunit *test)
{
	struct vtel_stats s = {};

	KUNIT_EXPECT_EQ(test, pct(&s, 0), 0ULL);
	KUNIT_EXPECT_EQ(test, pct(&s, 5000), 0ULL);
	KUNIT_EXPECT_EQ(test, pct(&s, 10000), 0ULL);
	/* Counted but never timed is still empty. */
	s.count = 42;
	KUNIT_EXPECT_EQ(test, pct(&s, 9900), 0ULL);

	/* One sample: every percentile is that sample. */
	vtel_stats_time(&s, 100);
	KUNIT_EXPECT_EQ(test, pct(&s, 0), 100ULL);
	KUNIT_EXPECT_EQ(test, pct(&s, 1), 100ULL);
	KUNIT_EXPECT_EQ(test, pct(&s, 5000), 100ULL);
	KUNIT_EXPECT_EQ(test, pct(&s, 9990), 100ULL);
	KUNIT_EXPECT_EQ(test, pct(&s, 10000), 100ULL);
	KUNIT_EXPECT_EQ(test, pct(&s, UINT_MAX), 100ULL);

	memset(&s, 0, sizeof(s));
	vtel_stats_time(&s, 0);
	KUNIT_EXPECT_EQ(test, pct(&s, 5000), 0ULL);
	KUNIT_EXPECT_EQ(test, pct(&s, 10000), 0ULL);
}

static void vtel_stats_test_pct_one_bucket(struct kunit *test)
{
	struct vtel_stats s = {};

	/* Bucket 10 is [512, 1023]: the bound is clamped to min and max. */
	time_n(&s, 600, 10);
	time_n(&s, 700, 10);
	KUNIT_EXPECT_EQ(test, pct(&s, 0), 600ULL);
	KUNIT_EXPECT_EQ(test, pct(&s, 5000), 700ULL);
	KUNIT_EXPECT_EQ(test, pct(&s, 9900), 700ULL);
	KUNIT_EXPECT_EQ(test, pct(&s, 10000), 700ULL);

	/* Exactly the bucket's bound. */
	memset(&s, 0, sizeof(s));
	time_n(&s, 512, 3);
	time_n(&s, 1023, 1);
	KUNIT_EXPECT_EQ(test, pct(&s, 5000), 1023ULL);

	/* The open-ended last bucket reports max, not U64_MAX. */
	memset(&s, 0, sizeof(s));
	time_n(&s, 1ULL << 40, 5);
	time_n(&s, 3ULL << 40, 5);
	KUNIT_EXPECT_EQ(test, pct(&s, 0), 1ULL << 40);
	KUNIT_EXPECT_EQ(test, pct(&s, 5000), 3ULL << 40);
	KUNIT_EXPECT_EQ(test, pct(&s, 10000), 3ULL << 40);
	vtel_stats_time(&s, U64_MAX);
	KUNIT_EXPECT_EQ(test, pct(&s, 10000), U64_MAX);
}

static void vtel_stats_test_pct_spread(struct kunit *test)
{
	struct vtel_stats s = {};

	time_n(&s, 10, 90);		/* bucket 4, le 15 */
	time_n(&s, 1000, 9);		/* bucket 10, le 1023 */
	time_n(&s, 1000000, 1);		/* bucket 20, le 1048575 */
	KUNIT_EXPECT_EQ(test, pct(&s, 0), 10ULL);
	KUNIT_EXPECT_EQ(test, pct(&s, 5000), 15ULL);
	KUNIT_EXPECT_EQ(test, pct(&s, 9000), 15ULL);	/* rank 90 */
	KUNIT_EXPECT_EQ(test, pct(&s, 9001), 1023ULL);	/* rank 91 */
	KUNIT_EXPECT_EQ(test, pct(&s, 9900), 1023ULL);	/* rank 99 */
	KUNIT_EXPECT_EQ(test, pct(&s, 9901), 1000000ULL);
	KUNIT_EXPECT_EQ(test, pct(&s, 9990), 1000000ULL);	/* clamped */
	KUNIT_EXPECT_EQ(test, pct(&s, 10000), 1000000ULL);
}

/* p99.9 rounds its rank up: ceil(9990 * timed / 10000). */
static void vtel_stats_test_pct_rank_rounding(struct kunit *test)
{
	struct vtel_stats s = {};

	/* 1000 samples: rank 999 exactly, the small bucket suffices. */
	time_n(&s, 1, 999);
	time_n(&s, 5000, 1);
	KUNIT_EXPECT_EQ(test, pct(&s, 9990), 1ULL);
	KUNIT_EXPECT_EQ(test, pct(&s, 9991), 5000ULL);

	/* 1001 samples: 999.999 rounds up to 1000 > 999 small ones. */
	memset(&s, 0, sizeof(s));
	time_n(&s, 1, 999);
	time_n(&s, 5000, 2);
	KUNIT_EXPECT_EQ(test, pct(&s, 9990), 5000ULL);

	/* 1001 samples, 1000 small: rank 1000 stays in the small bucket. */
	memset(&s, 0, sizeof(s));
	time_n(&s, 1, 1000);
	time_n(&s, 5000, 1);
	KUNIT_EXPECT_EQ(test, pct(&s, 9990), 1ULL);

	/* p50 of 3 samples is rank 2; of 4 samples also rank 2. */
	memset(&s, 0, sizeof(s));
	time_n(&s, 2, 1);
	time_n(&s, 100, 2);
	KUNIT_EXPECT_EQ(test, pct(&s, 5000), 100ULL);
	vtel_stats_time(&s, 2);
	KUNIT_EXPECT_EQ(test, pct(&s, 5000), 3ULL);	/* le of [2, 3] */
}

/* Hand-built histograms with counts where per10k * timed overflows. */
static void vtel_stats_test_pct_huge(struct kunit *test)
{
	const u64 t = U64_MAX / 10000 + 2;	/* 10000 * t overflows */
	const u64 h = U64_MAX / 3;		/* odd, 5000 * h overflows */
	struct vtel_stats s = {};

	s.timed = t;
	s.min_ns = 2;
	s.max_ns = 600;
	s.hist[2] = t - 1;
	s.hist[10] = 1;
	KUNIT_EXPECT_EQ(test, pct(&s, 10000), 600ULL);
	KUNIT_EXPECT_EQ(test, pct(&s, 9999), 3ULL);
	KUNIT_EXPECT_EQ(test, pct(&s, 0), 2ULL);

	/* rank(p50) = (h + 1) / 2: one short of it in the low bucket ... */
	s.timed = h;
	s.hist[2] = (h + 1) / 2 - 1;
	s.hist[10] = h - s.hist[2];
	KUNIT_EXPECT_EQ(test, pct(&s, 5000), 600ULL);
	/* ... and exactly it. */
	s.hist[2]++;
	s.hist[10]--;
	KUNIT_EXPECT_EQ(test, pct(&s, 5000), 3ULL);
	KUNIT_EXPECT_EQ(test, pct(&s, 5001), 600ULL);

	/* timed = U64_MAX: rank(p50) = 2^63 */
	memset(&s, 0, sizeof(s));
	s.timed = U64_MAX;
	s.min_ns = 1;
	s.max_ns = 1ULL << 35;
	s.hist[1] = (1ULL << 63) - 1;
	s.hist[LAST] = U64_MAX - s.hist[1];
	KUNIT_EXPECT_EQ(test, pct(&s, 5000), 1ULL << 35);
	KUNIT_EXPECT_EQ(test, pct(&s, 4999), 1ULL);
	KUNIT_EXPECT_EQ(test, pct(&s, 10000), 1ULL << 35);

	/* rank(p99.99) = U64_MAX - U64_MAX / 10000 */
	memset(&s, 0, sizeof(s));
	s.timed = U64_MAX;
	s.min_ns = 1;
	s.max_ns = 100;
	s.hist[1] = U64_MAX - U64_MAX / 10000;
	s.hist[7] = U64_MAX / 10000;
	KUNIT_EXPECT_EQ(test, pct(&s, 9999), 1ULL);
	s.hist[1]--;
	s.hist[7]++;
	KUNIT_EXPECT_EQ(test, pct(&s, 9999), 100ULL);

	/* A histogram short of timed (racy read) falls back to max. */
	memset(&s, 0, sizeof(s));
	s.timed = 10;
	s.min_ns = 1;
	s.max_ns = 77;
	s.hist[1] = 4;
	KUNIT_EXPECT_EQ(test, pct(&s, 9000), 77ULL);
}

static void expect_stats_eq(struct kunit *test, const struct vtel_stats *a,
			    const struct vtel_stats *b)
{
	unsigned int i;

	KUNIT_EXPECT_EQ(test, a->count, b->count);
	KUNIT_EXPECT_EQ(test, a->timed, b->timed);
	KUNIT_EXPECT_EQ(test, a->total_ns, b->total_ns);
	if (a->timed && b->timed) {
		KUNIT_EXPECT_EQ(test, a->min_ns, b->min_ns);
		KUNIT_EXPECT_EQ(test, a->max_ns, b->max_ns);
	}
	for (i = 0; i < VTEL_HIST_BUCKETS; i++)
		KUNIT_EXPECT_EQ_MSG(test, a->hist[i], b->hist[i], "bucket %u", i);
}

static void vtel_stats_test_merge(struct kunit *test)
{
	struct vtel_stats zero = {}, dst = {}, x = {}, y = {};

	/* empty + empty */
	vtel_stats_merge(&dst, &zero);
	KUNIT_EXPECT_EQ(test, memcmp(&dst, &zero, sizeof(dst)), 0);

	/* empty + x: x's min wins over dst's meaningless 0 */
	x.count = 3;
	time_n(&x, 50, 2);
	vtel_stats_time(&x, 60);
	vtel_stats_merge(&dst, &x);
	KUNIT_EXPECT_EQ(test, memcmp(&dst, &x, sizeof(dst)), 0);
	KUNIT_EXPECT_EQ(test, dst.min_ns, 50ULL);

	/* x + empty, and x + counted-but-untimed */
	vtel_stats_merge(&dst, &zero);
	KUNIT_EXPECT_EQ(test, memcmp(&dst, &x, sizeof(dst)), 0);
	y.count = 7;
	y.max_ns = 1000000;	/* stale, timed == 0 */
	vtel_stats_merge(&dst, &y);
	KUNIT_EXPECT_EQ(test, dst.count, 10ULL);
	KUNIT_EXPECT_EQ(test, dst.timed, 3ULL);
	KUNIT_EXPECT_EQ(test, dst.min_ns, 50ULL);
	KUNIT_EXPECT_EQ(test, dst.max_ns, 60ULL);

	/* both sides timed */
	memset(&y, 0, sizeof(y));
	y.count = 2;
	vtel_stats_time(&y, 10);
	vtel_stats_time(&y, 55);
	vtel_stats_merge(&dst, &y);
	KUNIT_EXPECT_EQ(test, dst.count, 12ULL);
	KUNIT_EXPECT_EQ(test, dst.timed, 5ULL);
	KUNIT_EXPECT_EQ(test, dst.total_ns, 225ULL);
	KUNIT_EXPECT_EQ(test, dst.min_ns, 10ULL);
	KUNIT_EXPECT_EQ(test, dst.max_ns, 60ULL);
	KUNIT_EXPECT_EQ(test, dst.hist[4], 1ULL);	/* 10 */
	KUNIT_EXPECT_EQ(test, dst.hist[6], 4ULL);	/* 50, 50, 55, 60 */

	memset(&y, 0, sizeof(y));
	vtel_stats_time(&y, 70);
	vtel_stats_merge(&dst, &y);
	KUNIT_EXPECT_EQ(test, dst.min_ns, 10ULL);
	KUNIT_EXPECT_EQ(test, dst.max_ns, 70ULL);
}

/*
 * Per-vCPU stats summed into a per-VM view and the per-VM views into a
 * host view must equal one stats fed every sample.
 */
static void vtel_stats_test_aggregate(struct kunit *test)
{
	struct vtel_stats *vcpu, all = {}, vm[2] = {}, host = {};
	unsigned int v, i;
	u64 ns;

	vcpu = kunit_kcalloc(test, 8, sizeof(*vcpu), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, vcpu);

	for (v = 0; v < 8; v++) {
		for (i = 0; i < 100 * v; i++) {
			ns = (u64)(v + 1) * 37 * (i + 1) + (i % 7);
			vcpu[v].count++;
			all.count++;
			vtel_stats_time(&vcpu[v], ns);
			vtel_stats_time(&all, ns);
		}
		vcpu[v].count += v;	/* exits without a matching entry */
		all.count += v;
		vtel_stats_merge(&vm[v % 2], &vcpu[v]);
	}
	vtel_stats_merge(&host, &vm[0]);
	vtel_stats_merge(&host, &vm[1]);

	expect_stats_eq(test, &host, &all);
	KUNIT_EXPECT_EQ(test, host.min_ns, all.min_ns);
	KUNIT_EXPECT_EQ(test, host.max_ns, all.max_ns);
	for (i = 0; i <= 10000; i += 10)
		KUNIT_EXPECT_EQ_MSG(test, pct(&host, i), pct(&all, i),
				    "per10k %u", i);

	/* Merging in the other order gives the same. */
	memset(&host, 0, sizeof(host));
	for (v = 8; v-- > 0;)
		vtel_stats_merge(&host, &vcpu[v]);
	KUNIT_EXPECT_EQ(test, memcmp(&host, &all, sizeof(host)), 0);
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

static struct kunit_case vtel_stats_cases[] = {
	KUNIT_CASE(vtel_stats_test_bucket_small),
	KUNIT_CASE(vtel_stats_test_bucket_pow2),
	KUNIT_CASE(vtel_stats_test_bucket_le),
	KUNIT_CASE(vtel_stats_test_time),
	KUNIT_CASE(vtel_stats_test_pct_empty_one),
	KUNIT_CASE(vtel_stats_test_pct_one_bucket),
	KUNIT_CASE(vtel_stats_test_pct_spread),
	KUNIT_CASE(vtel_stats_test_pct_rank_rounding),
	KUNIT_CASE(vtel_stats_test_pct_huge),
	KUNIT_CASE(vtel_stats_test_merge),
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
