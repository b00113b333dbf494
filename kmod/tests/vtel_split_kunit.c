// SPDX-License-Identifier: GPL-2.0
/* KUnit tests for the time split: cutting exits at marks, and the ratios. */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/module.h>

#include "../vtel_split.h"

/* One exit from kvm_exit at exit_ns and run delay rd0 to kvm_entry. */
struct vtel_split_case {
	struct vtel_split_state st;
	u64 exit_ns;
};

static void vtel_split_begin(struct vtel_split_case *c, u64 exit_ns, u64 rd0)
{
	*c = (struct vtel_split_case){ .exit_ns = exit_ns };
	vtel_split_exit(&c->st, rd0);
}

static struct vtel_split vtel_split_finish(struct vtel_split_case *c, u64 now,
					   u64 rd)
{
	struct vtel_split out;

	vtel_split_end(&c->st, c->exit_ns, now, rd, &out);
	return out;
}

static void expect_split(struct kunit *test, struct vtel_split s, u64 vmm,
			 u64 wait, u64 idle, u64 poll)
{
	KUNIT_EXPECT_EQ(test, s.vmm_ns, vmm);
	KUNIT_EXPECT_EQ(test, s.wait_ns, wait);
	KUNIT_EXPECT_EQ(test, s.idle_ns, idle);
	KUNIT_EXPECT_EQ(test, s.poll_ns, poll);
}

/* No mark and no run delay: the hot path skips vtel_split_end(). */
static void vtel_split_test_all_kvm(struct kunit *test)
{
	struct vtel_split_case c;
	struct vtel_split s;

	vtel_split_begin(&c, 1000, 777);
	KUNIT_EXPECT_FALSE(test, vtel_split_pending(&c.st, 777));
	KUNIT_EXPECT_TRUE(test, vtel_split_pending(&c.st, 778));
	s = vtel_split_finish(&c, 2000, 777);
	expect_split(test, s, 0, 0, 0, 0);
}

static void vtel_split_test_wait(struct kunit *test)
{
	struct vtel_split_case c;
	struct vtel_split s;

	vtel_split_begin(&c, 1000, 50);
	s = vtel_split_finish(&c, 2000, 350);
	expect_split(test, s, 0, 300, 0, 0);
}

/* Run delay beyond the exit (another thread's counter) is capped. */
static void vtel_split_test_wait_capped(struct kunit *test)
{
	struct vtel_split_case c;
	struct vtel_split s;

	vtel_split_begin(&c, 1000, 50);
	s = vtel_split_finish(&c, 2000, 1000000);
	expect_split(test, s, 0, 1000, 0, 0);
	/* A run delay that went backwards reads as a huge increase: capped. */
	vtel_split_begin(&c, 1000, 5000);
	s = vtel_split_finish(&c, 1400, 10);
	expect_split(test, s, 0, 400, 0, 0);
}

/* The run delay counter wraps: the difference is still right. */
static void vtel_split_test_wait_wraps(struct kunit *test)
{
	struct vtel_split_case c;
	struct vtel_split s;

	vtel_split_begin(&c, 1000, U64_MAX - 99);
	KUNIT_EXPECT_TRUE(test, vtel_split_pending(&c.st, 100));
	s = vtel_split_finish(&c, 2000, 100);
	expect_split(test, s, 0, 200, 0, 0);
}

/* The clock wrapping past the exit (or going back) gives an empty exit. */
static void vtel_split_test_clock_back(struct kunit *test)
{
	struct vtel_split_case c;
	struct vtel_split s;

	vtel_split_begin(&c, 5000, 0);
	vtel_split_user(&c.st, c.exit_ns, 4000, 0);
	s = vtel_split_finish(&c, 4500, 100);
	/* The piece after the mark is 500 long: 100 wait, 400 vmm. */
	expect_split(test, s, 400, 100, 0, 0);
}

static void vtel_split_test_vmm(struct kunit *test)
{
	struct vtel_split_case c;
	struct vtel_split s;

	vtel_split_begin(&c, 0, 0);
	vtel_split_user(&c.st, c.exit_ns, 100, 0);
	KUNIT_EXPECT_TRUE(test, vtel_split_pending(&c.st, 0));
	s = vtel_split_finish(&c, 1000, 0);
	expect_split(test, s, 900, 0, 0, 0);
}

/* Run delay in KVM before the VMM, and in the VMM: wait, not vmm. */
static void vtel_split_test_vmm_wait(struct kunit *test)
{
	struct vtel_split_case c;
	struct vtel_split s;

	vtel_split_begin(&c, 0, 10);
	vtel_split_user(&c.st, c.exit_ns, 100, 40);
	s = vtel_split_finish(&c, 1000, 440);
	expect_split(test, s, 500, 430, 0, 0);
}

/* KVM_RUN returning at once (signal, immediate_exit): still the VMM's. */
static void vtel_split_test_vmm_twice(struct kunit *test)
{
	struct vtel_split_case c;
	struct vtel_split s;

	vtel_split_begin(&c, 0, 0);
	vtel_split_user(&c.st, c.exit_ns, 100, 0);
	vtel_split_user(&c.st, c.exit_ns, 600, 0);
	s = vtel_split_finish(&c, 1000, 0);
	expect_split(test, s, 900, 0, 0, 0);
}

static void vtel_split_test_halt(struct kunit *test)
{
	struct vtel_split_case c;
	struct vtel_split s;

	vtel_split_begin(&c, 0, 0);
	vtel_split_wakeup(&c.st, c.exit_ns, 1000, 0, 900, 100);
	s = vtel_split_finish(&c, 1100, 0);
	expect_split(test, s, 0, 0, 900, 100);
}

/* A woken vCPU waiting for a CPU: that part of the halt is wait. */
static void vtel_split_test_halt_wait(struct kunit *test)
{
	struct vtel_split_case c;
	struct vtel_split s;

	vtel_split_begin(&c, 0, 0);
	vtel_split_wakeup(&c.st, c.exit_ns, 1000, 300, 900, 0);
	s = vtel_split_finish(&c, 1100, 300);
	expect_split(test, s, 0, 300, 600, 0);
}

/* A halt longer than the piece (a bogus or racing value) is capped. */
static void vtel_split_test_halt_capped(struct kunit *test)
{
	struct vtel_split_case c;
	struct vtel_split s;

	vtel_split_begin(&c, 0, 0);
	vtel_split_wakeup(&c.st, c.exit_ns, 1000, 100, U64_MAX, U64_MAX);
	s = vtel_split_finish(&c, 1000, 100);
	expect_split(test, s, 0, 100, 900, 900);
}

/*
 * A halted vCPU interrupted by a signal: halt, exit to the VMM, KVM_RUN
 * again, halt again, entry.
 */
static void vtel_split_test_halt_in_vmm(struct kunit *test)
{
	struct vtel_split_case c;
	struct vtel_split s;

	vtel_split_begin(&c, 0, 0);
	vtel_split_wakeup(&c.st, c.exit_ns, 500, 0, 450, 50);
	vtel_split_user(&c.st, c.exit_ns, 600, 0);
	vtel_split_wakeup(&c.st, c.exit_ns, 2000, 0, 1000, 0);
	s = vtel_split_finish(&c, 2100, 0);
	/* kvm: 50 + 100 + 100; vmm: 600..1000 */
	expect_split(test, s, 400, 0, 1450, 50);
}

/* Marks are consumed by the entry: the next exit starts clean. */
static void vtel_split_test_next_exit_clean(struct kunit *test)
{
	struct vtel_split_case c;
	struct vtel_split s;

	vtel_split_begin(&c, 0, 0);
	vtel_split_user(&c.st, c.exit_ns, 100, 0);
	s = vtel_split_finish(&c, 1000, 0);
	vtel_split_exit(&c.st, 0);
	c.exit_ns = 2000;
	KUNIT_EXPECT_FALSE(test, vtel_split_pending(&c.st, 0));
	s = vtel_split_finish(&c, 3000, 0);
	expect_split(test, s, 0, 0, 0, 0);
}

/* The probe's lazy first user mark splits exactly like the applied one. */
static void vtel_split_test_user_lazy(struct kunit *test)
{
	struct vtel_split_case c;
	struct vtel_split s;

	vtel_split_begin(&c, 0, 10);
	vtel_split_user_fast(&c.st, c.exit_ns, 100, 40);
	KUNIT_EXPECT_TRUE(test, vtel_split_pending(&c.st, 40));
	s = vtel_split_finish(&c, 1000, 440);
	expect_split(test, s, 500, 430, 0, 0);
	/* Followed by a second user mark and a halt inside the VMM's phase. */
	vtel_split_begin(&c, 0, 0);
	vtel_split_user_fast(&c.st, c.exit_ns, 100, 0);
	vtel_split_user_fast(&c.st, c.exit_ns, 600, 0);
	vtel_split_wakeup(&c.st, c.exit_ns, 2000, 0, 1000, 10);
	s = vtel_split_finish(&c, 2100, 0);
	expect_split(test, s, 900, 0, 1000, 10);
}

/* Pseudo-random exits: the stored buckets never exceed the exit. */
static void vtel_split_test_never_exceeds(struct kunit *test)
{
	u32 x = 12345;
	unsigned int i, k;

#define NEXT() (x = x * 1103515245 + 12345, (u64)(x >> 8))
	for (i = 0; i < 2000; i++) {
		struct vtel_split_case c;
		struct vtel_split s;
		u64 t = NEXT(), rd = NEXT(), t0 = t;

		vtel_split_begin(&c, t, rd);
		for (k = 0; k < NEXT() % 5; k++) {
			t += NEXT() % 1000;
			rd += NEXT() % 300;
			if (NEXT() & 1) {
				vtel_split_user_fast(&c.st, c.exit_ns, t, rd);
			} else {
				/* Two draws, in order: arguments are unsequenced. */
				u64 halt = NEXT() % 1200, poll = NEXT() % 500;

				vtel_split_wakeup(&c.st, c.exit_ns, t, rd, halt,
						  poll);
			}
		}
		t += NEXT() % 1000;
		rd += NEXT() % 300;
		s = vtel_split_finish(&c, t, rd);
		KUNIT_ASSERT_LE(test, s.vmm_ns + s.wait_ns + s.idle_ns, t - t0);
		KUNIT_ASSERT_LE(test, s.poll_ns, s.idle_ns);
	}
#undef NEXT
}

static void vtel_split_test_make(struct kunit *test)
{
	struct vtel_split s = { .vmm_ns = 10, .wait_ns = 20, .idle_ns = 30,
				.poll_ns = 5 };
	struct vtel_times t;

	vtel_times_make(&t, 7, 100, &s);
	KUNIT_EXPECT_EQ(test, t.guest_ns, 7ULL);
	KUNIT_EXPECT_EQ(test, t.kvm_ns, 40ULL);
	KUNIT_EXPECT_EQ(test, t.vmm_ns, 10ULL);
	KUNIT_EXPECT_EQ(test, t.wait_ns, 20ULL);
	KUNIT_EXPECT_EQ(test, t.idle_ns, 30ULL);
	KUNIT_EXPECT_EQ(test, t.poll_ns, 5ULL);
	/* A reader that saw the split before the handling time: kvm 0. */
	vtel_times_make(&t, 7, 50, &s);
	KUNIT_EXPECT_EQ(test, t.kvm_ns, 0ULL);
	s.poll_ns = 99;
	vtel_times_make(&t, 7, 100, &s);
	KUNIT_EXPECT_EQ(test, t.poll_ns, 30ULL);
}

static void vtel_split_test_overhead(struct kunit *test)
{
	struct vtel_times t = {};

	KUNIT_EXPECT_EQ(test, vtel_times_overhead_ppm(&t), 0U);
	KUNIT_EXPECT_EQ(test, vtel_times_wait_ppm(&t), 0U);
	/* No guest time at all: everything run is overhead. */
	t.kvm_ns = 5;
	KUNIT_EXPECT_EQ(test, vtel_times_overhead_ppm(&t), 1000000U);
	t = (struct vtel_times){ .vmm_ns = 1 };
	KUNIT_EXPECT_EQ(test, vtel_times_overhead_ppm(&t), 1000000U);
	/* All idle: no overhead, however long the halts. */
	t = (struct vtel_times){ .idle_ns = U64_MAX, .poll_ns = 1000 };
	KUNIT_EXPECT_EQ(test, vtel_times_overhead_ppm(&t), 0U);
	KUNIT_EXPECT_EQ(test, vtel_times_wait_ppm(&t), 0U);
	/* An idle guest: 1% kvm, the rest halted. */
	t = (struct vtel_times){ .guest_ns = 3, .kvm_ns = 1, .idle_ns = 96 };
	KUNIT_EXPECT_EQ(test, vtel_times_overhead_ppm(&t), 250000U);
	t = (struct vtel_times){ .guest_ns = 600, .kvm_ns = 250, .vmm_ns = 150,
				 .wait_ns = 1000, .idle_ns = 12345 };
	KUNIT_EXPECT_EQ(test, vtel_times_overhead_ppm(&t), 400000U);
	KUNIT_EXPECT_EQ(test, vtel_times_wait_ppm(&t), 500000U);
	KUNIT_EXPECT_EQ(test, vtel_times_share_ppm(100, &t), 100000U);
	KUNIT_EXPECT_EQ(test, vtel_times_share_ppm(1, &t), 1000U);
	/* Only waiting. */
	t = (struct vtel_times){ .wait_ns = 9 };
	KUNIT_EXPECT_EQ(test, vtel_times_wait_ppm(&t), 1000000U);
	KUNIT_EXPECT_EQ(test, vtel_times_overhead_ppm(&t), 0U);
	/* Rounded down. */
	t = (struct vtel_times){ .guest_ns = 2, .kvm_ns = 1 };
	KUNIT_EXPECT_EQ(test, vtel_times_overhead_ppm(&t), 333333U);
}

/* Counters near 2^64: no overflow, at most a few ppm off. */
static void vtel_split_test_overhead_huge(struct kunit *test)
{
	struct vtel_times t = { .guest_ns = U64_MAX, .kvm_ns = U64_MAX };

	KUNIT_EXPECT_EQ(test, vtel_times_overhead_ppm(&t), 500000U);
	/* 2^63 - 2 of 2^64 - 3: just under a half, no overflow yet. */
	t = (struct vtel_times){ .guest_ns = U64_MAX / 2, .kvm_ns = U64_MAX / 4,
				 .vmm_ns = U64_MAX / 4 };
	KUNIT_EXPECT_EQ(test, vtel_times_overhead_ppm(&t), 499999U);
	t = (struct vtel_times){ .kvm_ns = U64_MAX, .vmm_ns = U64_MAX };
	KUNIT_EXPECT_EQ(test, vtel_times_overhead_ppm(&t), 1000000U);
	t = (struct vtel_times){ .guest_ns = U64_MAX, .kvm_ns = U64_MAX,
				 .vmm_ns = U64_MAX, .wait_ns = U64_MAX };
	KUNIT_EXPECT_EQ(test, vtel_times_wait_ppm(&t), 250000U);
	KUNIT_EXPECT_EQ(test, vtel_times_share_ppm(U64_MAX, &t), 333333U);
	t = (struct vtel_times){ .guest_ns = 1, .kvm_ns = U64_MAX - 1 };
	KUNIT_EXPECT_EQ(test, vtel_times_overhead_ppm(&t), 999999U);
}

static struct kunit_case vtel_split_cases[] = {
	KUNIT_CASE(vtel_split_test_all_kvm),
	KUNIT_CASE(vtel_split_test_wait),
	KUNIT_CASE(vtel_split_test_wait_capped),
	KUNIT_CASE(vtel_split_test_wait_wraps),
	KUNIT_CASE(vtel_split_test_clock_back),
	KUNIT_CASE(vtel_split_test_vmm),
	KUNIT_CASE(vtel_split_test_vmm_wait),
	KUNIT_CASE(vtel_split_test_vmm_twice),
	KUNIT_CASE(vtel_split_test_halt),
	KUNIT_CASE(vtel_split_test_halt_wait),
	KUNIT_CASE(vtel_split_test_halt_capped),
	KUNIT_CASE(vtel_split_test_halt_in_vmm),
	KUNIT_CASE(vtel_split_test_next_exit_clean),
	KUNIT_CASE(vtel_split_test_user_lazy),
	KUNIT_CASE(vtel_split_test_never_exceeds),
	KUNIT_CASE(vtel_split_test_make),
	KUNIT_CASE(vtel_split_test_overhead),
	KUNIT_CASE(vtel_split_test_overhead_huge),
	{}
};

static struct kunit_suite vtel_split_suite = {
	.name = "vtel_split",
	.test_cases = vtel_split_cases,
};

kunit_test_suite(vtel_split_suite);

MODULE_DESCRIPTION("KUnit tests for the vtel time split");
MODULE_LICENSE("GPL");
