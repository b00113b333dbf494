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
	vtel_account_entry(pcpu(), vc, t, 0);
	for (i = 0; i < 10; i++)
		exit_entry(vc, io, &t, 100, 50);
	exit_entry(vc, cpuid, &t, 100, 2000);
	/* An exit still being handled is counted but not timed. */
	t += 100;
	vtel_account_exit(pcpu(), vc, io, t, 0);

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

/*
 * Four exits through the probes' path: port IO the VMM handles while the
 * thread waits 100 ns for a CPU, a hlt that blocks (with polling) and then
 * waits 200 ns, a cpuid KVM handles alone, and port IO without waiting.
 */
static void vtel_account_time_split(struct kunit *test)
{
	unsigned int io = vtel_svm_reason(0x7b), cpuid = vtel_svm_reason(0x72);
	unsigned int hlt = vtel_svm_reason(0x78);
	struct vtel_agg *a = test->priv;
	struct vtel_vcpu *vc = vcpu(test, 1, 0);
	struct vtel_times tm;

	KUNIT_ASSERT_NOT_NULL(test, vc);
	vtel_account_entry(pcpu(), vc, 1000, 0);
	vtel_account_exit(pcpu(), vc, io, 1100, 0);
	vtel_split_user_fast(&vc->split, vc->last_exit_ns, 1150, 0);
	vtel_account_entry(pcpu(), vc, 2000, 100);
	vtel_account_exit(pcpu(), vc, hlt, 2100, 100);
	vtel_split_wakeup(&vc->split, vc->last_exit_ns, 5000, 300, 2800, 400);
	vtel_account_entry(pcpu(), vc, 5100, 300);
	vtel_account_exit(pcpu(), vc, cpuid, 5200, 300);
	vtel_account_entry(pcpu(), vc, 5300, 300);
	/* Port IO the VMM handles without waiting: the inline path. */
	vtel_account_exit(pcpu(), vc, io, 5400, 300);
	vtel_split_user_fast(&vc->split, vc->last_exit_ns, 5420, 300);
	vtel_account_entry(pcpu(), vc, 5500, 300);

	KUNIT_ASSERT_EQ(test, vtel_view_vm(a, vm_id_of(vc)), 0);
	KUNIT_EXPECT_EQ(test, a->t.guest_ns, 400);
	KUNIT_EXPECT_EQ(test, a->t.handling_ns, 900 + 3000 + 100 + 100);
	vtel_times_make(&tm, a->t.guest_ns, a->t.handling_ns, &a->t.split);
	KUNIT_EXPECT_EQ(test, tm.kvm_ns, 50 + 200 + 100 + 20);
	KUNIT_EXPECT_EQ(test, tm.vmm_ns, 750 + 80);
	KUNIT_EXPECT_EQ(test, tm.wait_ns, 300);
	KUNIT_EXPECT_EQ(test, tm.idle_ns, 2600);
	KUNIT_EXPECT_EQ(test, tm.poll_ns, 400);
	/* The five buckets are the vCPU's time from first entry to last exit. */
	KUNIT_EXPECT_EQ(test, tm.guest_ns + tm.kvm_ns + tm.vmm_ns + tm.wait_ns +
			tm.idle_ns, 5500 - 1000);
	/* (370 + 830) / (400 + 370 + 830); the old formula said 91%. */
	KUNIT_EXPECT_EQ(test, vtel_times_overhead_ppm(&tm), 750000);
	KUNIT_EXPECT_EQ(test, vtel_overhead_ppm(a->t.handling_ns, a->t.guest_ns),
			911111);
	KUNIT_EXPECT_EQ(test, vtel_times_wait_ppm(&tm), 157894);

	/* Per reason. */
	KUNIT_EXPECT_EQ(test, a->reason[io].split.vmm_ns, 750 + 80);
	KUNIT_EXPECT_EQ(test, a->reason[io].split.wait_ns, 100);
	KUNIT_EXPECT_EQ(test, a->reason[io].split.idle_ns, 0);
	KUNIT_EXPECT_EQ(test, a->reason[hlt].split.wait_ns, 200);
	KUNIT_EXPECT_EQ(test, a->reason[hlt].split.idle_ns, 2600);
	KUNIT_EXPECT_EQ(test, a->reason[hlt].split.poll_ns, 400);
	KUNIT_EXPECT_EQ(test, a->reason[hlt].split.vmm_ns, 0);
	KUNIT_EXPECT_EQ(test, a->reason[cpuid].split.vmm_ns +
			a->reason[cpuid].split.wait_ns +
			a->reason[cpuid].split.idle_ns, 0);
	KUNIT_EXPECT_EQ(test, a->reason[cpuid].total_ns, 100);
	/* The host view and the CPU have the same split. */
	vtel_view_host(a);
	KUNIT_EXPECT_EQ(test, a->t.split.idle_ns, 2600);
	KUNIT_EXPECT_EQ(test, a->t.split.vmm_ns, 830);
	KUNIT_EXPECT_EQ(test, pcpu()->split.wait_ns, 300);
}

/* A reset between an exit and its entry drops that exit's split too. */
static void vtel_account_split_reset(struct kunit *test)
{
	unsigned int io = vtel_svm_reason(0x7b);
	struct vtel_agg *a = test->priv;
	struct vtel_vcpu *vc = vcpu(test, 1, 0);

	KUNIT_ASSERT_NOT_NULL(test, vc);
	vtel_account_entry(pcpu(), vc, 1000, 0);
	vtel_account_exit(pcpu(), vc, io, 1100, 0);
	vtel_split_user(&vc->split, vc->last_exit_ns, 1150, 0);
	vtel_view_reset();
	vtel_account_entry(pcpu(), vc, 2000, 0);
	KUNIT_ASSERT_EQ(test, vtel_view_vm(a, vm_id_of(vc)), 0);
	KUNIT_EXPECT_EQ(test, a->reason[io].split.vmm_ns, 0);
	KUNIT_EXPECT_LE(test, a->t.split.vmm_ns, a->t.handling_ns);
	/* The next exit starts clean. */
	vtel_account_exit(pcpu(), vc, io, 2100, 0);
	KUNIT_EXPECT_FALSE(test, vtel_split_pending(&vc->split, 0));
}

static struct kunit_case vtel_account_cases[] = {
	KUNIT_CASE(vtel_account_one_vcpu),
	KUNIT_CASE(vtel_account_time_split),
	KUNIT_CASE(vtel_account_split_reset),
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
