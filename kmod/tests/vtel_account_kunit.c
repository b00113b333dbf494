// SPDX-License-Identifier: GPL-2.0
/* KUnit tests of the hot path: counting and timing exits, reason slots. */
#include "vtel_kunit.h"

static void vtel_account_one_vcpu(struct kunit *test)
{
	unsigned int io = vtel_svm_reason(0x7b), cpuid = vtel_svm_reason(0x72);
	struct vtel_agg *a = test->priv;
	struct vtel_vcpu *vc;
	u64 t = 1000;
	int i;

	vc = vcpu(test, 1, 0);
	KUNIT_ASSERT_NOT_NULL(test, vc);
	vtel_account_entry(pcpu(), vc, t);
	for (i = 0; i < 10; i++)
		exit_entry(vc, io, &t, 100, 50);
	exit_entry(vc, cpuid, &t, 100, 2000);
	/* An exit still being handled is counted but not timed. */
	t += 100;
	vtel_account_exit(pcpu(), vc, io, t);

	KUNIT_ASSERT_EQ(test, vtel_view_vm(a, vm_id_of(vc)), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, 12);
	KUNIT_EXPECT_EQ(test, a->t.guest_ns, 1200);
	KUNIT_EXPECT_EQ(test, a->t.handling_ns, 10 * 50 + 2000);
	KUNIT_EXPECT_EQ(test, a->reason[io].count, 11);
	KUNIT_EXPECT_EQ(test, a->reason[io].timed, 10);
	KUNIT_EXPECT_EQ(test, a->reason[io].min_ns, 50);
	KUNIT_EXPECT_EQ(test, a->reason[io].max_ns, 50);
	KUNIT_EXPECT_EQ(test, a->reason[cpuid].count, 1);
	KUNIT_EXPECT_EQ(test, a->reason[cpuid].total_ns, 2000);
	KUNIT_EXPECT_EQ(test, vtel_overhead_ppm(a->t.handling_ns,
						a->t.guest_ns), 675675);
}

static void vtel_account_reason_slots_overflow(struct kunit *test)
{
	struct vtel_agg *a = test->priv;
	struct vtel_vcpu *vc = vcpu(test, 1, 0);
	unsigned int r, n = 0;
	u64 t = 1;

	KUNIT_ASSERT_NOT_NULL(test, vc);
	for (r = 1; r < vtel_reason_count() && n < VTEL_SEG_SLOTS + 5; r++, n++)
		exit_entry(vc, r, &t, 1, 1);
	KUNIT_ASSERT_EQ(test, n, VTEL_SEG_SLOTS + 5);

	KUNIT_ASSERT_EQ(test, vtel_view_vm(a, vm_id_of(vc)), 0);
	KUNIT_EXPECT_EQ(test, a->t.exits, n);
	KUNIT_EXPECT_EQ(test, a->t.reason_overflow, 5);
	KUNIT_EXPECT_EQ(test, a->t.handling_ns, n);
	/* The host view still has every exit under its own reason. */
	vtel_view_host(a);
	for (r = 1; r <= n; r++)
		KUNIT_EXPECT_EQ(test, a->reason[r].count, 1);
}

static struct kunit_case vtel_account_cases[] = {
	KUNIT_CASE(vtel_account_one_vcpu),
	KUNIT_CASE(vtel_account_reason_slots_overflow),
	{}
};

static struct kunit_suite vtel_account_suite = {
	.name = "vtel_account",
	.init = vtel_kunit_init,
	.exit = vtel_kunit_exit,
	.test_cases = vtel_account_cases,
};

kunit_test_suites(&vtel_account_suite);

MODULE_LICENSE("GPL");
